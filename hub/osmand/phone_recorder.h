// Phone fixes into the journal, each recorded once, with the answer held until it is durable.
//
// Sequence numbers. Ingest records a car's fix once per sequence number, but phones send none.
// The recorder numbers each car's phone fixes 1, 2, 3, ... in a sequence of their own (Ingest
// keeps SOURCE_PHONE seqs apart from the unit's, so a car with a unit and a phone at once never
// has one's fix taken for the other's, and the unit's acknowledgements are untouched). A fix is
// known by its key, (fix time, latitude, longitude) in the Fix's integer units: the app resends a
// report when it got no 200, and a resend carries the same three. The recorder remembers the keys
// of each car's last `window` fixes with their seq and state:
//   - a key seen before and durable: nothing to record, answer at once;
//   - a key queued but not yet durable (the app gave up on one connection and resent on
//     another): wait for that same record;
//   - a key whose write failed: recorded again under the same seq, so that a failed record the
//     journal could not cut away is still read back once (readers keep a car's seq once);
//   - a new key: the car's next seq.
// The window is rebuilt from the journal at start (Replay), so a report resent after a hub
// restart, whose first copy was made durable just before the crash, is still recorded once.
// A key that has left the window (more than `window` newer fixes of the car since) would be
// recorded again; the app only ever resends its oldest unacknowledged fix, so that takes a
// backlog of thousands of fixes racing with itself.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hub/ingest.h"
#include "hub/journal.h"
#include "proto/fix.h"
#include "proto/result.h"

namespace convoy::hub::osmand {

struct PhoneFixToRecord {
  proto::Fix fix;                    // InRange
  std::optional<double> accuracy_m;  // for the fix-quality gate
};

struct RecorderStats {
  std::atomic<uint64_t> fixes_new{0};      // given a seq and queued
  std::atomic<uint64_t> fixes_resent{0};   // keys already durable or queued
  std::atomic<uint64_t> fixes_retried{0};  // keys whose earlier write failed
};

// Thread-safe: connections call Record concurrently; each car has its own lock, taken around
// Ingest::Accept so that a key's seq and its place in the journal's queue agree.
// The recorder must outlive every callback the journal may still call: destroy (drain) the
// Journal first.
class PhoneRecorder {
 public:
  PhoneRecorder(Ingest& ingest, size_t car_count, size_t window = 4096);

  // Startup only, single-threaded, before any Record: one journal record as the journal replays
  // it. Takes SOURCE_PHONE fix records of roster cars; ignores the rest. An error for a fixes
  // record it cannot read (the caller logs and skips it, as Ingest's does).
  Status Replay(RecordType type, std::string_view payload);

  enum class Outcome {
    kDurable,  // every fix was durable before; `done` is not called
    kWaiting,  // `done` will be called once, on the journal's thread: keep it short
    kBusy,     // the journal's queue is full; nothing was taken; try again shortly
  };
  using DoneFn = std::function<void(const Status& status)>;
  struct Ticket {
    Outcome outcome = Outcome::kDurable;
    size_t new_fixes = 0;  // fixes never seen before (not resends); 0 for kBusy
  };

  // Records the fixes of car `car_index` (a roster index) not recorded yet and arranges for
  // `done` to learn when all of them are durable (OK) or when one failed (the error).
  // Cost: O(fixes) under the car's lock plus one Ingest::Accept.
  Ticket Record(size_t car_index, std::span<const PhoneFixToRecord> fixes, DoneFn done);

  const RecorderStats& stats() const { return stats_; }

 private:
  struct Key {
    int64_t time_ms;
    int32_t lat_e7;
    int32_t lon_e7;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& key) const;
  };
  struct Waiter;
  enum class State { kQueued, kDurable, kFailed };
  struct Entry {
    uint64_t seq = 0;
    State state = State::kQueued;
    std::vector<std::shared_ptr<Waiter>> waiters;  // while kQueued
  };
  struct Car {
    std::mutex mu;
    uint64_t last_seq = 0;
    std::unordered_map<Key, Entry, KeyHash> entries;
    std::deque<Key> order;  // oldest first, for the window
  };

  static Key KeyOf(const proto::Fix& fix) { return {fix.time_ms, fix.lat_e7, fix.lon_e7}; }
  void Remember(Car& car, const Key& key, Entry entry);
  void OnDurable(size_t car_index, const std::vector<Key>& keys, const Status& status);

  Ingest& ingest_;
  const size_t window_;
  std::vector<std::unique_ptr<Car>> cars_;  // by roster index
  RecorderStats stats_;
};

}  // namespace convoy::hub::osmand
