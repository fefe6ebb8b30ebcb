// Attacks with frames on the tracker port (issue 8): replayed fix frames (same connection, new
// connections, before any handshake), and oversized, malformed and truncated frames. Each ends
// only its own connection with a log line, while the legitimate car keeps reporting, loses
// nothing, and stays live on the staff's map.
#include <algorithm>
#include <vector>

#include "proto/framing.h"

#include <gtest/gtest.h>

#include "hub/attack/fixture.h"
#include "support/hub_harness.h"

namespace convoy::testing {
namespace {

TEST(AttackTest, ReplayedFixFramesAreRecordedOnce) {
  TempDir dir;
  LoggedHub hub(dir);
  LegitCar car(hub, dir);
  const v1::Uplink plain = FixBatchOf(1, 5, false);
  const v1::Uplink packed = FixBatchOf(6, 5, true);
  {
    RawClient car2(hub.port());
    ASSERT_TRUE(car2.Handshake("car2", "secret-of-car2"));
    // The same plain frame three times on one connection: seqs 1-5 once.
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(car2.SendFrame(plain));
    ASSERT_TRUE(WaitAck(car2, 5));
  }
  // A packed frame is coded against the connection's context; on a fresh connection the same
  // bytes decode to the same fixes. Sent on three connections, recorded once.
  for (int connection = 0; connection < 3; ++connection) {
    RawClient car2(hub.port());
    auto welcome = car2.Handshake("car2", "secret-of-car2");
    ASSERT_TRUE(welcome);
    ASSERT_TRUE(car2.SendFrame(packed));
    ASSERT_TRUE(car2.RoundTrip());
    if (connection == 0) {
      ASSERT_TRUE(WaitAck(car2, 10));
    } else {
      EXPECT_EQ(welcome->acked_seq(), 10u);
    }
  }
  {
    // A captured fix frame on a connection that has not proven anything.
    RawClient stranger(hub.port(), "127.0.0.2");
    ASSERT_TRUE(stranger.SendFrame(packed));
    auto refused = stranger.Read();
    ASSERT_TRUE(refused && refused->has_refused());
    EXPECT_EQ(refused->refused().reason(), v1::Refused::PROTOCOL_ERROR);
    EXPECT_TRUE(stranger.WaitClosed());
    EXPECT_TRUE(hub.WaitForLog("the first frame is not a Hello"));
  }
  auto recorded = ReadRecordedFixes(dir / "data")["car2"];
  std::vector<uint64_t> seqs;
  for (const auto& fix : recorded) seqs.push_back(fix.seq);
  std::sort(seqs.begin(), seqs.end());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
  car.ExpectNothingLost({"car2"});
}

TEST(AttackTest, OversizedMalformedAndTruncatedFramesCloseOnlyTheirConnection) {
  TempDir dir;
  LoggedHub hub(dir, [](hub::HubOptions& options) {
    options.session.handshake_timeout = 2s;
    options.session.idle_timeout = 2s;
  });
  LegitCar car(hub, dir);
  auto length_prefix = [](uint64_t length) {
    std::string bytes;
    proto::PutVarint(length, &bytes);
    return bytes;
  };
  for (const bool authenticated : {false, true}) {
    auto open = [&] {
      auto client =
          std::make_unique<RawClient>(hub.port(), authenticated ? "127.0.0.1" : "127.0.0.2");
      if (authenticated) {
        EXPECT_TRUE(client->Handshake("car2", "secret-of-car2"));
      }
      return client;
    };
    // A length over the limit: refused from the prefix alone, before any body is read.
    auto big = open();
    big->Send(length_prefix(proto::kMaxFrameBytes + 1));
    EXPECT_TRUE(big->WaitClosed());
    // A length prefix longer than any valid one (3 bytes at most).
    auto long_prefix = open();
    long_prefix->Send("\xff\xff\xff\xff\x0f");
    EXPECT_TRUE(long_prefix->WaitClosed());
    // A well-framed body that is not a protobuf message.
    auto garbage = open();
    garbage->Send(length_prefix(8) + std::string("\xff\xff\xff\xff\xff\xff\xff\xff", 8));
    EXPECT_TRUE(garbage->WaitClosed());
    // Half a frame, then silence: the read watchdog ends it.
    auto half = open();
    const std::string frame = RawClient::Frame(FixBatchOf(100, 20, true));
    half->Send(frame.substr(0, frame.size() / 2));
    EXPECT_TRUE(half->WaitClosed());
    // Half a frame, then the connection ends.
    {
      auto cut = open();
      cut->Send(frame.substr(0, frame.size() / 2));
    }
    car.Report(10);
  }
  EXPECT_TRUE(hub.WaitForLog("frame larger than", 2));
  EXPECT_TRUE(hub.WaitForLog("malformed frame length", 2));
  EXPECT_TRUE(hub.WaitForLog("malformed frame of 8 bytes", 2));
  EXPECT_TRUE(hub.WaitForLog("timed out", 2));
  EXPECT_TRUE(hub.WaitForLog("connection ended inside a frame", 2));
  car.ExpectNothingLost();
  // None of car2's half frames was recorded.
  EXPECT_EQ(ReadRecordedFixes(dir / "data").count("car2"), 0u);
}

}  // namespace
}  // namespace convoy::testing
