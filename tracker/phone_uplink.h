// A phone running Traccar Client, as the simulator's mixed convoy needs it: positions reported to
// the hub's OsmAnd port in the legacy Android app's query form
//   POST /?id=SECRET&timestamp=SECONDS&lat=..&lon=..&speed=KNOTS&bearing=..&altitude=..
//        &accuracy=..&hdop=..&batt=PERCENT[&charge=true][&alarm=sos]
// with an empty body, over one HTTP/1.1 keep-alive connection. Like the app it keeps every
// report until the hub answers 200 (the hub answers 200 only once the fix is durable), sends
// them oldest first, buffers while offline, and retries failures with a growing backoff. The
// id is the car's secret from the roster, as the driver types it into the app.
//
// Uses Boost.Beast (header-only). The in-car tracker unit does not include this file.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <random>
#include <string>

#include "proto/asio.h"
#include "proto/fix.h"
#include "proto/host_port.h"
#include "proto/log.h"

namespace convoy::tracker {

struct PhoneReport {
  proto::Fix fix;
  int battery_pct = -1;  // 0..100; -1: not sent
  bool charging = false;
  std::string alarm;  // "sos", or empty
};

struct PhoneUplinkOptions {
  proto::HostPort hub;
  std::string device_id;  // the car's secret; never logged
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds min_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  size_t max_buffered = 200'000;  // reports kept while offline; the oldest go first when full
};

// The request target for one report (query form; numbers as the app writes them).
std::string PhoneReportTarget(const PhoneReport& report, const std::string& device_id);

// Runs on one strand (the executor given); not thread-safe.
class PhoneUplink {
 public:
  PhoneUplink(asio::any_io_executor executor, PhoneUplinkOptions options, LogFn log);
  ~PhoneUplink();

  // Sends reports until Stop().
  asio::awaitable<void> Run();
  void Stop();

  // Queues a report (buffered until the hub has it).
  void Report(PhoneReport report);
  // false: no network (a tunnel): keep buffering, send nothing, until set true.
  void SetOnline(bool online);

  size_t buffered() const { return queue_.size(); }
  // The fix time of the oldest report not yet answered 200; buffered() must be > 0.
  int64_t oldest_time_ms() const { return queue_.front().fix.time_ms; }
  uint64_t delivered() const { return delivered_; }  // answered 200
  uint64_t dropped() const { return dropped_; }      // lost to a full buffer

 private:
  struct Connection;
  asio::awaitable<bool> Connect();
  // One request for the oldest report; true when the hub answered 200.
  asio::awaitable<bool> SendOldest();
  std::chrono::milliseconds NextBackoff();

  asio::any_io_executor executor_;
  PhoneUplinkOptions options_;
  LogFn log_;
  std::unique_ptr<Connection> connection_;
  asio::steady_timer wake_;
  std::deque<PhoneReport> queue_;
  std::mt19937_64 random_;
  int failures_ = 0;
  bool stopped_ = false;
  bool online_ = true;
  uint64_t delivered_ = 0, dropped_ = 0;
};

}  // namespace convoy::tracker
