// Incremental reading of a journal directory that a hub keeps appending to: each call returns
// only the records written since the previous call. Read-only and safe while a hub writes (the
// same rules as hub/journal_reader.h: an incomplete record at the end of the newest segment is a
// write in progress and is read next time; other damage is reported and skipped).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>

#include "hub/journal_reader.h"
#include "proto/result.h"

namespace convoy::hub::replay {

// Not thread-safe: one caller at a time (ReplayIndex serializes its refreshes).
class JournalTail {
 public:
  explicit JournalTail(std::filesystem::path dir) : dir_(std::move(dir)) {}

  // Calls on_record for every valid record appended since the last call, in journal order, and
  // on_damage (may be nullptr) for regions skipped. Adds the bytes read to *bytes_read (may be
  // nullptr). Cost: a directory listing and a stat per segment when nothing is new; otherwise
  // one read of the new bytes. Errors: the directory cannot be listed or a segment read.
  // progress (may be nullptr) gets the new bytes read so far and in all, about every MiB.
  using ProgressFn = std::function<void(uint64_t done_bytes, uint64_t total_bytes)>;
  Status ReadNew(const JournalRecordCallback& on_record, const JournalDamageCallback& on_damage,
                 uint64_t* bytes_read = nullptr, const ProgressFn& progress = nullptr);

 private:
  struct SegmentState {
    uint64_t consumed = 0;   // offset up to which records were returned
    uint64_t seen_size = 0;  // file size at the last read (nothing new while it is unchanged)
  };
  std::filesystem::path dir_;
  std::map<uint64_t, SegmentState> segments_;  // by segment index
};

}  // namespace convoy::hub::replay
