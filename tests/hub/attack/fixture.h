// Shared by the attack tests on the hub's tracker port (issue 8): a real in-process hub with the
// page's API (--http) whose log the test reads, a raw client that sends what an attacker (or
// broken firmware) sends, and the legitimate car: a real tracker (spool and uplink) whose every
// fix must be recorded exactly once, and whose newest positions must reach a staff member's live
// map (a real WebSocket viewer) during and after each attack.
//
// Attackers that should look like other hosts connect from 127.0.0.2 and up (all of 127/8 is
// loopback on Linux); the legitimate car comes from 127.0.0.1.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "convoy/v1/convoy.pb.h"
#include "hub/hub.h"
#include "proto/framing.h"
#include "support/temp_dir.h"
#include "support/tracker_harness.h"

namespace convoy::testing {

using namespace std::chrono_literals;

// A hub whose log the test reads, with --http on 127.0.0.1:0 and the test staff (TestStaffCsv)
// in `dir`. Options are the defaults except where a test tightens them.
class LoggedHub {
 public:
  explicit LoggedHub(const TempDir& dir, const std::function<void(hub::HubOptions&)>& tweak = {});
  ~LoggedHub();
  uint16_t port() const { return hub_->trackers_endpoint().port(); }
  uint16_t http_port() const { return hub_->http_endpoint()->port(); }

  size_t Count(std::string_view text);
  // Waits until `count` log lines contain `text`; false after the timeout (a generous one: it
  // only stops a hung test, the machine is shared).
  bool WaitForLog(std::string_view text, size_t count = 1, std::chrono::seconds timeout = 120s);
  std::vector<std::string> lines();

 private:
  size_t CountLocked(std::string_view text) const;
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
  std::unique_ptr<hub::Hub> hub_;
  std::thread thread_;
};

// A hand-driven client speaking raw bytes. Blocking calls; not thread-safe.
class RawClient {
 public:
  explicit RawClient(uint16_t port, const char* source = "127.0.0.1");
  ~RawClient();
  bool connected() const { return fd_ >= 0; }
  // The highest acknowledgement read so far.
  uint64_t acked() const { return acked_; }
  // Hands over the socket's descriptor; the client no longer closes it.
  int Release();

  // False once the hub has closed the connection.
  bool Send(std::string_view bytes);
  bool SendFrame(const v1::Uplink& message) { return Send(Frame(message)); }
  static std::string Frame(const v1::Uplink& message);

  // The next frame from the hub; nullopt when the connection ended (or after the timeout).
  std::optional<v1::Downlink> Read(std::chrono::milliseconds timeout = 60s);
  // True once the hub has closed the connection (end of stream or reset), reading and dropping
  // whatever it sent before; false when it is still open after the timeout.
  bool WaitClosed(std::chrono::milliseconds timeout = 120s);

  // Hello for car_id; returns the hub's reply (a Challenge, or a Refused).
  std::optional<v1::Downlink> Hello(const std::string& car_id);
  // The whole handshake with the car's real secret; the Welcome, or nullopt when refused.
  std::optional<v1::Welcome> Handshake(const std::string& car_id, const std::string& secret);
  // Sends a Ping and reads up to its Pong: every frame sent before it has been handled.
  bool RoundTrip();

 private:
  bool WaitReadable(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  proto::FrameReader reader_;
  std::string client_nonce_;
  int64_t pings_ = 0;
  uint64_t acked_ = 0;
};

// A staff member's live map (GET /api/v1/live as the organizer) read on its own thread, keeping
// the newest fix time shown for each car. The hub must have --http.
class LiveViewer {
 public:
  explicit LiveViewer(uint16_t http_port);
  ~LiveViewer();
  bool connected() const { return connected_; }
  // Waits until a positions message has shown car `car_id` at fix time `fix_ms` or later; false
  // after the (generous) timeout or when the viewer was disconnected.
  bool WaitForFix(const std::string& car_id, int64_t fix_ms, std::chrono::seconds timeout = 120s);
  int64_t newest_fix_ms(const std::string& car_id);

 private:
  void Run(uint16_t http_port);
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, int64_t> newest_;  // car id -> newest fix_ms seen; guarded by mu_
  bool ended_ = false;                     // the feed ended; guarded by mu_
  std::atomic<bool> stop_{false};
  std::atomic<bool> connected_{false};
  std::thread thread_;
};

// The legitimate car: a real tracker (car1) reporting before, during and after an attack, and a
// staff member watching it on the live map.
class LegitCar {
 public:
  LegitCar(const LoggedHub& hub, const TempDir& dir);
  void Report(int fixes) { tracker_.MakeFixes(fixes); }
  // The car's newest fix so far has reached the live map (after every fix made is acked).
  void ExpectOnTheMap();
  // Every fix made is acknowledged and recorded exactly once, with its content; no car but car1
  // and the `others` has anything recorded; and the newest fix reached the live map.
  void ExpectNothingLost(const std::vector<std::string>& others = {});

 private:
  const TempDir& dir_;
  LiveViewer viewer_;
  TrackerHarness tracker_;
};

// A batch of `count` fixes starting at seq `first_seq`, packed (FixEncoder) or plain.
v1::Uplink FixBatchOf(uint64_t first_seq, int count, bool packed);
// Waits for the hub to acknowledge `seq` on a raw connection.
bool WaitAck(RawClient& client, uint64_t seq);

// Lowers (or raises) this process's open-file limit for the rest of a test.
class FileLimit {
 public:
  explicit FileLimit(rlim_t soft);
  ~FileLimit();
  rlim_t soft() const;

 private:
  rlimit saved_{};
};

// Idle connections to the hub from a child process, so that they do not count against the hub's
// open-file limit, spread over source addresses 127.0.0.2 and up. Make it before the hub and the
// trackers start their threads: the child is forked at once and waits for Open().
class IdleCrowd {
 public:
  IdleCrowd();
  ~IdleCrowd();
  // Opens `count` connections to 127.0.0.1:port, from `addresses` source addresses, and holds
  // them. Returns how many were opened.
  int Open(uint16_t port, int count, int addresses);
  // Returns how many of the connections the hub has closed, waiting up to wait_ms for all of
  // them to be closed; then the child closes the rest and exits.
  int Finish(int wait_ms);

 private:
  pid_t pid_ = -1;
  int to_child_ = -1, from_child_ = -1;
  bool opened_ = false;
  bool finished_ = false;
};

// Descriptors open in this process (the hub's and the test's own).
size_t OpenFiles();
// This process's (the hub's) resident memory in KiB.
long ResidentKiB();

}  // namespace convoy::testing
