// The convoy model inside the hub: it takes every good fix once it is durable, ticks once a
// second, and journals every alert event beside the fixes. The model itself is pure logic
// (hub/model/); this is where it meets threads, the clock and the journal.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "hub/journal.h"
#include "hub/model/convoy_model.h"
#include "proto/asio.h"
#include "proto/fix_quality.h"
#include "proto/log.h"
#include "proto/roster.h"

namespace convoy::hub {

// Which clock drives the model (the hub's --clock flag).
enum class ModelClock {
  kWall,     // the hub's wall clock: the field
  kFixTime,  // the fixes' own time: simulations and re-runs of a recorded tour, so that a tour
             // played at 60x raises the same alerts at the same simulated moments as at 1x
};
Result<ModelClock> ParseModelClock(std::string_view text);

// Thread-safe: every public method may be called from any thread. The model runs on a strand.
class ConvoyService {
 public:
  // roster and journal must outlive the service. first_alert_id: alert ids continue above those
  // already in the journal (a restarted hub starts a fresh model).
  ConvoyService(asio::io_context& io, const proto::Roster& roster, ConvoyModel model,
                Journal* journal, ModelClock clock, uint64_t first_alert_id, LogFn log);

  void Start();  // the 1 s tick
  void Stop();

  // A durable batch of one car's fixes; the good ones go to the model.
  void OnDurableFixes(size_t car, std::span<const proto::SequencedFix> fixes,
                      std::span<const proto::FixVerdict> verdicts);
  // An SOS from a car (a unit's message, a phone's alarm).
  void RaiseSos(size_t car, std::string text);

  // The latest snapshot, refreshed every tick; alert ids in it are journal ids.
  std::shared_ptr<const ConvoySnapshot> snapshot() const;

  // Every alert of this hub run in its latest state, newest first (open and cleared). Alert ids
  // are journal ids. Cost: a copy of the history, under a short lock.
  std::vector<Alert> Alerts() const;
  std::optional<Alert> FindAlert(uint64_t alert_id) const;

  // Staff member `who` acknowledges alert `alert_id` (a journal id): on the model's strand, the
  // acknowledged event is journaled and broadcast like any other; `done` is then called there.
  struct AckResult {
    enum class Outcome { kAcknowledged, kUnknown, kRefused } outcome = Outcome::kUnknown;
    std::optional<Alert> alert;  // its state after the call, when known
    std::string message;         // kRefused: why ("alert 3 was acknowledged by Ann")
  };
  void Acknowledge(uint64_t alert_id, std::string who, std::function<void(AckResult)> done);

  // The plan the model follows. Immutable: safe to read from any thread.
  const ModelPlan& plan() const { return model_.plan(); }

  // Called on the model's strand for every alert event, after it is queued for the journal.
  // Set before Start.
  std::function<void(const AlertEvent&)> on_event;
  // Called on the model's strand with each new snapshot (every tick). Set before Start.
  std::function<void(const std::shared_ptr<const ConvoySnapshot>&)> on_snapshot;

 private:
  void Publish(int64_t now_ms);
  void Record(AlertEvent event);
  int64_t WallNow() const;
  int64_t ModelNow() const;  // strand only

  asio::strand<asio::io_context::executor_type> strand_;
  asio::steady_timer tick_;
  const proto::Roster& roster_;
  ConvoyModel model_;  // strand only
  Journal* journal_;
  ModelClock clock_;
  uint64_t alert_id_offset_;
  LogFn log_;
  std::vector<std::string> car_ids_;
  std::vector<std::string> unwritten_;  // alert records the journal turned back; retried each tick
  int64_t fix_time_ms_ = 0;             // kFixTime: the newest fix time seen
  bool stopped_ = false;

  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const ConvoySnapshot> snapshot_;
  mutable std::mutex history_mu_;
  std::map<uint64_t, Alert> history_;  // by journal id; guarded by history_mu_
};

// The journal payload of an alert event (JournalAlert), with journal ids.
std::string EncodeJournalAlert(const AlertEvent& event, std::span<const std::string> car_ids);

}  // namespace convoy::hub
