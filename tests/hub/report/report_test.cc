// convoy-replay report on a simulated tour with known figures: five cars 80 m apart driving east
// at 15 m/s for 30 minutes, a 10-minute stop at a rally point, 30 minutes more; one car with a
// two-minute gap; two alerts. The figures are checked in report.json, and the page is opened in
// headless Chromium, its screenshot kept under the build directory.
#include <gtest/gtest.h>

#include <fstream>

#include "hub/export/test_recording.h"
#include "hub/replay/replay_index.h"
#include "hub/report/drawings.h"
#include "hub/report/tour_figures.h"
#include "proto/json.h"
#include "support/temp_dir.h"

namespace convoy::hub::report {
namespace {

using proto::JsonValue;
using testing::kTestStartMs;
using testing::TempDir;
using testing::TestCar;

const maps::LatLon kStart = *maps::LatLon::FromDegrees(41.5, 13.0);
constexpr int kCars = 5;
constexpr double kSpeedMps = 15, kSpacingM = 80;
constexpr int kStopFromS = 1800, kStopS = 600, kEndS = 4200;
constexpr double kRallyAlongM = 27000, kRallyRadiusM = 400;

double LeadAlong(int t) {
  if (t <= kStopFromS) return kSpeedMps * t;
  if (t <= kStopFromS + kStopS) return kRallyAlongM;
  return kRallyAlongM + kSpeedMps * (t - kStopFromS - kStopS);
}

std::string CarId(int i) { return "car0" + std::to_string(i + 1); }

std::vector<TestCar> Tour() {
  std::vector<TestCar> cars;
  for (int i = 0; i < kCars; ++i) {
    TestCar car{CarId(i), {}, {}};
    for (int t = 0; t <= kEndS; ++t) {
      if (i == 1 && t >= 1000 && t < 1120) continue;  // car02: a two-minute gap
      const maps::LatLon p = maps::GeodesicDirect(kStart, 90, LeadAlong(t) - kSpacingM * i);
      proto::SequencedFix f;
      f.seq = car.fixes.size() + 1;
      f.fix.time_ms = kTestStartMs + t * 1000LL;
      f.fix.lat_e7 = p.lat_e7();
      f.fix.lon_e7 = p.lon_e7();
      f.fix.speed_cmps = 1500;
      f.fix.course_cdeg = 9000;
      f.fix.quality = proto::FixQuality::k3D;
      car.fixes.push_back(f);
      car.verdicts.push_back(proto::FixVerdict::kGood);
    }
    cars.push_back(std::move(car));
  }
  return cars;
}

void WriteAlerts(const std::filesystem::path& dir) {
  JournalOptions options;
  options.dir = dir;
  auto journal = Journal::Open(options, nullptr, nullptr);
  ASSERT_TRUE(journal.ok());
  auto alert = [](uint64_t id, const char* kind, const std::string& car, int raised_s,
                  int cleared_s) {
    v1::JournalAlert a;
    a.set_alert_id(id);
    a.set_kind(kind);
    a.add_car_ids(car);
    a.set_raised_ms(kTestStartMs + raised_s * 1000LL);
    if (cleared_s > 0) {
      a.set_event(v1::JournalAlert::EVENT_CLEARED);
      a.set_cleared_ms(kTestStartMs + cleared_s * 1000LL);
    }
    return a.SerializeAsString();
  };
  for (const std::string& payload :
       {alert(1, "STRAGGLER", "car03", 500, 0), alert(1, "STRAGGLER", "car03", 500, 560),
        alert(2, "SOS", "car05", 3000, 0)}) {
    ASSERT_TRUE((*journal)->Append(RecordType::kAlert, payload, [](const Status&) {}));
  }
  (*journal)->Flush();
}

// A plan with one leg along the drive and a rally point at the stop, arrival planned 09:30
// local (07:30Z).
std::filesystem::path WritePlan(const TempDir& dir) {
  const maps::LatLon a = maps::GeodesicDirect(kStart, 90, -1000);
  const maps::LatLon b = maps::GeodesicDirect(kStart, 90, 30000);
  const maps::LatLon c = maps::GeodesicDirect(kStart, 90, 60000);
  const maps::LatLon rally = maps::GeodesicDirect(kStart, 90, kRallyAlongM);
  char route[512];
  std::snprintf(route, sizeof route,
                R"({"type":"Feature","properties":{},"geometry":{"type":"LineString",)"
                R"("coordinates":[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]]}})",
                a.lon_deg(), a.lat_deg(), b.lon_deg(), b.lat_deg(), c.lon_deg(), c.lat_deg());
  dir.Write("route.geojson", route);
  char plan[1024];
  std::snprintf(plan, sizeof plan,
                "[tour]\nname = Test tour east\nutc_offset = +02:00\n\n"
                "[day]\nname = Day one\ndate = 2024-05-18\n\n"
                "[leg]\nname = Eastwards\nroute = route.geojson\n\n"
                "[rally]\nname = Viewpoint\nat = %.7f, %.7f\nradius_m = %.0f\narrive = 09:30\n"
                "depart = 09:45\n",
                rally.lat_deg(), rally.lon_deg(), kRallyRadiusM);
  return dir.Write("test.tour", plan);
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteJournal(dir_ / "data", Tour(), 10);
    WriteAlerts(dir_ / "data");
    plan_ = WritePlan(dir_);
    dir_.Write("cars.csv",
               "id,name,role,secret\ncar01,Lead car,lead,secret-car01-x\n"
               "car02,Car 2,car,secret-car02-x\ncar03,Car 3,car,secret-car03-x\n"
               "car04,Car 4,car,secret-car04-x\ncar05,Sweep car,sweep,secret-car05-x\n");
  }
  testing::RunResult Report(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {std::string(CONVOY_BIN_DIR) + "/convoy-replay",
                                     "report",
                                     "--data",
                                     (dir_ / "data").string(),
                                     "--out",
                                     (dir_ / "report").string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return testing::Run(argv, dir_.path());
  }
  TempDir dir_;
  std::filesystem::path plan_;
};

TEST_F(ReportTest, FiguresOfTheSimulatedTourAreTheKnownOnes) {
  const auto run = Report({"--plan", plan_.string(), "--roster", (dir_ / "cars.csv").string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // Not a terminal: no progress bar, one summary line.
  EXPECT_EQ(run.err.find('\r'), std::string::npos);
  EXPECT_NE(run.err.find("wrote "), std::string::npos) << run.err;
  auto json = proto::ParseJson(testing::ReadAll(dir_ / "report" / "report.json"));
  ASSERT_TRUE(json.ok()) << json.message();
  EXPECT_EQ(json->Find("tour")->text, "Test tour east");

  const JsonValue& days = *json->Find("days");
  ASSERT_EQ(days.items.size(), 1u);
  const JsonValue& day = days.items[0];
  EXPECT_EQ(day.Find("label")->text, "Day 1 (2024-05-18)");
  EXPECT_EQ(day.Find("measured_car")->text, "car01");  // the roster's lead
  const double distance_m = 2 * kRallyAlongM;          // 27 km, the stop, 27 km
  EXPECT_NEAR(day.Find("distance_m")->number, distance_m, distance_m * 0.005);
  EXPECT_DOUBLE_EQ(day.Find("duration_s")->number, kEndS);
  // One stop of 600 s (plus the 3 s the car needs to come within 50 m of where it stops).
  const JsonValue& stops = *day.Find("stops");
  ASSERT_EQ(stops.items.size(), 1u);
  const double stop_s =
      (stops.items[0].Find("to_ms")->number - stops.items[0].Find("from_ms")->number) / 1000;
  EXPECT_NEAR(stop_s, kStopS, 5);
  EXPECT_EQ(stops.items[0].Find("near")->text, "Viewpoint");
  EXPECT_NEAR(day.Find("moving_s")->number, kEndS - kStopS, 5);
  EXPECT_NEAR(day.Find("average_speed_mps")->number, kSpeedMps, kSpeedMps * 0.01);
  // The convoy is 4 x 80 m long all day.
  EXPECT_NEAR(day.Find("max_length_m")->number, 4 * kSpacingM, 2);
  EXPECT_NEAR(day.Find("median_length_m")->number, 4 * kSpacingM, 2);
  EXPECT_EQ(day.Find("length")->items.size(), size_t(kEndS / 60 + 1));

  const JsonValue& cars = *json->Find("cars");
  ASSERT_EQ(cars.items.size(), size_t(kCars));
  EXPECT_EQ(cars.items[0].Find("name")->text, "Lead car");
  EXPECT_EQ(cars.items[1].Find("largest_gap_ms")->text, "121000");  // car02's gap
  EXPECT_EQ(cars.items[0].Find("largest_gap_ms")->text, "1000");
  EXPECT_EQ(cars.items[2].Find("alerts")->text, "1");
  EXPECT_EQ(cars.items[4].Find("alerts")->text, "1");
  EXPECT_EQ(cars.items[0].Find("alerts")->text, "0");
  // car02 drove the same but for 120 s of its gap, which is no gap (< 5 min): the straight line
  // across it counts.
  EXPECT_NEAR(cars.items[1].Find("distance_m")->number, distance_m, distance_m * 0.005);
  EXPECT_EQ(json->Find("alerts")->items.size(), 2u);
  EXPECT_EQ(json->Find("alerts")->items[0].Find("cleared_ms")->text,
            std::to_string(kTestStartMs + 560000));

  // Arrivals: car i comes within 400 m of the rally point when the lead is at
  // 26,600 + 80 i m; planned at 07:30Z.
  const JsonValue& rallies = *json->Find("rallies");
  ASSERT_EQ(rallies.items.size(), 1u);
  const JsonValue& rally = rallies.items[0];
  EXPECT_EQ(rally.Find("arrived")->text, "5");
  EXPECT_EQ(rally.Find("expected")->text, "5");
  EXPECT_EQ(rally.Find("planned_arrive_ms")->text, std::to_string(kTestStartMs + 1800000));
  auto arrival_s = [&](int i) {
    return (kRallyAlongM - kRallyRadiusM + kSpacingM * i) / kSpeedMps;
  };
  EXPECT_NEAR((rally.Find("first_ms")->number - kTestStartMs) / 1000, arrival_s(0), 10);
  EXPECT_NEAR((rally.Find("last_ms")->number - kTestStartMs) / 1000, arrival_s(4), 10);

  const std::string html = testing::ReadAll(dir_ / "report" / "index.html");
  for (const char* needle : {"Test tour east", "map.svg", "day1_length.svg", "day1_alerts.svg",
                             "Viewpoint", "Lead car", "STRAGGLER", "UTC+02:00", "09:30"}) {
    EXPECT_NE(html.find(needle), std::string::npos) << needle;
  }
  const std::string map = testing::ReadAll(dir_ / "report" / "map.svg");
  EXPECT_EQ(map.rfind("<svg", 0), 0u);
  EXPECT_NE(map.find("<title>Lead car</title>"), std::string::npos);
  // Every track path starts with a move (a path starting with a line is not drawn).
  for (size_t at = map.find("<path d=\""); at != std::string::npos;
       at = map.find("<path d=\"", at + 1)) {
    EXPECT_EQ(map[at + 9], 'M') << map.substr(at, 40);
  }
  EXPECT_NE(map.find("Viewpoint"), std::string::npos);
}

TEST_F(ReportTest, MapLeavesOutTheStretchNearEachCarsStartAndEnd) {
  auto index = replay::ReplayIndex::Open(dir_ / "data", nullptr, nullptr);
  ASSERT_TRUE(index.ok());
  const replay::ReplayCar& lead = *(*index)->cars()[0];
  ASSERT_EQ(lead.id, "car01");
  // 5 km around the start and the end of a 54 km drive at 15 m/s: the first 333 s (5 km) and
  // the last 333 s go.
  const auto [begin, end] = MapKeptRange(lead, 5000);
  EXPECT_NEAR(static_cast<double>(begin), 5000 / kSpeedMps, 2);
  EXPECT_NEAR(static_cast<double>(lead.fixes.size() - end), 5000 / kSpeedMps, 2);
  EXPECT_EQ(MapKeptRange(lead, 0), std::make_pair(size_t{0}, lead.fixes.size()));
  // The command takes the radius (0: no cut).
  ASSERT_EQ(Report({"--privacy-radius", "0"}).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "report" / "map.svg"));
}

TEST_F(ReportTest, MissingDataDirectoryIsOneLineAndExitCode1) {
  const auto run = testing::Run({std::string(CONVOY_BIN_DIR) + "/convoy-replay", "report", "--data",
                                 (dir_ / "nowhere").string(), "--out", (dir_ / "report").string()},
                                dir_.path());
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("nowhere: no such directory"), std::string::npos) << run.err;
  EXPECT_EQ(Report({"--privacy-radius", "near"}).exit_code, 2);
  EXPECT_EQ(Report({"--plan", (dir_ / "none.tour").string()}).exit_code, 1);
}

TEST_F(ReportTest, OpensInHeadlessChromiumWithAScreenshotKept) {
  if (!std::filesystem::exists("/usr/bin/chromium")) GTEST_SKIP() << "no /usr/bin/chromium";
  ASSERT_EQ(Report({"--plan", plan_.string(), "--roster", (dir_ / "cars.csv").string()}).exit_code,
            0);
  const std::filesystem::path artifacts =
      std::filesystem::path(CONVOY_BIN_DIR).parent_path() / "test-artifacts";
  std::filesystem::create_directories(artifacts);
  const std::filesystem::path png = artifacts / "report.png";
  std::filesystem::remove(png);
  const auto run = testing::Run(
      {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
       "--no-first-run", "--disable-background-networking", "--disable-component-update",
       "--disable-sync", "--user-data-dir=" + (dir_ / "chromium").string(),
       "--screenshot=" + png.string(), "--window-size=1280,2000",
       "file://" + (dir_ / "report" / "index.html").string()},
      dir_.path());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_TRUE(std::filesystem::exists(png)) << run.err;
  // A page of tables and pictures, not a blank one: a PNG of some size whose header says
  // 1280 x 2000.
  EXPECT_GT(std::filesystem::file_size(png), 50000u);
  const std::string bytes = testing::ReadAll(png);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  auto be32 = [&](size_t at) {
    return (uint32_t(uint8_t(bytes[at])) << 24) | (uint32_t(uint8_t(bytes[at + 1])) << 16) |
           (uint32_t(uint8_t(bytes[at + 2])) << 8) | uint32_t(uint8_t(bytes[at + 3]));
  };
  EXPECT_EQ(be32(16), 1280u);
  EXPECT_EQ(be32(20), 2000u);
}

}  // namespace
}  // namespace convoy::hub::report
