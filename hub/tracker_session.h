// One tracker's TCP connection: handshake, fixes in, acknowledgements out.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "convoy/v1/convoy.pb.h"
#include "hub/ingest.h"
#include "proto/asio.h"
#include "proto/fix_codec.h"
#include "proto/framing.h"
#include "proto/log.h"

namespace convoy::hub {

struct TrackerSessionOptions {
  std::chrono::milliseconds handshake_timeout{10'000};
  // A connection that sends nothing for this long is closed (trackers ping when idle).
  std::chrono::milliseconds idle_timeout{120'000};
  uint32_t report_interval_ms = 1000;
  size_t max_queued_downlinks = 256;  // radio texts and commands waiting to be written
};

class TrackerRegistry;

// Lives on its own strand; every member runs there. Owned by shared_ptr: the coroutines and
// the journal's callbacks keep it alive until both directions have ended.
class TrackerSession : public std::enable_shared_from_this<TrackerSession> {
 public:
  TrackerSession(asio::ip::tcp::socket socket, Ingest& ingest, TrackerRegistry& registry,
                 const TrackerSessionOptions& options, LogFn log);

  // Runs the connection to its end; spawn it on the socket's strand, keeping a shared_ptr to
  // the session until it completes (the coroutine starts later than co_spawn returns).
  asio::awaitable<void> Run();

  // Thread-safe: queues a downlink frame (radio text, command). Drops the oldest when full.
  void Send(v1::Downlink message);
  // Thread-safe: closes the connection (a newer one from the same car replaced it, shutdown).
  void Close();

  size_t car_index() const { return car_index_; }

 private:
  asio::awaitable<bool> Handshake();
  asio::awaitable<bool> ReadFrame(v1::Uplink* message, std::chrono::milliseconds timeout);
  asio::awaitable<void> WriteLoop();
  asio::awaitable<bool> HandleFixes(const v1::FixBatch& batch);
  void OnDurable(const Status& status, uint64_t watermark);
  void Refuse(v1::Refused::Reason reason, std::string detail);
  void Wake() { wake_.cancel(); }
  std::string Peer() const;

  asio::ip::tcp::socket socket_;
  asio::steady_timer wake_;      // the write loop waits on it; cancel() wakes it
  asio::steady_timer deadline_;  // watchdog for reads
  Ingest& ingest_;
  TrackerRegistry& registry_;
  TrackerSessionOptions options_;
  LogFn log_;
  std::string peer_;

  proto::FrameReader reader_;
  proto::FixDecoder decoder_;
  std::vector<proto::SequencedFix> decoded_;
  size_t car_index_ = SIZE_MAX;
  std::string car_id_;

  std::vector<v1::Downlink> outbox_;  // bounded by options_.max_queued_downlinks
  uint64_t ack_to_send_ = 0;          // durable watermark not yet sent
  uint64_t ack_sent_ = 0;
  size_t batches_in_journal_ = 0;
  bool closing_ = false;
  bool write_loop_done_ = false;
};

// What the rest of the hub hears from the cars beside their fixes (the radio desk). Each runs on
// the car's session strand; keep them short.
struct TrackerHooks {
  std::function<void(size_t car)> on_connected;  // after the handshake, as the session attaches
  std::function<void(size_t car, uint64_t message_id)> on_radio_delivered;
  std::function<void(size_t car, const v1::CarMessage& message)> on_car_message;
};

// The connected cars: at most one session per car. Thread-safe.
class TrackerRegistry {
 public:
  explicit TrackerRegistry(size_t car_count) : sessions_(car_count) {}
  // Set before the hub serves; not to be changed afterwards.
  void set_hooks(TrackerHooks hooks) { hooks_ = std::move(hooks); }
  const TrackerHooks& hooks() const { return hooks_; }
  // Makes `session` the car's connection, closing a previous one (a car that reconnected
  // before its old connection timed out).
  void Attach(size_t car_index, const std::shared_ptr<TrackerSession>& session);
  void Detach(size_t car_index, const TrackerSession* session);
  std::shared_ptr<TrackerSession> Find(size_t car_index) const;
  size_t connected() const;
  void CloseAll();

 private:
  mutable std::mutex mu_;
  std::vector<std::weak_ptr<TrackerSession>> sessions_;
  TrackerHooks hooks_;
};

}  // namespace convoy::hub
