// `convoy-replay export` as a person runs it: every format from the command line, read back by
// ogrinfo; clear messages and no crash for a missing data directory, an unknown car, a bad time,
// an output that cannot be written; quiet stderr when it is not a terminal.
#include <gtest/gtest.h>

#include "hub/export/test_recording.h"
#include "support/temp_dir.h"

namespace convoy::hub {
namespace {

namespace fs = std::filesystem;
using testing::RunResult;

const std::string kReplay = std::string(CONVOY_BIN_DIR) + "/convoy-replay";

class ExportCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteJournal(
        dir_ / "data",
        {testing::StraightDrive("c1", *maps::LatLon::FromDegrees(41.9, 12.5), 90, 400, 11),
         testing::StraightDrive("c2", *maps::LatLon::FromDegrees(41.8, 12.4), 45, 300, 13)});
  }

  RunResult Export(std::vector<std::string> args) {
    args.insert(args.begin(), {kReplay, "export"});
    RunResult result = testing::Run(args, dir_.path());
    // Whatever happened, it ended by itself: not a signal (a crash is 128 + signal).
    EXPECT_GE(result.exit_code, 0);
    EXPECT_LT(result.exit_code, 3) << result.err;
    return result;
  }
  std::string Data() const { return (dir_ / "data").string(); }
  std::string Out(const std::string& name) const { return (dir_ / name).string(); }

  testing::TempDir dir_;
};

TEST_F(ExportCommandTest, EveryFormatIsWrittenAndOgrinfoReadsIt) {
  struct Case {
    std::string file, layer;
    std::vector<std::string> open_options;
    long expected;
  };
  // With the default privacy cut: 400 and 300 fixes, each losing the ones within 500 m of its
  // start and end (46 + 46 for 11 m steps, 39 + 39 for 13 m steps), in every published format;
  // the GeoPackage keeps everything unless asked.
  const long published = (400 - 92) + (300 - 78);
  const std::vector<Case> cases = {
      {"t.gpx", "track_points", {}, published},
      {"t.csv", "t", {"-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat"}, published},
      {"t.gpkg", "fixes", {}, 700},
      {"t.kml", "Tracks", {}, 2},
      {"t.geojson", "", {}, 2},  // the layer is named after the tour: take the only one
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.file);
    const RunResult run = Export({"--data", Data(), "--out", Out(c.file)});  // format from name
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("wrote"), std::string::npos) << run.err;
    std::vector<std::string> args = {"/usr/bin/ogrinfo", "-ro", "-so"};
    args.insert(args.end(), c.open_options.begin(), c.open_options.end());
    args.push_back(Out(c.file));
    args.push_back(c.layer.empty() ? "-al" : c.layer);
    const RunResult info = testing::Run(args, dir_.path());
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_EQ(testing::FeatureCount(info.out), c.expected) << info.out;
  }
}

TEST_F(ExportCommandTest, NoProgressOrCarriageReturnsWhenStderrIsNotATerminal) {
  const RunResult run = Export({"--data", Data(), "--format", "gpx", "--out", Out("t.gpx")});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err.find('\r'), std::string::npos);
  EXPECT_EQ(run.err.find("writing"), std::string::npos) << run.err;
  const RunResult quiet =
      Export({"--data", Data(), "--format", "gpx", "--out", Out("q.gpx"), "--quiet"});
  EXPECT_EQ(quiet.err, "");
}

TEST_F(ExportCommandTest, MissingDataDirectoryIsAClearError) {
  const RunResult run =
      Export({"--data", Out("nowhere"), "--format", "gpx", "--out", Out("t.gpx")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("nowhere: no such directory"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(Out("t.gpx")));
}

TEST_F(ExportCommandTest, DirectoryWithoutJournalIsAClearError) {
  fs::create_directories(Out("empty"));
  const RunResult run = Export({"--data", Out("empty"), "--out", Out("t.gpx")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("no journal segments"), std::string::npos) << run.err;
}

TEST_F(ExportCommandTest, UnknownCarNamesTheCarsRecorded) {
  const RunResult run = Export({"--data", Data(), "--out", Out("t.gpx"), "--car", "c9"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("unknown car 'c9'"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("c1, c2"), std::string::npos) << run.err;
}

TEST_F(ExportCommandTest, CarListSelectsCars) {
  const RunResult run =
      Export({"--data", Data(), "--out", Out("t.geojson"), "--car", "c2,c1", "--car", "c1"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("of 2 cars"), std::string::npos) << run.err;
  const RunResult one = Export({"--data", Data(), "--out", Out("one.geojson"), "--car", "c2"});
  EXPECT_NE(one.err.find("of 1 cars"), std::string::npos) << one.err;
}

TEST_F(ExportCommandTest, BadTimesAreClearErrors) {
  RunResult run = Export({"--data", Data(), "--out", Out("t.gpx"), "--from", "2024-05-18T09:00"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--from '2024-05-18T09:00': no time zone"), std::string::npos) << run.err;
  run = Export({"--data", Data(), "--out", Out("t.gpx"), "--to", "tomorrow"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--to 'tomorrow'"), std::string::npos) << run.err;
  run = Export({"--data", Data(), "--out", Out("t.gpx"), "--from", "2024-05-18T10:00:00Z", "--to",
                "2024-05-18T09:00:00Z"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--from must be before --to"), std::string::npos) << run.err;
}

TEST_F(ExportCommandTest, TimeWindowWithOffsetSelectsFixes) {
  // 07:00:00Z is the first fix; 09:00:10+02:00 .. 09:00:30+02:00 holds fixes 10..29 of each car.
  const RunResult run =
      Export({"--data", Data(), "--out", Out("w.csv"), "--privacy-radius", "0", "--from",
              "2024-05-18T09:00:10+02:00", "--to", "2024-05-18T09:00:30+02:00"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("wrote " + Out("w.csv") + " (csv): 40 fixes of 2 cars"), std::string::npos)
      << run.err;
}

TEST_F(ExportCommandTest, UnwritableOutputIsAClearErrorAndTouchesNothing) {
  RunResult run = Export({"--data", Data(), "--out", Out("no/such/dir/t.gpx")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("does not exist"), std::string::npos) << run.err;
  run = Export({"--data", Data(), "--out", dir_.path().string()});
  EXPECT_EQ(run.exit_code, 2);  // a directory has no format
  run = Export({"--data", Data(), "--format", "gpx", "--out", dir_.path().string()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("is a directory"), std::string::npos) << run.err;
  // /proc refuses new files even to root.
  run = Export({"--data", Data(), "--out", "/proc/convoy-export-test.gpx"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("cannot write in /proc"), std::string::npos) << run.err;
}

TEST_F(ExportCommandTest, FailedExportLeavesTheExistingFileAsItWas) {
  const fs::path out = dir_.Write("keep.gpx", "previous export");
  const RunResult run = Export({"--data", Data(), "--out", out.string(), "--car", "nobody"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(testing::ReadAll(out), "previous export");
  for (const auto& entry : fs::directory_iterator(dir_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos) << entry.path();
  }
}

TEST_F(ExportCommandTest, UnknownFormatAndMissingFormatAreUsageErrors) {
  RunResult run = Export({"--data", Data(), "--format", "shp", "--out", Out("t.shp")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("expected gpx, kml, geojson, gpkg or csv"), std::string::npos);
  run = Export({"--data", Data(), "--out", Out("t.txt")});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--format is needed"), std::string::npos);
  run = Export({"--out", Out("t.gpx")});
  EXPECT_EQ(run.exit_code, 2);  // --data is required
  run = Export({"--data", Data(), "--out", Out("t.gpx"), "--privacy-radius", "far"});
  EXPECT_EQ(run.exit_code, 2);
  run = Export({"--data", Data(), "--out", Out("t.gpx"), "--privacy-radius", "-5"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--privacy-radius"), std::string::npos);
}

TEST_F(ExportCommandTest, UnreadableRosterOrPlanIsAClearError) {
  RunResult run = Export({"--data", Data(), "--out", Out("t.gpx"), "--roster", Out("none.csv")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--roster"), std::string::npos) << run.err;
  run = Export({"--data", Data(), "--out", Out("t.gpx"), "--plan", Out("none.tour")});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("--plan"), std::string::npos) << run.err;
}

TEST_F(ExportCommandTest, HelpAndDumpStillWork) {
  RunResult run = Export({"--help"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("--privacy-radius"), std::string::npos);
  run = testing::Run({kReplay, "dump", "--data", Data()}, dir_.path());
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.out.find("c1,1,"), std::string::npos);
}

}  // namespace
}  // namespace convoy::hub
