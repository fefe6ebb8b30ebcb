// kill -9 of the real hub process in the middle of a 40-car stream: after restarts, every fix
// the cars made is recorded exactly once (an acknowledged fix leaves the car's spool, so a fix
// lost by the hub would be missing for good).
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "support/hub_harness.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace convoy {
namespace {

using testing::Process;
using testing::TempDir;

const std::string kBin = CONVOY_BIN_DIR;

std::unique_ptr<Process> StartHub(const TempDir& dir, uint16_t port) {
  auto hub = std::make_unique<Process>(
      std::vector<std::string>{kBin + "/convoy-hub", "--data", (dir / "data").string(), "--roster",
                               (dir / "cars.csv").string(), "--trackers",
                               "127.0.0.1:" + std::to_string(port), "--status-every", "1"},
      dir / "hub.out", dir / "hub.log");
  return hub;
}

TEST(CrashTest, HubKilledMidStreamLosesAndDuplicatesNothing) {
  TempDir dir;
  constexpr int kCars = 40, kFixesPerCar = 400;
  ASSERT_EQ(Process({kBin + "/convoy-sim", "--make-roster", (dir / "cars.csv").string(),
                     "--roster-cars", std::to_string(kCars)},
                    dir / "roster.out", dir / "roster.log")
                .Wait(),
            0);
  auto hub = StartHub(dir, 0);
  const uint16_t port = testing::ReadyPort(testing::WaitForLine(dir / "hub.out", "ready "));
  ASSERT_NE(port, 0) << "the hub did not print its ready line";

  // 40 cars at 25 fixes/s each: a 1000 fixes/s stream, about 16 s of it.
  Process sim({kBin + "/convoy-sim", "--hub", "127.0.0.1:" + std::to_string(port), "--roster",
               (dir / "cars.csv").string(), "--interval-ms", "40", "--fixes-per-car",
               std::to_string(kFixesPerCar), "--exit-when-acked", "--report",
               (dir / "report.csv").string()},
              dir / "sim.out", dir / "sim.log");
  std::mt19937 random(2024);
  for (int kill = 0; kill < 3; ++kill) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500 + random() % 2000));
    hub->Signal(SIGKILL);
    EXPECT_NE(hub->Wait(), -1);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    hub = StartHub(dir, port);
    ASSERT_FALSE(testing::WaitForLine(dir / "hub.out", "ready ").empty())
        << "the hub did not restart";
  }
  ASSERT_EQ(sim.Wait(std::chrono::minutes(3)), 0) << "the simulator did not finish";
  hub->Signal(SIGTERM);
  hub->Wait();

  std::ifstream report(dir / "report.csv");
  std::string line;
  std::getline(report, line);
  int cars = 0;
  while (std::getline(report, line)) {
    std::stringstream fields(line);
    std::string car, made, acked;
    std::getline(fields, car, ',');
    std::getline(fields, made, ',');
    std::getline(fields, acked, ',');
    EXPECT_EQ(made, std::to_string(kFixesPerCar)) << car;
    EXPECT_EQ(acked, made) << car;
    ++cars;
  }
  EXPECT_EQ(cars, kCars);

  auto recorded = testing::ReadRecordedFixes(dir / "data");
  ASSERT_EQ(recorded.size(), static_cast<size_t>(kCars));
  for (const auto& [car, fixes] : recorded) {
    std::vector<int> seen(kFixesPerCar + 1, 0);
    for (const auto& fix : fixes) {
      ASSERT_LE(fix.seq, static_cast<uint64_t>(kFixesPerCar)) << car;
      ++seen[fix.seq];
    }
    for (int seq = 1; seq <= kFixesPerCar; ++seq) {
      ASSERT_EQ(seen[seq], 1) << car << " seq " << seq;
    }
  }
  // The restarts were noticed: the journal was recovered three times.
  std::ifstream log(dir / "hub.log");
  std::stringstream text;
  text << log.rdbuf();
  size_t recoveries = 0;
  for (size_t at = text.str().find("journal "); at != std::string::npos;
       at = text.str().find("journal ", at + 1)) {
    ++recoveries;
  }
  EXPECT_GE(recoveries, 4u);
}

}  // namespace
}  // namespace convoy
