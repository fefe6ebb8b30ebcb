// The convoy-hub binary with --osmand: its ready line, and a kill -9 between a fix becoming
// durable and the app hearing so: the app's resends to the restarted hub are recorded once.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "http_client.h"
#include "support/hub_harness.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace convoy {
namespace {

using testing::HttpClient;
using testing::Process;
using testing::TempDir;

const std::string kBin = CONVOY_BIN_DIR;

std::unique_ptr<Process> StartHub(const TempDir& dir, uint16_t osmand_port, int run) {
  return std::make_unique<Process>(
      std::vector<std::string>{kBin + "/convoy-hub", "--data", (dir / "data").string(), "--roster",
                               (dir / "cars.csv").string(), "--trackers", "127.0.0.1:0", "--osmand",
                               "127.0.0.1:" + std::to_string(osmand_port), "--status-every", "0"},
      dir / ("hub" + std::to_string(run) + ".out"), dir / ("hub" + std::to_string(run) + ".log"));
}

std::string Report(int64_t base_s, int i) {
  return "/?id=secret-of-car2&timestamp=" + std::to_string(base_s + i) +
         "&lat=" + std::to_string(45.0 + i * 1e-4) + "&lon=9.0&speed=20.0&batt=80";
}

TEST(OsmandProcessTest, ReadyLineNamesBothPortsOnOneLine) {
  TempDir dir;
  dir.Write("cars.csv", testing::TestRosterCsv(2));
  auto hub = StartHub(dir, 0, 0);
  const std::string line = testing::WaitForLine(dir / "hub0.out", "ready ");
  EXPECT_TRUE(std::regex_match(
      line, std::regex(R"(ready trackers=127\.0\.0\.1:[0-9]+ osmand=127\.0\.0\.1:[0-9]+)")))
      << line;
  EXPECT_NE(testing::ReadyPort(line, "osmand"), 0);
  EXPECT_NE(testing::ReadyPort(line, "osmand"), testing::ReadyPort(line, "trackers"));
  hub->Signal(SIGTERM);
  EXPECT_EQ(hub->Wait(), 0);
}

TEST(OsmandProcessTest, TlsFlagsWithoutOsmandAreRefused) {
  TempDir dir;
  dir.Write("cars.csv", testing::TestRosterCsv(1));
  Process hub({kBin + "/convoy-hub", "--data", (dir / "data").string(), "--roster",
               (dir / "cars.csv").string(), "--osmand-tls-cert", "x.pem"},
              dir / "out", dir / "log");
  EXPECT_EQ(hub.Wait(), 2);
}

TEST(OsmandProcessTest, ResendsAfterAKilledHubAreRecordedOnce) {
  TempDir dir;
  dir.Write("cars.csv", testing::TestRosterCsv(3));
  const int64_t base_s = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count() -
                         100;
  auto hub = StartHub(dir, 0, 1);
  const uint16_t port =
      testing::ReadyPort(testing::WaitForLine(dir / "hub1.out", "ready "), "osmand");
  ASSERT_NE(port, 0);
  {
    HttpClient phone(port);
    for (int i = 0; i < 20; ++i) ASSERT_EQ(phone.Get(Report(base_s, i)).status, 200);
  }
  hub->Signal(SIGKILL);
  EXPECT_NE(hub->Wait(), -1);

  hub = StartHub(dir, port, 2);
  ASSERT_FALSE(testing::WaitForLine(dir / "hub2.out", "ready ").empty()) << "no restart";
  {
    // Say the 200s of fixes 15..19 were lost with the hub: the app sends them again, then
    // carries on.
    HttpClient phone(port);
    for (int i = 15; i < 30; ++i) ASSERT_EQ(phone.Get(Report(base_s, i)).status, 200);
  }
  hub->Signal(SIGTERM);
  EXPECT_EQ(hub->Wait(), 0);

  const auto recorded = testing::ReadRecordedFixes(dir / "data");
  ASSERT_EQ(recorded.count("car2"), 1u);
  const auto& fixes = recorded.at("car2");
  ASSERT_EQ(fixes.size(), 30u);
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(fixes[i].seq, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(fixes[i].fix.time_ms, (base_s + i) * 1000);
  }
}

}  // namespace
}  // namespace convoy
