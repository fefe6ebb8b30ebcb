// The live feed: every viewer's WebSocket (/api/v1/live) and what is broadcast to them.
//
// Each broadcast is serialized once and shared (shared_ptr<const std::string>) by every viewer.
// Each viewer has its own strand, one write in flight, and a BOUNDED backlog:
//   - positions: one slot per car holding only that car's newest position, so a viewer that
//     stops reading holds at most one position per car however long it stalls;
//   - the convoy snapshot: one slot, the newest replaces the older;
//   - alert and radio events (and pong): a queue of at most max_queued_messages; a viewer that
//     falls further behind is dropped (its page reconnects and catches up from the hello).
// Positions are batched from the durable-fix path at most every positions_interval (100 ms),
// sent at once when the last batch is older than that; a large batch stretches the wait before
// the next so that a viewer gets at most LiveOptions::positions_bytes_per_s of positions.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hub/http/beast.h"
#include "hub/http/options.h"
#include "proto/fix.h"
#include "proto/fix_quality.h"
#include "proto/log.h"
#include "proto/roster.h"

namespace convoy::hub::api {

// Figures for tests and the benchmark: the largest backlog of any viewer.
struct LiveStats {
  size_t viewers = 0;
  size_t max_queued_messages = 0;    // events waiting in one viewer's queue
  size_t max_pending_positions = 0;  // cars with a position waiting in one viewer
  uint64_t viewers_dropped = 0;      // fell too far behind
  uint64_t position_batches = 0;     // positions messages built
  uint64_t convoy_broadcasts = 0;    // snapshots sent (the others were over the byte budget)
  std::chrono::milliseconds positions_interval{0};  // the wait after the newest batch
};

class Viewer;

// One batch of positions: the whole message, and each car's part for viewers that merge.
struct PositionBatch {
  std::shared_ptr<const std::string> message;
  std::vector<std::pair<uint32_t, std::string>> cars;  // roster index, PositionJson
};

// Thread-safe.
class LiveHub {
 public:
  LiveHub(asio::io_context& io, const proto::Roster& roster, LiveOptions options, LogFn log);
  ~LiveHub();

  // Any thread (the journal's commit thread): a durable batch of one car's fixes; its newest
  // good fix goes out with the next positions message. Cost: one short lock.
  void OnFixes(size_t car, std::span<const proto::SequencedFix> fixes,
               std::span<const proto::FixVerdict> verdicts);
  // An alert or radio event, already serialized.
  void Broadcast(std::shared_ptr<const std::string> message);
  // A convoy snapshot message, made by `build` (called at most once, on this thread): replaces one
  // a viewer has not been sent yet. Not built when nobody watches, nor when it comes sooner than
  // LiveOptions::convoy_bytes_per_s allows after the last one (the next tick's is newer anyway).
  void BroadcastConvoy(const std::function<std::string()>& build);

  // Takes over an upgraded connection: accepts the WebSocket with `request`, sends `make_hello()`
  // first (built after the viewer is registered, so nothing between is missed), then the feed.
  // false when the hub is at max_viewers or stopping: `stream` and `request` are then left
  // untouched (the caller answers 503).
  bool Serve(beast::tcp_stream& stream, bhttp::request<bhttp::string_body>& request,
             std::function<std::string()> make_hello, std::string staff_name);

  LiveStats stats() const;
  size_t viewers() const;
  void Stop();  // closes every viewer

  const LiveOptions& options() const { return options_; }

 private:
  friend class Viewer;
  void Detach(uint64_t id);
  void ArmFlush();
  void Flush();
  std::chrono::milliseconds NextInterval() const;  // strand_ only
  std::vector<std::shared_ptr<Viewer>> Snapshot() const;

  asio::io_context& io_;
  const proto::Roster& roster_;
  LiveOptions options_;
  LogFn log_;
  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer flush_timer_;                      // strand_ only
  std::chrono::steady_clock::time_point last_flush_{};  // strand_ only
  size_t last_batch_bytes_ = 0;                         // strand_ only

  mutable std::mutex mu_;
  std::unordered_map<uint64_t, std::shared_ptr<Viewer>> viewers_;  // guarded by mu_
  uint64_t next_viewer_id_ = 1;                                    // guarded by mu_
  std::vector<std::optional<proto::Fix>> pending_;                 // by car; guarded by mu_
  bool flush_armed_ = false;                                       // guarded by mu_
  bool stopped_ = false;                                           // guarded by mu_
  std::chrono::steady_clock::time_point next_convoy_{};            // guarded by mu_

  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> convoy_broadcasts_{0};
  std::atomic<int64_t> interval_ms_{0};  // NextInterval() after the newest batch, for stats()
};

}  // namespace convoy::hub::api
