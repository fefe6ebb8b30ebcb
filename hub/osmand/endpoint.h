// The hub's OsmAnd endpoint: phones running the Traccar Client app report here over HTTP/1.1
// (or HTTPS), so that any phone becomes a car's tracker. The driver types the car's secret from
// the roster into the app as its "device identifier"; the endpoint answers 200 only once the
// report's fixes are durable in the journal, and 5xx on any failure so that the app keeps the
// report and sends it again. Request forms: request.h. Recording once: phone_recorder.h.
//
// Answers: 200 recorded (or nothing to record: a report without a position); 400 malformed, or
// an unknown id in the query form; 404 an unknown id in the JSON form (what the apps expect);
// 405 a method other than GET or POST; 413 a body over body_limit_bytes; 431 a header over
// header_limit_bytes; 503 the journal is full or failing, or did not answer in time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hub/ingest.h"
#include "hub/journal.h"
#include "hub/osmand/phone_recorder.h"
#include "hub/osmand/phone_status.h"
#include "proto/asio.h"
#include "proto/clock.h"
#include "proto/host_port.h"
#include "proto/log.h"
#include "proto/result.h"

namespace convoy::hub::osmand {

struct EndpointOptions {
  // A keep-alive connection waiting for its next request is closed after this.
  std::chrono::milliseconds idle_timeout{75'000};
  // From a request's first byte to its last: a client sending its header or body a byte at a
  // time is cut off here.
  std::chrono::milliseconds request_timeout{15'000};
  std::chrono::milliseconds write_timeout{15'000};
  std::chrono::milliseconds tls_handshake_timeout{15'000};
  // Waiting for the journal to make a report durable; past it the answer is 503.
  std::chrono::milliseconds durable_timeout{15'000};
  // Retrying while the journal's queue is full; past it the answer is 503.
  std::chrono::milliseconds busy_timeout{2'000};
  uint32_t header_limit_bytes = 8 << 10;
  uint32_t body_limit_bytes = 64 << 10;
  // Connections beyond this are closed as soon as they are accepted.
  size_t max_connections = 10'000;
  // Both set: HTTPS only (PEM certificate chain and private key). Neither: plain HTTP.
  std::string tls_cert_path;
  std::string tls_key_path;
  // "yyyy-MM-dd HH:mm:ss" timestamps carry no zone. Traccar reads them in the server's zone, and
  // so does the hub (TZ of the hub process) unless this is set; a hub run in UTC, as servers
  // usually are, reads them as UTC either way.
  bool local_time_is_utc = false;
  size_t dedup_window = 4096;  // per car, phone_recorder.h
};

// An alarm=sos report, raised once per report (a resend does not raise it again), before its fix
// is durable: an SOS does not wait for the disk.
struct SosEvent {
  size_t car_index = 0;
  std::optional<proto::Fix> fix;  // the alarm's position; nullopt: the report had none
  int64_t received_ms = 0;        // hub clock
};
using SosFn = std::function<void(const SosEvent& event)>;

struct EndpointStats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> answered_ok{0};
  std::atomic<uint64_t> malformed{0};    // 400 for a report that did not parse, 405, 413, 431
  std::atomic<uint64_t> unknown_ids{0};  // 400 or 404
  std::atomic<uint64_t> unavailable{0};  // 503: journal busy, failing or slow
  std::atomic<uint64_t> timeouts{0};     // connections cut for being slow or idle
  std::atomic<uint64_t> connections_refused{0};  // over max_connections
};

// Thread-safe: Stop, set_on_sos, stats, phones and connections may be called from any thread;
// Replay, Listen and Start come first, from one thread, in that order.
class Endpoint {
 public:
  // Loads the TLS certificate and key when configured. `ingest` (and its roster), `clock` and
  // `io` must outlive the Endpoint; the Endpoint must outlive the journal's pending callbacks
  // (destroy the Journal first).
  static Result<std::unique_ptr<Endpoint>> Create(asio::io_context& io, Ingest& ingest,
                                                  const EndpointOptions& options, LogFn log,
                                                  const Clock& clock = SystemClock::Instance());
  ~Endpoint();

  // Startup, while the journal replays (before Start): see PhoneRecorder::Replay.
  Status Replay(RecordType type, std::string_view payload);
  // The SOS hook (any time, from any thread); it is called on a connection's strand, so keep it
  // short and thread-safe.
  void set_on_sos(SosFn on_sos);

  // Binds and listens. Errors name the address ("--osmand 0.0.0.0:5055: Address in use").
  Status Listen(const proto::HostPort& address);
  // The listening address, with the real port when 0 was asked for. Precondition: Listen ok.
  asio::ip::tcp::endpoint local_endpoint() const;
  bool tls() const;

  // Accepts connections on the io_context's threads until Stop.
  void Start();
  // Closes the listener and every connection; an answer still waiting for the journal is
  // dropped (the app sends the report again; it is recorded once).
  void Stop();

  const PhoneStatusTable& phones() const;
  const EndpointStats& stats() const;
  const RecorderStats& recorder_stats() const;
  size_t connections() const;

  struct Core;  // shared with the connections (connection.h)

 private:
  Endpoint(asio::io_context& io, std::shared_ptr<Core> core);
  asio::awaitable<void> AcceptLoop();

  asio::io_context& io_;
  std::shared_ptr<Core> core_;
  asio::ip::tcp::acceptor acceptor_;
};

}  // namespace convoy::hub::osmand
