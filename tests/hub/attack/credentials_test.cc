// Attacks on the tracker port's credentials (issue 8): a forged car id, a replayed handshake, and
// hostile bytes in car ids. Each is refused with a log line that says what happened, while the
// legitimate car keeps reporting, loses nothing, and stays live on the staff's map.
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "hub/attack/fixture.h"
#include "proto/handshake.h"
#include "support/hub_harness.h"

namespace convoy::testing {
namespace {

TEST(AttackTest, ForgedCarIdIsRefusedAndTheRealCarKeepsItsConnection) {
  TempDir dir;
  LoggedHub hub(dir);
  LegitCar car(hub, dir);
  const size_t connects = hub.Count("car car1 connected");
  // Claiming car1 without its secret: a made-up MAC, and a real MAC of another car's secret.
  for (const std::string secret : {"guessed-secret", "secret-of-car2"}) {
    RawClient attacker(hub.port(), "127.0.0.2");
    EXPECT_FALSE(attacker.Handshake("car1", secret));
    EXPECT_TRUE(attacker.WaitClosed());
    car.Report(10);
  }
  EXPECT_TRUE(hub.WaitForLog("wrong secret for car car1", 2));
  car.ExpectNothingLost();
  // The real car was never displaced by the impostors.
  EXPECT_EQ(hub.Count("car car1 connected"), connects);
}

// Forwards one connection to the hub and keeps what the client sent: a wiretap.
class Wiretap {
 public:
  explicit Wiretap(uint16_t hub_port) : listener_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = listener_.local_endpoint().port();
    thread_ = std::thread([this, hub_port] {
      boost::system::error_code ec;
      asio::ip::tcp::socket client(io_), upstream(io_);
      listener_.accept(client, ec);
      if (!ec) upstream.connect({asio::ip::make_address("127.0.0.1"), hub_port}, ec);
      if (ec) return;
      std::thread down([&] {
        char buffer[4096];
        boost::system::error_code e;
        while (size_t n = upstream.read_some(asio::buffer(buffer), e)) {
          asio::write(client, asio::buffer(buffer, n), e);
          if (e) break;
        }
        client.shutdown(asio::socket_base::shutdown_both, e);
      });
      char buffer[4096];
      while (size_t n = client.read_some(asio::buffer(buffer), ec)) {
        {
          std::lock_guard guard(mu_);
          sent_.append(buffer, n);
        }
        asio::write(upstream, asio::buffer(buffer, n), ec);
        if (ec) break;
      }
      upstream.shutdown(asio::socket_base::shutdown_both, ec);
      down.join();
    });
  }
  ~Wiretap() { thread_.join(); }
  uint16_t port() const { return port_; }
  std::string sent() {
    std::lock_guard guard(mu_);
    return sent_;
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::acceptor listener_;
  uint16_t port_ = 0;
  std::mutex mu_;
  std::string sent_;
  std::thread thread_;
};

TEST(AttackTest, ReplayedHandshakeIsRefusedOnANewConnection) {
  TempDir dir;
  LoggedHub hub(dir);
  LegitCar car(hub, dir);
  std::string recorded;
  {
    // car2, a real tracker, reports through the wiretap; its bytes are recorded.
    Wiretap tap(hub.port());
    TrackerHarness tapped(tap.port(), "car2", "secret-of-car2");
    tapped.MakeFixes(20);
    tapped.Connect();
    ASSERT_TRUE(tapped.WaitAllAcked());
    recorded = tap.sent();
  }  // the tracker stops; the tap's connection ends
  ASSERT_TRUE(hub.WaitForLog("car car2 connected"));
  proto::FrameReader frames;
  frames.Feed(recorded);
  std::string_view hello_bytes, auth_bytes;
  ASSERT_EQ(frames.Next(&hello_bytes), proto::FrameReader::Outcome::kFrame);
  ASSERT_EQ(frames.Next(&auth_bytes), proto::FrameReader::Outcome::kFrame);
  v1::Uplink hello, auth;
  ASSERT_TRUE(hello.ParseFromArray(hello_bytes.data(), hello_bytes.size()));
  ASSERT_TRUE(auth.ParseFromArray(auth_bytes.data(), auth_bytes.size()));
  ASSERT_TRUE(hello.has_hello() && auth.has_auth());

  // Step by step: the recorded Hello gets a fresh challenge, so the recorded Auth is wrong.
  {
    RawClient replay(hub.port(), "127.0.0.2");
    ASSERT_TRUE(replay.SendFrame(hello));
    auto challenge = replay.Read();
    ASSERT_TRUE(challenge && challenge->has_challenge());
    ASSERT_TRUE(replay.SendFrame(auth));
    auto refused = replay.Read();
    ASSERT_TRUE(refused && refused->has_refused());
    EXPECT_EQ(refused->refused().reason(), v1::Refused::BAD_CREDENTIALS);
    EXPECT_TRUE(replay.WaitClosed());
  }
  // The whole recording at once (handshake and fixes), as a replay tool would send it.
  {
    RawClient replay(hub.port(), "127.0.0.2");
    replay.Send(recorded);
    EXPECT_TRUE(replay.WaitClosed());
  }
  EXPECT_TRUE(hub.WaitForLog("wrong secret for car car2", 2));
  EXPECT_EQ(hub.Count("car car2 connected"), 1u);
  car.ExpectNothingLost({"car2"});
}

TEST(AttackTest, ControlCharactersAndInvalidUtf8InCarIdsAreRefusedAndNotLogged) {
  TempDir dir;
  LoggedHub hub(dir);
  LegitCar car(hub, dir);
  const std::string hostile_ids[] = {
      std::string("car1\0", 5),
      "car1\n2026-06-13T08:01:02.345Z hub: car car2 connected from 10.0.0.1:1",
      "car1\r",
      "\x1b[2J\x1b[31mcar1",
      "\xff\xfe\xfd",
      "car\xc3\x28",
      std::string(64, '\x07'),
      "car1 ",
  };
  for (const std::string& id : hostile_ids) {
    RawClient attacker(hub.port(), "127.0.0.2");
    auto reply = attacker.Hello(id);
    if (reply && reply->has_challenge()) {
      // An unknown id is challenged like a known one (ids cannot be probed); the MAC fails.
      v1::Uplink auth;
      auth.mutable_auth()->set_mac(std::string(proto::kMacBytes, 'x'));
      attacker.SendFrame(auth);
      reply = attacker.Read();
      ASSERT_TRUE(reply && reply->has_refused()) << "id " << ::testing::PrintToString(id);
    }
    EXPECT_TRUE(attacker.WaitClosed());
  }
  car.ExpectNothingLost();
  // Every attempt was logged, and no log line carries a control character or broken UTF-8.
  EXPECT_GE(hub.Count("refused 127.0.0.2") + hub.Count("closing 127.0.0.2"),
            std::size(hostile_ids));
  for (const std::string& line : hub.lines()) {
    for (unsigned char c : line) {
      ASSERT_TRUE(c >= 0x20 && c < 0x7f) << "log line with byte " << int(c) << ": " << line;
    }
  }
  EXPECT_EQ(hub.Count("car car2 connected"), 0u);
}

}  // namespace
}  // namespace convoy::testing
