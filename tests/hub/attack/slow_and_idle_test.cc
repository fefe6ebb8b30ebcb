// Slow and idle clients on the tracker port (issue 8): a Hello or a fix frame sent a byte at a
// time, and idle connections left open until the handshake timeout ends them. The hub hangs up
// on them, while the legitimate car keeps reporting, loses nothing, and stays live on the
// staff's map.
#include <thread>

#include <gtest/gtest.h>

#include "hub/attack/fixture.h"
#include "proto/handshake.h"
#include "support/hub_harness.h"

namespace convoy::testing {
namespace {

TEST(AttackTest, SlowSendersAreTimedOut) {
  TempDir dir;
  LoggedHub hub(dir, [](hub::HubOptions& options) {
    options.session.handshake_timeout = 1s;
    options.session.idle_timeout = 2s;
  });
  LegitCar car(hub, dir);
  // A byte every 200 ms: a Hello would take about 6 s, a fix frame far longer. The hub must give
  // up long before the last byte (what counts is that the hub hung up first, not when).
  auto trickle = [](RawClient& client, const std::string& bytes) {
    for (char byte : bytes) {
      if (!client.Send(std::string_view(&byte, 1))) return false;  // closed by the hub
      std::this_thread::sleep_for(200ms);
    }
    return true;
  };
  {
    RawClient slow_hello(hub.port(), "127.0.0.2");
    v1::Uplink hello;
    hello.mutable_hello()->set_min_version(1);
    hello.mutable_hello()->set_max_version(1);
    hello.mutable_hello()->set_car_id("car3");
    hello.mutable_hello()->set_client_nonce(proto::RandomNonce());
    hello.mutable_hello()->set_software("slowloris/1.0");
    EXPECT_FALSE(trickle(slow_hello, RawClient::Frame(hello) + std::string(200, '\0')))
        << "the hub waited for a Hello sent a byte at a time";
  }
  {
    RawClient slow_frame(hub.port());
    ASSERT_TRUE(slow_frame.Handshake("car2", "secret-of-car2"));
    EXPECT_FALSE(trickle(slow_frame, RawClient::Frame(FixBatchOf(1, 100, false))))
        << "the hub waited for a fix frame sent a byte at a time";
  }
  EXPECT_TRUE(hub.WaitForLog("timed out", 2));
  car.ExpectNothingLost();
}

TEST(AttackTest, IdleConnectionsAreClosedByTheHandshakeTimeout) {
  TempDir dir;
  IdleCrowd crowd;
  LoggedHub hub(dir, [](hub::HubOptions& options) { options.session.handshake_timeout = 1s; });
  LegitCar car(hub, dir);
  ASSERT_EQ(crowd.Open(hub.port(), 200, 10), 200);
  EXPECT_TRUE(hub.WaitForLog("timed out", 200));
  EXPECT_EQ(crowd.Finish(120'000), 200);
  car.ExpectNothingLost();
}

}  // namespace
}  // namespace convoy::testing
