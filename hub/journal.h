// The hub's journal: an append-only log of records in segment files under one directory,
// written with group commit. A record is acknowledged (its Done called with OK) only after it is
// fdatasync'd. Format: proto/record_log.h framing, segment files journal-00000001.log,
// journal-00000002.log, ...; documented in README ("Journal format"). Reading a journal without
// writing to it (convoy-replay dump): hub/journal_reader.h.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "proto/file_io.h"
#include "proto/result.h"

namespace convoy::hub {

// The record type byte. Unknown values read from disk are passed on as they are (newer hubs may
// add types); readers skip what they do not know.
enum class RecordType : uint8_t {
  kFixes = 1,  // convoy.v1.JournalFixes
  kAlert = 2,
  kRadio = 3,
  kCarMessage = 4,
  kEvent = 5,
};

// "journal-00000042.log" for 42. Eight digits keep names sorting up to 99,999,999 segments;
// readers order by the parsed number, so more digits still work.
std::string JournalSegmentName(uint64_t index);
// The index of a segment file name, or nullopt for any other name.
std::optional<uint64_t> ParseJournalSegmentName(std::string_view name);

struct JournalSegment {
  uint64_t index = 0;
  std::filesystem::path path;
};
// The segment files of `dir`, by ascending index. Other files are ignored.
Result<std::vector<JournalSegment>> ListJournalSegments(const std::filesystem::path& dir,
                                                        proto::FileSystem* fs);

// A region of a segment that held no valid record.
struct DamagedRegion {
  std::filesystem::path segment;
  uint64_t offset = 0;
  uint64_t bytes = 0;
  std::string reason;
  bool torn_tail = false;  // at the end of its segment, no valid record after it
};

struct JournalOptions {
  std::filesystem::path dir;
  uint64_t segment_bytes = 64ull << 20;  // roll to a new segment past this size
  // Bound on bytes queued and being written; Append returns false beyond it. A single record
  // larger than this is still accepted when the queue is empty.
  size_t max_pending_bytes = 32u << 20;
  proto::FileSystem* fs = nullptr;  // nullptr: proto::FileSystem::Default(); must outlive Journal
  // After a failed write or fdatasync, records queued within this interval fail at once; the
  // first batch after it is tried in a new segment.
  std::chrono::milliseconds retry_interval{1000};
  // One line when writing fails and one when it works again; may be called on the commit
  // thread. nullptr: silent.
  std::function<void(std::string_view)> log;
};

struct RecoveryReport {
  uint64_t segments = 0;
  uint64_t records = 0;
  uint64_t bytes = 0;                  // of valid records, headers included
  uint64_t torn_tail_bytes = 0;        // cut from segment ends (normally only from the newest)
  std::vector<DamagedRegion> damaged;  // every skipped region, the torn tails included

  // One line for the hub's log, e.g. "journal: 3 segments, 120000 records (7.6 MB) recovered;
  // cut a torn tail of 41 bytes from journal-00000003.log".
  std::string Summary() const;
};

struct JournalStats {
  uint64_t records = 0;         // made durable
  uint64_t bytes = 0;           // made durable, headers included
  uint64_t syncs = 0;           // group commits (fdatasync calls)
  uint64_t failed_records = 0;  // whose Done got an error
  uint64_t write_failures = 0;  // failed write/fdatasync/open calls
  uint64_t max_batch_records = 0;
  uint64_t segments_created = 0;
};

// Thread-safe: Append, health and stats may be called from any thread. One commit thread owned
// by the journal writes, syncs and calls the Done callbacks.
//
// Failures. A failed write or fdatasync leaves the segment's unsynced state unknown, so the
// journal never writes to that segment again: it cuts the segment back to the end of its last
// synced batch (removing it if that is empty) and fails the batch. health() then reports the
// error, and every record appended within retry_interval fails at once (its Done gets the
// error). The first batch after retry_interval is written to a new segment; if that works,
// health() is OK again and the journal carries on by itself (the disk-full drill: space
// returns, the hub resumes). A record whose Done got an error was not acknowledged; the car
// resends it. If the cut itself failed, such a record may still be read back later, so readers
// must tolerate duplicates (the hub records a car's sequence number once).
class Journal {
 public:
  using Done = std::function<void(const Status&)>;
  using Replay = std::function<void(RecordType type, std::string_view payload)>;

  // Creates options.dir if needed and recovers it: calls `replay` for every valid record in
  // order (on this thread, before returning), skips and reports damage in the middle of a
  // segment, and cuts torn tails (truncating the file). Never removes a valid record. `report`
  // may be nullptr. Errors: the directory cannot be created or listed, a segment cannot be read
  // or a torn tail cannot be cut.
  static Result<std::unique_ptr<Journal>> Open(JournalOptions options, const Replay& replay,
                                               RecoveryReport* report);

  // Writes and syncs what is queued (calling every Done), then stops the commit thread.
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // Queues one record. Returns false, without calling `done`, when the queue is full (retry
  // later). Otherwise `done` runs exactly once on the commit thread, in append order, after the
  // record is durable (OK) or failed (an error): keep it short and post to your own executor. A
  // payload over proto::kMaxRecordPayload is accepted and fails through `done`.
  // Cost: one CRC pass and one copy of the payload, under a short lock.
  bool Append(RecordType type, std::string_view payload, Done done);

  // OK, or the error of the last failed write/fdatasync until writing works again.
  Status health() const;
  JournalStats stats() const;

  // Blocks until everything appended before the call has been committed or failed.
  void Flush();

 private:
  struct Entry {
    uint64_t end;  // offset in Batch::data just past this record
    Done done;
    bool rejected;  // too large: fails without being written
  };
  struct Batch {
    std::string data;
    std::vector<Entry> entries;
  };

  explicit Journal(JournalOptions options, uint64_t next_segment_index);
  void CommitLoop();
  void Commit(Batch& batch);
  // Writes batch records [first, last) as one write to the current segment.
  Status WriteChunk(const Batch& batch, size_t first, size_t last);
  Status OpenSegment();
  Status SyncSegment();
  void CloseSegment();
  void OnFailure(const Status& error);
  void Log(std::string_view line) const;

  const JournalOptions options_;
  proto::FileSystem* const fs_;

  mutable std::mutex mu_;
  std::condition_variable work_cv_;     // the commit thread waits for records or stop
  std::condition_variable flushed_cv_;  // Flush waits for committed_batches_
  Batch pending_;                       // guarded by mu_
  size_t queued_bytes_ = 0;             // pending plus being written; guarded by mu_
  uint64_t appended_batches_ = 0;       // batches taken by the commit thread; guarded by mu_
  uint64_t committed_batches_ = 0;      // guarded by mu_
  bool writer_idle_ = false;            // guarded by mu_
  bool stopping_ = false;               // guarded by mu_
  Status health_;                       // guarded by mu_
  JournalStats stats_;                  // guarded by mu_

  // Commit thread only.
  std::unique_ptr<proto::WritableFile> segment_;
  uint64_t next_segment_index_;
  uint64_t segment_synced_bytes_ = 0;
  bool failed_ = false;
  std::chrono::steady_clock::time_point retry_at_;

  std::thread thread_;
};

}  // namespace convoy::hub
