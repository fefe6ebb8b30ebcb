// Ingest: where fixes from every car become durable records. It checks each fix once (quality
// gate), drops redeliveries (same car, same seq), hands new fixes to the journal, and tells the
// caller when they are durable so that only then are they acknowledged. No I/O of its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "convoy/v1/journal.pb.h"
#include "hub/journal.h"
#include "hub/seq_set.h"
#include "proto/clock.h"
#include "proto/fix.h"
#include "proto/fix_quality.h"
#include "proto/result.h"
#include "proto/roster.h"

namespace convoy::hub {

struct IngestStats {
  std::atomic<uint64_t> fixes_recorded{0};  // durable
  std::atomic<uint64_t> fixes_flagged{0};   // recorded with a bad verdict
  std::atomic<uint64_t> duplicates{0};      // redelivered, recorded once
  std::atomic<uint64_t> journal_busy{0};    // batches turned back because the queue was full
  std::atomic<uint64_t> journal_failures{0};
};

// A car's latest state as the rest of the hub sees it.
struct CarSnapshot {
  std::optional<proto::Fix> latest_good;  // newest by fix time among fixes that passed the gate
  int64_t last_heard_ms = 0;              // hub clock when a fix last arrived, 0 never
  uint64_t durable_watermark = 0;
  uint64_t highest_seq = 0;
  // Phones (SOURCE_PHONE) number their fixes in a sequence of their own, kept apart from the
  // unit's above, so that a car reporting from both never has one's fix taken for the other's.
  uint64_t phone_highest_seq = 0;
};

// Thread-safe: any number of sessions call Accept concurrently. Each car's state has its own lock.
class Ingest {
 public:
  // roster, journal and clock must outlive the Ingest. The journal may be attached after the
  // Replay phase (it replays into the Ingest while it opens); Accept needs it.
  Ingest(const proto::Roster& roster, Journal* journal, const Clock& clock);
  void set_journal(Journal* journal) { journal_ = journal; }

  // Startup only, before any Accept, single-threaded: feeds one journal record replayed at open.
  // Returns an error for a record it cannot read (reported and skipped by the caller).
  Status Replay(RecordType type, std::string_view payload);

  enum class AcceptResult {
    // New fixes are on their way to disk, or (a resend, say on a new connection after the old one
    // died) every fix had been taken before and some are still being written: `durable` will be
    // called once they all are (or with the error when their write fails).
    kQueued,
    kNothingNew,  // every fix had been recorded (durable) before; `durable` is not called
    kBusy,        // the journal's queue is full; nothing was taken; retry shortly
  };
  // Called on the journal's commit thread once the batch is durable (status ok) or has failed.
  // Keep it short: post to your own executor. `watermark` is the car's durable watermark.
  using DurableFn = std::function<void(const Status& status, uint64_t watermark)>;

  // Records the fixes of car `car_index` (a roster index) that are not recorded yet. Seqs are
  // per car and per source (a unit's and a phone's are separate sequences).
  // accuracy_m: empty, or one per fix (a phone's reported accuracy, for the fix-quality gate).
  // Preconditions: every seq >= 1 and every fix InRange.
  AcceptResult Accept(size_t car_index, std::span<const proto::SequencedFix> fixes,
                      v1::JournalFixes::Source source, DurableFn durable,
                      std::span<const std::optional<double>> accuracy_m = {});

  // Called on the journal's commit thread with every batch once it is durable, in the order
  // recorded, verdict by verdict (the convoy model takes the good ones). Set before the first
  // Accept; keep it short.
  using DurableObserver =
      std::function<void(size_t car_index, std::span<const proto::SequencedFix> fixes,
                         std::span<const proto::FixVerdict> verdicts)>;
  void set_observer(DurableObserver observer) { observer_ = std::move(observer); }

  CarSnapshot Snapshot(size_t car_index) const;
  const IngestStats& stats() const { return stats_; }
  const proto::Roster& roster() const { return roster_; }

 private:
  // A resend of fixes still being written: told when they are durable. Without it the resend's
  // connection would hear of them only with the car's next new fix, and a car with nothing new
  // to send (parked, or flushing its spool before it shuts down) would wait forever.
  struct Waiter {
    bool phone = false;
    std::vector<uint64_t> seqs;  // received, not yet durable, when the resend came
    DurableFn durable;
  };
  struct CarState {
    mutable std::mutex mu;
    std::vector<Waiter> waiters;  // few: one per resend racing with its own write
    SeqSet received;              // recorded, or queued for the journal
    SeqSet durable;               // fsync'd
    SeqSet phone_received;        // the same two for SOURCE_PHONE seqs
    SeqSet phone_durable;
    proto::FixGate gate;
    CarSnapshot snapshot;
  };
  void NoteFix(CarState& car, const proto::Fix& fix, proto::FixVerdict verdict);

  const proto::Roster& roster_;
  Journal* journal_;
  const Clock& clock_;
  std::vector<std::unique_ptr<CarState>> cars_;  // by roster index
  IngestStats stats_;
  DurableObserver observer_;
};

// The journal payload of a batch of fixes: JournalFixes with the fixes delta-coded from a fresh
// context. verdicts may be empty (all good) or one per fix.
std::string EncodeJournalFixes(std::string_view car_id, int64_t received_ms,
                               std::span<const proto::SequencedFix> fixes,
                               std::span<const proto::FixVerdict> verdicts,
                               v1::JournalFixes::Source source);

struct DecodedJournalFixes {
  v1::JournalFixes record;  // packed cleared after decoding
  std::vector<proto::SequencedFix> fixes;
  std::vector<proto::FixVerdict> verdicts;  // one per fix
};
Result<DecodedJournalFixes> DecodeJournalFixes(std::string_view payload);

}  // namespace convoy::hub
