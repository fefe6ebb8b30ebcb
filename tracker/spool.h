// The in-car spool: every fix is appended here, and numbered, before it is sent. It survives
// kill -9 and power loss (what was Sync'd is kept), is bounded (the oldest are dropped when it
// is full), and is trimmed only when the hub acknowledges. Format: proto/record_log.h framing in
// segment files spool-<first seq, 20 digits>.log; documented in README ("Spool format").
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/file_io.h"
#include "proto/fix.h"
#include "proto/result.h"

namespace convoy::tracker {

struct SpoolOptions {
  std::filesystem::path dir;                  // empty: in memory only (the simulator's cars)
  uint64_t max_fixes = 7 * 24 * 3600;         // unacknowledged fixes kept; >= 1
  uint32_t fixes_per_segment = 3600;          // >= 1
  proto::FileSystem* fs = nullptr;            // nullptr: proto::FileSystem::Default(); must outlive
  std::function<void(std::string_view)> log;  // one line per event worth a person's attention
};

// The spool's record types (payload layouts in README, "Spool format").
enum class SpoolRecordType : uint8_t {
  kFix = 1,       // a SequencedFix, 45 bytes
  kTrimmed = 2,   // u64: every seq <= this was acknowledged or dropped
  kSeqFloor = 3,  // u64: the next seq is above this (EnsureSeqAbove)
};

// Not thread-safe: use it from one strand. Memory: every unacknowledged fix is kept in memory
// (48 bytes each; 29 MB at the default bound of 7 days at 1 Hz), so Read never touches the disk.
//
// Disk failures (a full disk, a failed fdatasync) never lose or renumber a fix: the fix stays in
// memory, the failure is logged once, and the next Sync() writes everything not yet durable to a
// new segment. Sync() returns the error while that fails.
class Spool {
 public:
  // Loads what is in options.dir (creating it if needed): fixes, the numbering and the trim
  // point. Cuts a torn tail (truncates the file) and logs it; skips and logs damage in the
  // middle. Errors: the directory cannot be created or listed, a segment cannot be read or cut.
  static Result<std::unique_ptr<Spool>> Open(SpoolOptions options);

  // Syncs what is unsynced (a clean shutdown loses nothing).
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  // Numbers the fix last_seq() + 1 (the first ever is 1), keeps it and writes it (unsynced).
  // When the spool is full the oldest unacknowledged fix is dropped first. Returns the seq.
  uint64_t Append(const proto::Fix& fix);

  // Makes every Append (and Acknowledge, EnsureSeqAbove) since the last Sync durable: writes
  // what a failed write left in memory, fdatasyncs if anything was written, then removes segment
  // files that hold only acknowledged fixes. Call it at least once a second.
  Status Sync();

  // The hub has every seq <= acked_seq durably: forget those fixes. Their segment files are
  // removed at the next Sync. An acked_seq above last_seq() means the hub knows seqs this spool
  // never made (the spool was lost or replaced): numbering then continues above it, as with
  // EnsureSeqAbove. Lower values than acked_seq() are ignored.
  void Acknowledge(uint64_t acked_seq);

  // The hub knows seqs up to `seq`: the next Append gets a seq above it. Drops nothing.
  void EnsureSeqAbove(uint64_t seq);

  uint64_t last_seq() const { return last_seq_; }
  // After Open: the seq before the first fix kept (the hub tells the truth on connect).
  uint64_t acked_seq() const { return acked_seq_; }
  uint64_t unacked_count() const { return fixes_.size(); }
  // Fixes dropped because the spool was full, since Open.
  uint64_t dropped_count() const { return dropped_count_; }

  // Up to max_count kept (unacknowledged, not dropped) fixes with seq >= from_seq, ascending.
  // Cost: O(log n + max_count).
  std::vector<proto::SequencedFix> Read(uint64_t from_seq, size_t max_count) const;

  // The newest kept fix, or nullopt when every fix was acknowledged.
  std::optional<proto::SequencedFix> Newest() const;

 private:
  struct Segment {
    std::filesystem::path path;
    uint64_t first_seq = 0;    // from the name: no fix in it has a lower seq
    uint64_t max_fix_seq = 0;  // 0: holds no fix
  };

  explicit Spool(SpoolOptions options);
  Status Load();
  void LoadSegment(const std::filesystem::path& path, std::string_view content);
  void DropOldestForRoom();
  // Writes fixes with seq > written_seq_ and the markers that changed, opening a segment first
  // if needed. On failure enters the failed state.
  Status WritePending();
  Status OpenSegment(uint64_t first_seq);
  void OnWriteFailure(const Status& error);
  void RemoveTrimmedSegments();
  uint64_t trim_seq() const;
  void Log(const std::string& line) const;

  SpoolOptions options_;
  proto::FileSystem* fs_ = nullptr;
  bool persistent_ = false;

  std::deque<proto::SequencedFix> fixes_;  // kept fixes, ascending seq
  uint64_t last_seq_ = 0;
  uint64_t acked_seq_ = 0;
  uint64_t dropped_seq_ = 0;  // every seq <= this was dropped or acknowledged
  uint64_t dropped_count_ = 0;
  uint64_t seq_floor_ = 0;  // the highest EnsureSeqAbove (or loaded floor marker)
  bool dropping_ = false;   // in a drop burst (logged once)

  // Disk state.
  std::deque<Segment> segments_;               // oldest first; the back one may be open
  std::unique_ptr<proto::WritableFile> file_;  // the active segment (segments_.back())
  uint32_t active_fixes_ = 0;                  // fix records in the active segment
  uint64_t written_seq_ = 0;    // fixes <= this were written (not necessarily synced)
  uint64_t synced_seq_ = 0;     // fixes <= this are durable
  uint64_t synced_bytes_ = 0;   // of the active segment
  uint64_t written_trim_ = 0;   // the trim marker last written to the active segment
  uint64_t written_floor_ = 0;  // the highest seq floor marker written
  uint64_t synced_floor_ = 0;   // ... and made durable
  bool unsynced_ = false;       // written since the last fdatasync
  bool failed_ = false;         // a write failed; retry at the next Sync
};

}  // namespace convoy::tracker
