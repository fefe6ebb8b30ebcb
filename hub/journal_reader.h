// Read-only iteration over a journal directory, safe while a hub is appending to it (for
// `convoy-replay dump`). It opens nothing for writing and changes nothing: a torn tail is
// reported, not cut (the hub cuts it when it next opens the journal).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string_view>

#include "hub/journal.h"
#include "proto/file_io.h"
#include "proto/result.h"

namespace convoy::hub {

struct RecordPosition {
  uint64_t segment_index = 0;  // the number in the segment's file name
  uint64_t offset = 0;         // of the record's first byte in that file
};

using JournalRecordCallback =
    std::function<void(RecordType type, std::string_view payload, const RecordPosition& position)>;
using JournalDamageCallback = std::function<void(const DamagedRegion& damage)>;

// Calls on_record for every valid record of every segment in `dir`, in order, and on_damage
// (may be nullptr) for every region skipped. The payload is valid only during the call.
//
// An incomplete record at the very end of the newest segment is not damage: a hub may be
// writing it; reading stops there quietly. Any other torn tail (zeros or a bad CRC at the end
// of the newest segment, anything at the end of an older one) is reported with torn_tail set.
// A segment removed while reading (the hub removes only empty ones) is skipped.
//
// Memory: one segment at a time (at most JournalOptions::segment_bytes plus what a writer adds
// meanwhile). Errors: the directory cannot be listed, or a segment cannot be read.
Status ReadJournal(const std::filesystem::path& dir, const JournalRecordCallback& on_record,
                   const JournalDamageCallback& on_damage = nullptr,
                   proto::FileSystem* fs = nullptr);

}  // namespace convoy::hub
