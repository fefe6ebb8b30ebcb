#include "hub/attack/fixture.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <utility>

#include "hub/http/api_fixture.h"
#include "proto/fix_codec.h"
#include "proto/handshake.h"
#include "proto/json.h"
#include "support/hub_harness.h"

namespace convoy::testing {

// ---- LoggedHub

LoggedHub::LoggedHub(const TempDir& dir, const std::function<void(hub::HubOptions&)>& tweak) {
  const auto roster = dir / "cars.csv";
  std::ofstream(roster) << TestRosterCsv(3);
  std::ofstream(dir / "staff.csv") << TestStaffCsv();
  hub::HubOptions options;
  options.data_dir = dir / "data";
  options.roster_path = roster.string();
  options.status_interval_s = 0;
  options.http = proto::HostPort{"127.0.0.1", 0};
  options.staff_path = (dir / "staff.csv").string();
  options.http_options.web_dir = dir / "web";
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

LoggedHub::~LoggedHub() {
  if (!hub_) return;
  hub_->Stop();
  thread_.join();
}

size_t LoggedHub::CountLocked(std::string_view text) const {
  return std::count_if(lines_.begin(), lines_.end(),
                       [&](const std::string& line) { return line.find(text) != line.npos; });
}

size_t LoggedHub::Count(std::string_view text) {
  std::lock_guard guard(mu_);
  return CountLocked(text);
}

bool LoggedHub::WaitForLog(std::string_view text, size_t count, std::chrono::seconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return CountLocked(text) >= count; });
}

std::vector<std::string> LoggedHub::lines() {
  std::lock_guard guard(mu_);
  return lines_;
}

// ---- RawClient

RawClient::RawClient(uint16_t port, const char* source) {
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

RawClient::~RawClient() {
  if (fd_ >= 0) ::close(fd_);
}

int RawClient::Release() { return std::exchange(fd_, -1); }

bool RawClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(n);
  }
  return true;
}

std::string RawClient::Frame(const v1::Uplink& message) {
  std::string bytes;
  proto::AppendFrame(message, &bytes);
  return bytes;
}

std::optional<v1::Downlink> RawClient::Read(std::chrono::milliseconds timeout) {
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

bool RawClient::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (!WaitReadable(deadline)) return false;
    char buffer[4096];
    if (::recv(fd_, buffer, sizeof buffer, 0) <= 0) return true;
  }
}

std::optional<v1::Downlink> RawClient::Hello(const std::string& car_id) {
  v1::Uplink hello;
  hello.mutable_hello()->set_min_version(1);
  hello.mutable_hello()->set_max_version(1);
  hello.mutable_hello()->set_car_id(car_id);
  client_nonce_ = proto::RandomNonce();
  hello.mutable_hello()->set_client_nonce(client_nonce_);
  if (!SendFrame(hello)) return {};
  return Read();
}

std::optional<v1::Welcome> RawClient::Handshake(const std::string& car_id,
                                                const std::string& secret) {
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

bool RawClient::RoundTrip() {
  v1::Uplink ping;
  ping.mutable_ping()->set_time_ms(++pings_);
  if (!SendFrame(ping)) return false;
  while (auto message = Read()) {
    if (message->has_pong() && message->pong().time_ms() == pings_) return true;
  }
  return false;
}

bool RawClient::WaitReadable(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  pollfd p{fd_, POLLIN, 0};
  return left.count() > 0 && ::poll(&p, 1, static_cast<int>(left.count())) == 1;
}

// ---- LiveViewer

LiveViewer::LiveViewer(uint16_t http_port) {
  // Connected here, so that the viewer is on the feed before the car reports.
  auto client = std::make_shared<LiveClient>(http_port, kOrganizerToken);
  connected_ = client->ok();
  if (!connected_) {
    ADD_FAILURE() << "the live viewer could not connect";
    ended_ = true;
    return;
  }
  thread_ = std::thread([this, client] {
    while (!stop_) {
      // The hub sends a convoy snapshot every second, so each read returns within about a
      // second; an empty answer at once means the feed has ended.
      const auto start = std::chrono::steady_clock::now();
      const std::string message = client->ReadUntil("positions", 1s);
      if (message.empty()) {
        if (std::chrono::steady_clock::now() - start < 500ms) break;
        continue;
      }
      auto json = proto::ParseJson(message);
      const proto::JsonValue* cars = json.ok() ? json->Find("cars") : nullptr;
      if (!cars) continue;
      std::lock_guard guard(mu_);
      for (const auto& car : cars->items) {
        const auto* id = car.Find("id");
        const auto* fix_ms = car.Find("fix_ms");
        if (!id || !fix_ms) continue;
        int64_t& newest = newest_[id->text];
        newest = std::max(newest, static_cast<int64_t>(fix_ms->number));
      }
      changed_.notify_all();
    }
    std::lock_guard guard(mu_);
    ended_ = true;
    changed_.notify_all();
  });
}

LiveViewer::~LiveViewer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool LiveViewer::WaitForFix(const std::string& car_id, int64_t fix_ms,
                            std::chrono::seconds timeout) {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, timeout, [&] {
    auto it = newest_.find(car_id);
    return ended_ || (it != newest_.end() && it->second >= fix_ms);
  });
  auto it = newest_.find(car_id);
  return it != newest_.end() && it->second >= fix_ms;
}

int64_t LiveViewer::newest_fix_ms(const std::string& car_id) {
  std::lock_guard guard(mu_);
  auto it = newest_.find(car_id);
  return it == newest_.end() ? 0 : it->second;
}

// ---- LegitCar

LegitCar::LegitCar(const LoggedHub& hub, const TempDir& dir)
    : dir_(dir), viewer_(hub.http_port()), tracker_(hub.port(), "car1", "secret-of-car1") {
  tracker_.MakeFixes(50);
  tracker_.Connect();
  EXPECT_TRUE(tracker_.WaitAllAcked()) << "the car could not report before the attack";
  ExpectOnTheMap();
}

void LegitCar::ExpectOnTheMap() {
  ASSERT_TRUE(tracker_.WaitAllAcked()) << "acked " << tracker_.acked() << " of " << tracker_.made();
  const int64_t newest = tracker_.fixes().back().time_ms;
  EXPECT_TRUE(viewer_.WaitForFix("car1", newest))
      << "the live map shows car1 at fix time " << viewer_.newest_fix_ms("car1")
      << ", not its newest fix at " << newest;
}

void LegitCar::ExpectNothingLost(const std::vector<std::string>& others) {
  tracker_.MakeFixes(50);
  ASSERT_TRUE(tracker_.WaitAllAcked()) << "acked " << tracker_.acked() << " of " << tracker_.made();
  ExpectOnTheMap();
  const auto recorded = ReadRecordedFixes(dir_ / "data");
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

// ---- Frames

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

bool WaitAck(RawClient& client, uint64_t seq) {
  while (client.acked() < seq) {
    if (!client.Read()) return false;
  }
  return true;
}

// ---- FileLimit

FileLimit::FileLimit(rlim_t soft) {
  ::getrlimit(RLIMIT_NOFILE, &saved_);
  rlimit limit = saved_;
  limit.rlim_cur = std::min(soft, saved_.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

FileLimit::~FileLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }

rlim_t FileLimit::soft() const {
  rlimit now{};
  ::getrlimit(RLIMIT_NOFILE, &now);
  return now.rlim_cur;
}

// ---- IdleCrowd

namespace {

// Whole reads and writes of small values on the pipes between a test and its child.
template <class T>
bool PutValue(int fd, const T& value) {
  return ::write(fd, &value, sizeof value) == static_cast<ssize_t>(sizeof value);
}
template <class T>
bool GetValue(int fd, T* value) {
  return ::read(fd, value, sizeof *value) == static_cast<ssize_t>(sizeof *value);
}

// True once the hub has closed the connection; reads and drops what it sent before (a refusal).
bool Closed(pollfd& p) {
  while (::poll(&p, 1, 0) == 1) {
    char buffer[256];
    const ssize_t n = ::recv(p.fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return true;
    if (n < 0) return false;
  }
  return false;
}

int CrowdChild(int in, int out) {
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

}  // namespace

IdleCrowd::IdleCrowd() {
  int to_child[2], from_child[2];
  if (::pipe(to_child) != 0 || ::pipe(from_child) != 0) ADD_FAILURE() << "pipe";
  pid_ = ::fork();
  if (pid_ == 0) {
    ::close(to_child[1]);
    ::close(from_child[0]);
    ::_exit(CrowdChild(to_child[0], from_child[1]));
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  to_child_ = to_child[1];
  from_child_ = from_child[0];
}

IdleCrowd::~IdleCrowd() {
  if (opened_ && !finished_) Finish(0);
  ::close(to_child_);  // a child still waiting for Open() reads the end of the pipe and exits
  ::waitpid(pid_, nullptr, 0);
  ::close(from_child_);
}

int IdleCrowd::Open(uint16_t port, int count, int addresses) {
  const std::array<int, 3> request = {port, count, addresses};
  int opened = -1;
  opened_ = true;
  if (!PutValue(to_child_, request) || !GetValue(from_child_, &opened)) return -1;
  return opened;
}

int IdleCrowd::Finish(int wait_ms) {
  finished_ = true;
  int closed = -1;
  if (!PutValue(to_child_, wait_ms) || !GetValue(from_child_, &closed)) return -1;
  return closed;
}

// ---- Process figures

size_t OpenFiles() {
  return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                       std::filesystem::directory_iterator());
}

long ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace convoy::testing
