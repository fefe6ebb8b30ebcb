// Attacks on the hub's tracker port, with real sockets against a real in-process hub: forged and
// replayed credentials, replayed, oversized, truncated and malformed frames, slow senders, idle
// connections by the ten thousand, a flood from one address, hostile bytes in car ids. Each
// attack must end in a log line that says what happened, while a legitimate car (a real
// tracker: spool and uplink) keeps reporting and every fix it makes is recorded exactly once.
//
// Attackers that should look like other hosts connect from 127.0.0.2 and up (all of 127/8 is
// loopback on Linux); the legitimate car comes from 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "convoy/v1/convoy.pb.h"
#include "hub/hub.h"
#include "proto/fix_codec.h"
#include "proto/framing.h"
#include "proto/handshake.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"
#include "support/tracker_harness.h"

namespace convoy {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
using testing::TrackerHarness;

// A hub whose log the test reads. Options are the defaults except where a test tightens them.
class LoggedHub {
 public:
  explicit LoggedHub(const TempDir& dir, const std::function<void(hub::HubOptions&)>& tweak = {}) {
    const auto roster = dir / "cars.csv";
    std::ofstream(roster) << testing::TestRosterCsv(3);
    hub::HubOptions options;
    options.data_dir = dir / "data";
    options.roster_path = roster.string();
    options.status_interval_s = 0;
    if (tweak) tweak(options);
    auto created = hub::Hub::Create(options, [this](std::string_view line) {
      std::lock_guard guard(mu_);
      lines_.emplace_back(line);
      changed_.notify_all();
    });
    if (!created.ok()) {
      ADD_FAILURE() << created.message();
      return;
    }
    hub_ = std::move(*created);
    thread_ = std::thread([this] { hub_->Run(); });
  }
  ~LoggedHub() {
    if (!hub_) return;
    hub_->Stop();
    thread_.join();
  }
  uint16_t port() const { return hub_->trackers_endpoint().port(); }

  size_t Count(std::string_view text) {
    std::lock_guard guard(mu_);
    return std::count_if(lines_.begin(), lines_.end(),
                         [&](const std::string& line) { return line.find(text) != line.npos; });
  }
  // Waits until `count` log lines contain `text`; false after the timeout (a generous one: it
  // only stops a hung test, the machine is shared).
  bool WaitForLog(std::string_view text, size_t count = 1, std::chrono::seconds timeout = 120s) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] {
      return static_cast<size_t>(std::count_if(lines_.begin(), lines_.end(), [&](auto& line) {
               return line.find(text) != line.npos;
             })) >= count;
    });
  }
  std::vector<std::string> lines() {
    std::lock_guard guard(mu_);
    return lines_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  std::unique_ptr<hub::Hub> hub_;
  std::thread thread_;
};

// A hand-driven client speaking raw bytes: what an attacker (or broken firmware) sends.
class RawClient {
 public:
  explicit RawClient(uint16_t port, const char* source = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }
  // The highest acknowledgement read so far.
  uint64_t acked() const { return acked_; }
  // Hands over the socket's descriptor; the client no longer closes it.
  int Release() { return std::exchange(fd_, -1); }

  // False once the hub has closed the connection.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(n);
    }
    return true;
  }
  bool SendFrame(const v1::Uplink& message) { return Send(Frame(message)); }
  static std::string Frame(const v1::Uplink& message) {
    std::string bytes;
    proto::AppendFrame(message, &bytes);
    return bytes;
  }

  // The next frame from the hub; nullopt when the connection ended (or after the timeout).
  std::optional<v1::Downlink> Read(std::chrono::milliseconds timeout = 60s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      std::string_view frame;
      if (reader_.Next(&frame) == proto::FrameReader::Outcome::kFrame) {
        v1::Downlink message;
        if (!message.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) return {};
        if (message.has_ack()) acked_ = std::max(acked_, message.ack().acked_seq());
        return message;
      }
      if (!WaitReadable(deadline)) return {};
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) return {};
      reader_.Feed(std::string_view(buffer, n));
    }
  }

  // True once the hub has closed the connection (end of stream or reset), reading and dropping
  // whatever it sent before; false when it is still open after the timeout.
  bool WaitClosed(std::chrono::milliseconds timeout = 120s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (!WaitReadable(deadline)) return false;
      char buffer[4096];
      if (::recv(fd_, buffer, sizeof buffer, 0) <= 0) return true;
    }
  }

  // Hello for car_id; returns the hub's reply (a Challenge, or a Refused).
  std::optional<v1::Downlink> Hello(const std::string& car_id) {
    v1::Uplink hello;
    hello.mutable_hello()->set_min_version(1);
    hello.mutable_hello()->set_max_version(1);
    hello.mutable_hello()->set_car_id(car_id);
    client_nonce_ = proto::RandomNonce();
    hello.mutable_hello()->set_client_nonce(client_nonce_);
    if (!SendFrame(hello)) return {};
    return Read();
  }
  // The whole handshake with the car's real secret; the Welcome, or nullopt when refused.
  std::optional<v1::Welcome> Handshake(const std::string& car_id, const std::string& secret) {
    auto challenge = Hello(car_id);
    if (!challenge || !challenge->has_challenge()) return {};
    v1::Uplink auth;
    auth.mutable_auth()->set_mac(proto::HandshakeMac(proto::HandshakeRole::kCar, secret, 1, car_id,
                                                     client_nonce_,
                                                     challenge->challenge().hub_nonce()));
    if (!SendFrame(auth)) return {};
    auto welcome = Read();
    if (!welcome || !welcome->has_welcome()) return {};
    return welcome->welcome();
  }
  // Sends a Ping and reads up to its Pong: every frame sent before it has been handled.
  bool RoundTrip() {
    v1::Uplink ping;
    ping.mutable_ping()->set_time_ms(++pings_);
    if (!SendFrame(ping)) return false;
    while (auto message = Read()) {
      if (message->has_pong() && message->pong().time_ms() == pings_) return true;
    }
    return false;
  }

 private:
  bool WaitReadable(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd_, POLLIN, 0};
    return left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) == 1;
  }

  int fd_ = -1;
  proto::FrameReader reader_;
  std::string client_nonce_;
  int64_t pings_ = 0;
  uint64_t acked_ = 0;
};

// The legitimate car: a real tracker reporting before, during and after an attack.
class LegitCar {
 public:
  LegitCar(uint16_t port, const TempDir& dir)
      : dir_(dir), tracker_(port, "car1", "secret-of-car1") {
    tracker_.MakeFixes(50);
    tracker_.Connect();
    EXPECT_TRUE(tracker_.WaitAllAcked()) << "the car could not report before the attack";
  }
  void Report(int fixes) { tracker_.MakeFixes(fixes); }
  // Every fix made is acknowledged and recorded exactly once, with its content; no car but car1
  // and the `others` has anything recorded.
  void ExpectNothingLost(const std::vector<std::string>& others = {}) {
    tracker_.MakeFixes(50);
    ASSERT_TRUE(tracker_.WaitAllAcked())
        << "acked " << tracker_.acked() << " of " << tracker_.made();
    const auto recorded = testing::ReadRecordedFixes(dir_ / "data");
    ASSERT_EQ(recorded.count("car1"), 1u);
    std::vector<int> seen(tracker_.made() + 1, 0);
    for (const proto::SequencedFix& fix : recorded.at("car1")) {
      ASSERT_GE(fix.seq, 1u);
      ASSERT_LE(fix.seq, tracker_.made());
      ++seen[fix.seq];
      EXPECT_EQ(fix.fix, tracker_.fixes()[fix.seq - 1]) << "seq " << fix.seq;
    }
    for (uint64_t seq = 1; seq <= tracker_.made(); ++seq) {
      ASSERT_EQ(seen[seq], 1) << "seq " << seq;
    }
    for (const auto& [car, fixes] : recorded) {
      EXPECT_TRUE(car == "car1" || std::find(others.begin(), others.end(), car) != others.end())
          << "a fix recorded for " << car;
    }
  }

 private:
  const TempDir& dir_;
  TrackerHarness tracker_;
};

v1::Uplink FixBatchOf(uint64_t first_seq, int count, bool packed) {
  v1::Uplink message;
  proto::FixEncoder encoder;
  for (int i = 0; i < count; ++i) {
    proto::Fix fix;
    fix.time_ms = 1'700'000'000'000 + (first_seq + i) * 1000;
    fix.lat_e7 = 419'000'000 + i * 100;
    fix.lon_e7 = 124'000'000;
    fix.quality = proto::FixQuality::k3D;
    if (packed) {
      encoder.Encode({first_seq + i, fix}, message.mutable_fixes()->mutable_packed());
    } else {
      v1::SequencedFix* plain = message.mutable_fixes()->add_fixes();
      plain->set_seq(first_seq + i);
      plain->mutable_fix()->set_time_ms(fix.time_ms);
      plain->mutable_fix()->set_lat_e7(fix.lat_e7);
      plain->mutable_fix()->set_lon_e7(fix.lon_e7);
      plain->mutable_fix()->set_quality(v1::FIX_QUALITY_3D);
    }
  }
  return message;
}

// Waits for the hub to acknowledge `seq` on a raw connection.
bool WaitAck(RawClient& client, uint64_t seq) {
  while (client.acked() < seq) {
    if (!client.Read()) return false;
  }
  return true;
}

TEST(AttackTest, ForgedCarIdIsRefusedAndTheRealCarKeepsItsConnection) {
  TempDir dir;
  LoggedHub hub(dir);
  LegitCar car(hub.port(), dir);
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
  LegitCar car(hub.port(), dir);
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

TEST(AttackTest, ReplayedFixFramesAreRecordedOnce) {
  TempDir dir;
  LoggedHub hub(dir);
  LegitCar car(hub.port(), dir);
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
  auto recorded = testing::ReadRecordedFixes(dir / "data")["car2"];
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
  LegitCar car(hub.port(), dir);
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
  EXPECT_EQ(testing::ReadRecordedFixes(dir / "data").count("car2"), 0u);
}

TEST(AttackTest, SlowSendersAreTimedOut) {
  TempDir dir;
  LoggedHub hub(dir, [](hub::HubOptions& options) {
    options.session.handshake_timeout = 1s;
    options.session.idle_timeout = 2s;
  });
  LegitCar car(hub.port(), dir);
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

// Lowers (or raises) this process's open-file limit for the rest of a test.
class FileLimit {
 public:
  explicit FileLimit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit limit = saved_;
    limit.rlim_cur = std::min(soft, saved_.rlim_max);
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
  ~FileLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  rlim_t soft() const {
    rlimit now{};
    ::getrlimit(RLIMIT_NOFILE, &now);
    return now.rlim_cur;
  }

 private:
  rlimit saved_{};
};

// Whole reads and writes of small values on the pipes between a test and its child.
template <class T>
bool PutValue(int fd, const T& value) {
  return ::write(fd, &value, sizeof value) == static_cast<ssize_t>(sizeof value);
}
template <class T>
bool GetValue(int fd, T* value) {
  return ::read(fd, value, sizeof *value) == static_cast<ssize_t>(sizeof *value);
}

// Idle connections to the hub from a child process, so that they do not count against the hub's
// open-file limit, spread over source addresses 127.0.0.2 and up. Make it before the hub and the
// trackers start their threads: the child is forked at once and waits for Open().
class IdleCrowd {
 public:
  IdleCrowd() {
    int to_child[2], from_child[2];
    if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) ADD_FAILURE() << "pipe";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(to_child[1]);
      ::close(from_child[0]);
      ::_exit(Child(to_child[0], from_child[1]));
    }
    ::close(to_child[0]);
    ::close(from_child[1]);
    to_child_ = to_child[1];
    from_child_ = from_child[0];
  }
  ~IdleCrowd() {
    if (opened_ && !finished_) Finish(0);
    ::close(to_child_);  // a child still waiting for Open() reads the end of the pipe and exits
    ::waitpid(pid_, nullptr, 0);
    ::close(from_child_);
  }

  // Opens `count` connections to 127.0.0.1:port, from `addresses` source addresses, and holds
  // them. Returns how many were opened.
  int Open(uint16_t port, int count, int addresses) {
    const std::array<int, 3> request = {port, count, addresses};
    int opened = -1;
    opened_ = true;
    if (!PutValue(to_child_, request) || !GetValue(from_child_, &opened)) return -1;
    return opened;
  }
  // Returns how many of the connections the hub has closed, waiting up to wait_ms for all of
  // them to be closed; then the child closes the rest and exits.
  int Finish(int wait_ms) {
    finished_ = true;
    int closed = -1;
    if (!PutValue(to_child_, wait_ms) || !GetValue(from_child_, &closed)) return -1;
    return closed;
  }

 private:
  static int Child(int in, int out) {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    std::array<int, 3> request{};
    if (!GetValue(in, &request)) return 1;
    const auto [port, count, addresses] = request;
    std::vector<pollfd> fds;
    for (int i = 0; i < count; ++i) {
      const int host = i % addresses;
      const std::string source =
          "127.0." + std::to_string(host / 250) + "." + std::to_string(2 + host % 250);
      RawClient client(static_cast<uint16_t>(port), source.c_str());
      if (client.connected()) fds.push_back({client.Release(), POLLIN, 0});
    }
    const int opened = static_cast<int>(fds.size());
    int wait_ms = 0;
    if (!PutValue(out, opened) || !GetValue(in, &wait_ms)) return 1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    int closed = 0;
    for (;;) {
      closed = 0;
      for (pollfd& p : fds) closed += Closed(p);
      if (closed == opened || std::chrono::steady_clock::now() >= deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (pollfd& p : fds) ::close(p.fd);
    return PutValue(out, closed) ? 0 : 1;
  }

  // True once the hub has closed the connection; reads and drops what it sent before (a
  // refusal).
  static bool Closed(pollfd& p) {
    while (::poll(&p, 1, 0) == 1) {
      char buffer[256];
      const ssize_t n = ::recv(p.fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
      if (n < 0) return false;
    }
    return false;
  }

  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  bool opened_ = false;
  bool finished_ = false;
};

// Descriptors open in this process (the hub's and the test's own).
size_t OpenFiles() {
  return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                       std::filesystem::directory_iterator());
}

// The hub's resident memory in KiB.
long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

TEST(AttackTest, TenThousandIdleConnectionsDoNotStopACar) {
  TempDir dir;
  FileLimit files(20'000);
  ASSERT_GE(files.soft(), 10'200u) << "the hard open-file limit is too low for this test";
  IdleCrowd crowd;
  LoggedHub hub(dir, [](hub::HubOptions& options) {
    // Long enough that all of them are open at once on a slow machine.
    options.session.handshake_timeout = 600s;
  });
  LegitCar car(hub.port(), dir);
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

TEST(AttackTest, IdleConnectionsAreClosedByTheHandshakeTimeout) {
  TempDir dir;
  IdleCrowd crowd;
  LoggedHub hub(dir, [](hub::HubOptions& options) { options.session.handshake_timeout = 1s; });
  LegitCar car(hub.port(), dir);
  ASSERT_EQ(crowd.Open(hub.port(), 200, 10), 200);
  EXPECT_TRUE(hub.WaitForLog("timed out", 200));
  EXPECT_EQ(crowd.Finish(120'000), 200);
  car.ExpectNothingLost();
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
  LegitCar car(hub.port(), dir);
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

TEST(AttackTest, ControlCharactersAndInvalidUtf8InCarIdsAreRefusedAndNotLogged) {
  TempDir dir;
  LoggedHub hub(dir);
  LegitCar car(hub.port(), dir);
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
}  // namespace convoy
