// The whole chain from a real receiver stack to the recording: Debian's gpsd (started by gpsfake
// over a fixture log) -> convoy-tracker's gpsd source, spool and uplink (a real process) -> a real
// hub -> the journal. What the hub records is what our own decoder finds in the same log.
#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "support/gpsfake.h"
#include "support/hub_harness.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "tests/tracker/nmea/gpsd_chk.h"
#include "tracker/nmea/decoder.h"

namespace convoy {
namespace {

constexpr int64_t kDayMs = 86'400'000;

TEST(GpsdToHubTest, TrackerDeliversGpsdFixesToTheHub) {
  if (!testing::GpsdInstalled()) {
    GTEST_SKIP() << "gpsd and gpsfake are not installed (apt-get install gpsd gpsd-clients)";
  }
  const std::string log = std::string(CONVOY_TEST_DATA) + "/nmea-gpsd/haicom-305N.log";
  std::map<int64_t, proto::Fix> ours;  // by time of day: gpsd 3.22 rewrites the log's year
  {
    tracker::nmea::Decoder decoder;
    std::vector<tracker::nmea::NmeaFix> fixes;
    decoder.Feed(tracker::nmea::testing::ReadFile(log), &fixes);
    decoder.Finish(&fixes);
    for (const auto& f : fixes) {
      if (f.is_fix()) ours[f.time_ms % kDayMs] = tracker::nmea::ToProtoFix(f);
    }
  }
  ASSERT_GT(ours.size(), 60u);

  testing::TempDir dir;
  testing::HubHarness hub(dir / "data", testing::TestRosterCsv(2));
  std::string gpsd_port;
  {
    asio::io_context io;
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    gpsd_port = std::to_string(probe.local_endpoint().port());
  }
  testing::Gpsfake gpsfake(gpsd_port, log);
  ASSERT_TRUE(gpsfake.started());
  testing::Process tracker(
      {std::string(CONVOY_BIN_DIR) + "/convoy-tracker", "--hub",
       "127.0.0.1:" + std::to_string(hub.port()), "--car", "car1", "--secret", "secret-of-car1",
       "--gps", "gpsd:127.0.0.1:" + gpsd_port, "--spool", (dir / "spool").string()},
      dir / "tracker.out", dir / "tracker.log");

  // Wait until the last fix of the log is recorded (gpsd paces the log at 20 ms a sentence).
  const int64_t last_tod = ours.rbegin()->first;
  std::vector<proto::SequencedFix> recorded;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (std::chrono::steady_clock::now() < deadline) {
    recorded = testing::ReadRecordedFixes(dir / "data")["car1"];
    if (!recorded.empty() && recorded.back().fix.time_ms % kDayMs == last_tod) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_FALSE(recorded.empty()) << "nothing recorded; see " << (dir / "tracker.log");
  EXPECT_EQ(recorded.back().fix.time_ms % kDayMs, last_tod);

  // Numbered 1, 2, 3 ... without gaps, and each one a fix our decoder found in the log.
  size_t matched = 0;
  for (size_t i = 0; i < recorded.size(); ++i) {
    EXPECT_EQ(recorded[i].seq, i + 1);
    const proto::Fix& fix = recorded[i].fix;
    if (fix.quality == proto::FixQuality::kNone) continue;
    const auto it = ours.find(fix.time_ms % kDayMs);
    ASSERT_NE(it, ours.end()) << "recorded a fix at " << fix.time_ms << " the log does not have";
    EXPECT_NEAR(fix.lat_e7, it->second.lat_e7, 1);
    EXPECT_NEAR(fix.lon_e7, it->second.lon_e7, 1);
    EXPECT_NEAR(fix.speed_cmps, it->second.speed_cmps, 1);
    EXPECT_NEAR(fix.course_cdeg, it->second.course_cdeg, 1);
    ++matched;
  }
  // gpsd needs a few sentences to recognise the device, so the first cycles may be missing, and
  // on a loaded machine it drops cycles gpsfake feeds faster than it reads them.
  EXPECT_GE(matched * 2, ours.size()) << matched << " of " << ours.size();
}

}  // namespace
}  // namespace convoy
