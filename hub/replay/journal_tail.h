// Incremental reading of a journal directory that a hub keeps appending to: each call returns
// only the records written since the previous call. Read-only and safe while a hub writes (the
// same rules as hub/journal_reader.h: an incomplete record at the end of the newest segment is a
// write in progress and is read next time; other damage is reported and skipped).
#pragma once

#include <cstdint>
#include <filesystem>
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
  Status ReadNew(const JournalRecordCallback& on_record, const JournalDamageCallback& on_damage,
                 uint64_t* bytes_read = nullptr);

 private:
  struct SegmentState {
    uint64_t consumed = 0;   // offset up to which records were returned
    uint64_t seen_size = 0;  // file size at the last read (nothing new while it is unchanged)
  };
  std::filesystem::path dir_;
  std::map<uint64_t, SegmentState> segments_;  // by segment index
};

}  // namespace convoy::hub::replay
