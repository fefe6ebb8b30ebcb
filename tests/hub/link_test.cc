// The reporting link end to end: real trackers, a real hub, real sockets on loopback, a real
// journal on disk. Connection drops come from a proxy that cuts every connection.
#include <gtest/gtest.h>

#include <thread>

#include "support/hub_harness.h"
#include "support/tcp_proxy.h"
#include "support/temp_dir.h"
#include "support/tracker_harness.h"

namespace convoy {
namespace {

using testing::HubHarness;
using testing::ReadRecordedFixes;
using testing::TcpProxy;
using testing::TempDir;
using testing::TrackerHarness;

// Every fix made by `tracker` is recorded exactly once, with the content it was made with.
void ExpectRecordedOnce(const std::vector<proto::SequencedFix>& recorded,
                        const TrackerHarness& tracker) {
  std::vector<int> seen(tracker.made() + 1, 0);
  for (const proto::SequencedFix& fix : recorded) {
    ASSERT_GE(fix.seq, 1u);
    ASSERT_LE(fix.seq, tracker.made());
    ++seen[fix.seq];
    EXPECT_EQ(fix.fix, tracker.fixes()[fix.seq - 1]) << "seq " << fix.seq;
  }
  for (uint64_t seq = 1; seq <= tracker.made(); ++seq) {
    EXPECT_EQ(seen[seq], 1) << "seq " << seq << " recorded " << seen[seq] << " times";
  }
}

TEST(LinkTest, FixesArriveOnceThroughRepeatedConnectionDrops) {
  TempDir dir;
  HubHarness hub(dir / "data", testing::TestRosterCsv(3));
  TcpProxy proxy(hub.port());
  TrackerHarness car(proxy.port(), "car2", "secret-of-car2");
  car.Connect();
  for (int round = 0; round < 25; ++round) {
    car.MakeFixes(120);
    std::this_thread::sleep_for(std::chrono::milliseconds(round % 5 == 0 ? 1 : 20));
    proxy.CutAll();
    if (round % 7 == 3) {  // a dead zone: no connection at all for a while
      proxy.SetRefusing(true);
      car.MakeFixes(200);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      proxy.SetRefusing(false);
    }
  }
  car.MakeFixes(10);
  ASSERT_TRUE(car.WaitAllAcked()) << "acked " << car.acked() << " of " << car.made();
  EXPECT_GT(proxy.connections(), 20u);
  EXPECT_EQ(car.spool_unacked(), 0u);
  auto recorded = ReadRecordedFixes(dir / "data");
  ExpectRecordedOnce(recorded["car2"], car);
}

TEST(LinkTest, NewestFixGoesFirstAfterAnOutage) {
  TempDir dir;
  HubHarness hub(dir / "data", testing::TestRosterCsv(2));
  TcpProxy proxy(hub.port());
  TrackerHarness car(proxy.port(), "car1", "secret-of-car1");
  proxy.SetRefusing(true);
  car.Connect();
  car.MakeFixes(500);  // a long tunnel: all of it waits in the spool
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  proxy.SetRefusing(false);
  ASSERT_TRUE(car.WaitAllAcked());
  auto recorded = ReadRecordedFixes(dir / "data")["car1"];
  ASSERT_FALSE(recorded.empty());
  EXPECT_EQ(recorded.front().seq, 500u) << "the live map must be current at once";
  ExpectRecordedOnce(recorded, car);
}

TEST(LinkTest, WrongSecretIsRefusedAndNothingIsRecorded) {
  TempDir dir;
  {
    HubHarness hub(dir / "data", testing::TestRosterCsv(2));
    TrackerHarness impostor(hub.port(), "car1", "not-the-secret");
    impostor.MakeFixes(20);
    impostor.Connect();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (impostor.stats().refusals < 2 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GE(impostor.stats().refusals, 2u);
    EXPECT_EQ(impostor.acked(), 0u);
    EXPECT_EQ(impostor.spool_unacked(), 20u) << "a refused car keeps every fix";
  }
  EXPECT_TRUE(ReadRecordedFixes(dir / "data").empty());
}

TEST(LinkTest, UnknownCarIsRefused) {
  TempDir dir;
  {
    HubHarness hub(dir / "data", testing::TestRosterCsv(2));
    TrackerHarness stranger(hub.port(), "car99", "secret-of-car99");
    stranger.MakeFixes(5);
    stranger.Connect();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (stranger.stats().refusals < 1 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_GE(stranger.stats().refusals, 1u);
    EXPECT_EQ(stranger.acked(), 0u);
  }
  EXPECT_TRUE(ReadRecordedFixes(dir / "data").empty());
}

TEST(LinkTest, AnImpostorHubCannotMakeTheTrackerDropFixes) {
  TempDir dir;
  // The same car id, but this hub does not know the car's real secret.
  std::string roster = "id,name,role,secret\ncar1,Car 1,lead,some-other-secret\n";
  HubHarness fake_hub(dir / "data", roster);
  TrackerHarness car(fake_hub.port(), "car1", "secret-of-car1");
  car.MakeFixes(30);
  car.Connect();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(car.acked(), 0u);
  EXPECT_EQ(car.spool_unacked(), 30u);
}

TEST(LinkTest, RestartedHubRemembersWhatItAcknowledged) {
  TempDir dir;
  const std::string roster = testing::TestRosterCsv(2);
  uint16_t port = 0;
  {
    HubHarness hub(dir / "data", roster);
    port = hub.port();
    TrackerHarness car(port, "car1", "secret-of-car1");
    car.MakeFixes(300);
    car.Connect();
    ASSERT_TRUE(car.WaitAllAcked());
  }
  // A new tracker process with an empty spool (the unit was replaced): the hub's Welcome tells
  // it where numbering stands, so its new fixes are not mistaken for redeliveries.
  HubHarness hub(dir / "data", roster, port);
  TrackerHarness replacement(hub.port(), "car1", "secret-of-car1");
  replacement.Connect();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (replacement.stats().connects < 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  while (replacement.acked() < 300 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(replacement.acked(), 300u);
}

}  // namespace
}  // namespace convoy
