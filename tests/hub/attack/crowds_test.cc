// Crowds on the tracker port (issue 8): 10,000 idle connections from a hundred addresses, and a
// flood of connections from one address against a hub short of file descriptors. Cars keep
// connecting and reporting through both, lose nothing, and stay live on the staff's map.
#include <iostream>

#include <gtest/gtest.h>

#include "hub/attack/fixture.h"
#include "support/hub_harness.h"

namespace convoy::testing {
namespace {

TEST(AttackTest, TenThousandIdleConnectionsDoNotStopACar) {
  TempDir dir;
  FileLimit files(20'000);
  ASSERT_GE(files.soft(), 10'200u) << "the hard open-file limit is too low for this test";
  IdleCrowd crowd;
  LoggedHub hub(dir, [](hub::HubOptions& options) {
    // Long enough that all of them are open at once on a slow machine.
    options.session.handshake_timeout = 600s;
  });
  LegitCar car(hub, dir);
  const long rss_before = ResidentKiB();
  // 10,000 connections from 100 addresses (a crowd, not one abuser: see the flood test).
  ASSERT_EQ(crowd.Open(hub.port(), 10'000, 100), 10'000);
  car.Report(100);
  car.ExpectNothingLost();
  const long rss_growth_kib = ResidentKiB() - rss_before;
  EXPECT_EQ(crowd.Finish(0), 0) << "the hub dropped idle connections before their timeout";
  // A pending connection costs a session, its coroutine frames and a 512-byte read buffer:
  // a few KiB. 10,000 of them must stay far below 400 MiB (sanitizer builds double it).
  RecordProperty("idle_connections_rss_growth_kib", std::to_string(rss_growth_kib));
  std::cout << "hub memory growth with 10,000 idle connections: " << rss_growth_kib / 1024
            << " MiB (" << rss_growth_kib * 1024 / 10'000 << " bytes each)\n";
  EXPECT_LT(rss_growth_kib, 400 * 1024);
}

TEST(AttackTest, ConnectionFloodFromOneAddressDoesNotStarveCars) {
  TempDir dir;
  // A hub with few file descriptors (as under systemd's default soft limit of 1024, here
  // smaller): one address opening more connections than that must not lock the cars out.
  FileLimit files(400);
  IdleCrowd flood;
  LoggedHub hub(dir, [](hub::HubOptions& options) {
    options.session.handshake_timeout = 600s;
    options.limit_loopback = true;  // the flood comes from 127.0.0.2
  });
  LegitCar car(hub, dir);
  EXPECT_GT(flood.Open(hub.port(), 1'000, 1), 0);
  std::cout << "open files during the flood: " << OpenFiles() << "\n";
  {
    // A second car connects for the first time during the flood.
    TrackerHarness car3(hub.port(), "car3", "secret-of-car3");
    car3.MakeFixes(20);
    car3.Connect();
    EXPECT_TRUE(car3.WaitAllAcked(120s)) << "a car could not connect during the flood";
  }
  car.Report(20);
  car.ExpectNothingLost({"car3"});
  EXPECT_GT(flood.Finish(0), 0) << "the hub kept every flooding connection open";
  EXPECT_TRUE(hub.WaitForLog("connections from 127.0.0.2"));
}

}  // namespace
}  // namespace convoy::testing
