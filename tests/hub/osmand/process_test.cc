// The convoy-hub binary with --osmand: its ready line; a kill -9 between a fix becoming
// durable and the app hearing so: the app's resends to the restarted hub are recorded once; and
// a phone's alarm=sos, resent by the app, journaled as exactly one SOS alert.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <regex>
#include <sstream>

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

// The rows of `convoy-replay dump --alerts` (header dropped), each split at commas.
std::vector<std::vector<std::string>> DumpAlerts(const TempDir& dir) {
  Process dump({kBin + "/convoy-replay", "dump", "--data", (dir / "data").string(), "--alerts"},
               dir / "alerts.csv", dir / "alerts.log");
  EXPECT_EQ(dump.Wait(), 0);
  std::ifstream in(dir / "alerts.csv");
  std::vector<std::vector<std::string>> rows;
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("id,kind,cars,", 0), 0u) << line;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream split(line);
    for (std::string field; std::getline(split, field, ',');) fields.push_back(field);
    rows.push_back(std::move(fields));
  }
  return rows;
}

TEST(OsmandProcessTest, PhoneSosResentByTheAppIsOneJournaledAlert) {
  TempDir dir;
  dir.Write("cars.csv", testing::TestRosterCsv(3));
  const int64_t base_s = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count() -
                         100;
  const std::string sos = Report(base_s, 5) + "&alarm=sos";
  auto hub = StartHub(dir, 0, 1);
  const uint16_t port =
      testing::ReadyPort(testing::WaitForLine(dir / "hub1.out", "ready "), "osmand");
  ASSERT_NE(port, 0);
  {
    HttpClient phone(port);
    for (int i = 0; i < 5; ++i) ASSERT_EQ(phone.Get(Report(base_s, i)).status, 200);
    ASSERT_EQ(phone.Get(sos).status, 200);
    // The 200 was lost on the way (a tunnel): the app sends the same report again, on the same
    // connection and on a new one.
    ASSERT_EQ(phone.Get(sos).status, 200);
  }
  {
    HttpClient phone(port);
    ASSERT_EQ(phone.Get(sos).status, 200);
    for (int i = 6; i < 10; ++i) ASSERT_EQ(phone.Get(Report(base_s, i)).status, 200);
  }
  hub->Signal(SIGTERM);
  ASSERT_EQ(hub->Wait(), 0);

  // A restarted hub hears the report once more (an app that never got its answer).
  hub = StartHub(dir, port, 2);
  ASSERT_FALSE(testing::WaitForLine(dir / "hub2.out", "ready ").empty()) << "no restart";
  {
    HttpClient phone(port);
    ASSERT_EQ(phone.Get(sos).status, 200);
  }
  hub->Signal(SIGTERM);
  ASSERT_EQ(hub->Wait(), 0);

  const auto rows = DumpAlerts(dir);
  int sos_rows = 0;
  for (const auto& row : rows) {
    ASSERT_GE(row.size(), 3u);
    if (row[1] != "SOS") continue;
    ++sos_rows;
    EXPECT_NE(row[2].find("car2"), std::string::npos) << row[2];
  }
  EXPECT_EQ(sos_rows, 1) << "alerts dumped: " << rows.size();
  // The fixes, the SOS report's among them, are recorded once each.
  const auto recorded = testing::ReadRecordedFixes(dir / "data");
  ASSERT_EQ(recorded.count("car2"), 1u);
  EXPECT_EQ(recorded.at("car2").size(), 10u);
}

}  // namespace
}  // namespace convoy
