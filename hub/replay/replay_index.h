// The replay's in-memory index over a recording: per car, its good fixes sorted by time, the
// alerts and the radio messages (journal record types 1 to 4). Built from the hub's journal once
// and extended with the journal's new tail on demand, since a live hub keeps writing.
//
// Memory: 24 bytes per good fix (about 70 MB for a two-day, 40-car tour at 1 Hz), plus the alerts.
// Not thread-safe: ReplayApi guards it with a reader/writer lock (Update writes, the rest reads).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "convoy/v1/journal.pb.h"
#include "hub/replay/journal_tail.h"
#include "proto/log.h"
#include "proto/result.h"
#include "proto/roster.h"

namespace convoy::hub::replay {

// A good fix as the replay shows it.
struct ReplayFix {
  int64_t time_ms = 0;  // UTC ms
  int32_t lat_e7 = 0;
  int32_t lon_e7 = 0;
  uint32_t speed_cmps = 0;
  uint32_t course_cdeg = 0;
};
static_assert(sizeof(ReplayFix) == 24);

struct ReplayCar {
  std::string id;
  std::string name;  // the roster's name, the id when the car is not in the roster
  std::string role;  // "lead", "sweep", "car"; empty when not in the roster
  // Only fixes the hub judged good, sorted by time, at most one per millisecond (a batch the
  // journal holds twice, or a backfill overlapping live fixes, is indexed once).
  std::vector<ReplayFix> fixes;

  // The index of the last fix at or before t_ms, or nullopt when there is none. O(log n).
  std::optional<size_t> LastAtOrBefore(int64_t t_ms) const;
  // The index of the first fix at or after t_ms (fixes.size() when none). O(log n).
  size_t FirstAtOrAfter(int64_t t_ms) const;
};

// An alert as it stands after its last recorded change. The hub numbers alerts 1, 2, 3, ...
// per run, so after a restart an id comes again: a RAISED record for an id seen before starts a
// new alert.
struct ReplayAlert {
  v1::JournalAlert state;
};

// A radio message: a staff message (with the cars that confirmed it so far) or a message from a
// car (SOS, canned reply). Message ids, like alert ids, start again when the hub restarts.
struct ReplayRadio {
  bool from_car = false;
  v1::JournalRadio sent;               // staff message (from_car false): the SENT record
  std::vector<std::string> delivered;  // cars that confirmed it, in order of confirmation
  v1::JournalCarMessage car_message;   // from_car true
  int64_t time_ms() const { return from_car ? car_message.time_ms() : sent.time_ms(); }
};

// Alerts and radio messages from journal records (types 2, 3 and 4), as the replay keeps them:
// an alert in its latest state, a staff message with the cars that confirmed it. Used by
// ReplayIndex and by the export's recording reader. Not thread-safe.
class JournalEvents {
 public:
  // Takes one record of any type; returns false when a type 2-4 payload is unreadable (other
  // types are ignored and return true).
  bool Add(RecordType type, std::string_view payload);
  // In journal order (roughly the order raised).
  const std::vector<ReplayAlert>& alerts() const { return alerts_; }
  // In journal order.
  const std::vector<ReplayRadio>& radio() const { return radio_; }

 private:
  std::vector<ReplayAlert> alerts_;
  std::unordered_map<uint64_t, size_t> alert_by_id_;  // the current run's ids -> alerts_
  std::vector<ReplayRadio> radio_;
  std::unordered_map<uint64_t, size_t> radio_by_id_;  // the current run's staff messages
};

struct IndexStats {
  uint64_t records = 0;
  uint64_t fixes_read = 0;     // every fix decoded
  uint64_t fixes_indexed = 0;  // good fixes kept, after de-duplication
  uint64_t records_unreadable = 0;
  uint64_t bytes_damaged = 0;
  uint64_t bytes_read = 0;
};

class ReplayIndex {
 public:
  // Reads the whole journal under data_dir. roster may be nullptr (names are then the ids); the
  // index copies what it needs. warn gets one line per damaged region or unreadable record (the
  // first 10 of each). Errors: "DIR: no such directory", a segment that cannot be read. A
  // directory with no segments yet is an empty recording, not an error (a hub just started).
  // progress (may be nullptr): journal bytes read so far and in all.
  static Result<std::unique_ptr<ReplayIndex>> Open(
      const std::filesystem::path& data_dir, const proto::Roster* roster, LogFn warn,
      const JournalTail::ProgressFn& progress = nullptr);

  // Indexes the records appended since the last call. Returns whether anything changed.
  // Cost: a directory listing when nothing is new; else decoding the new records and, per car
  // with new fixes, a merge when they are older than its newest (backfills).
  Result<bool> Update(const JournalTail::ProgressFn& progress = nullptr);

  // Roster order for cars in the roster, then by id. Cars appear with their first good fix.
  const std::vector<std::unique_ptr<ReplayCar>>& cars() const { return cars_; }
  const ReplayCar* FindCar(std::string_view id) const;
  // In journal order (roughly the order raised).
  const std::vector<ReplayAlert>& alerts() const { return events_.alerts(); }
  // In journal order.
  const std::vector<ReplayRadio>& radio() const { return events_.radio(); }
  const IndexStats& stats() const { return stats_; }
  // The first and last good fix of any car; nullopt for an empty recording.
  std::optional<int64_t> first_ms() const;
  std::optional<int64_t> last_ms() const;

 private:
  ReplayIndex(std::filesystem::path dir, const proto::Roster* roster, LogFn warn);
  ReplayCar& CarFor(const std::string& id);
  void AddFixes(std::string_view payload, const RecordPosition& where);
  void Warn(uint64_t& count, const std::string& line);

  struct RosterEntry {
    std::string name;
    std::string role;
    size_t index = 0;
  };
  JournalTail tail_;
  std::unordered_map<std::string, RosterEntry> roster_;
  LogFn warn_;
  std::vector<std::unique_ptr<ReplayCar>> cars_;
  std::unordered_map<std::string, ReplayCar*> by_id_;
  // Cars given fixes during the current Update, with their size before it.
  std::unordered_map<ReplayCar*, size_t> touched_;
  bool new_car_ = false;
  JournalEvents events_;
  IndexStats stats_;
  uint64_t warnings_ = 0;
};

}  // namespace convoy::hub::replay
