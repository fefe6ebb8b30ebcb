// A recording read back for export: every car's fixes from the hub's journal, grouped by car and
// sorted by time, with the roster's names. The journal interleaves cars and holds backfills out
// of time order, and each export format wants one car's track at a time, so the fixes are held
// in memory: 64 bytes per fix (about 190 MB for a two-day, 40-car tour at 1 Hz).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "hub/replay/replay_index.h"
#include "proto/fix.h"
#include "proto/fix_quality.h"
#include "proto/log.h"
#include "proto/result.h"
#include "proto/roster.h"

namespace convoy::hub {

// One recorded fix with what the hub knew about it.
struct RecordedFix {
  proto::Fix fix;
  uint64_t seq = 0;
  int64_t received_ms = 0;  // the hub's clock when the batch holding it arrived, UTC ms
  proto::FixVerdict verdict = proto::FixVerdict::kGood;
  bool from_phone = false;  // SOURCE_PHONE (its seqs are a sequence of their own)
};

// A growable array of RecordedFix. A car's fixes grow to megabytes; blocks past 2 MiB are mapped
// with transparent huge pages (see Grow). Not thread-safe.
class FixArray {
 public:
  FixArray() = default;
  ~FixArray() { Release(); }
  FixArray(FixArray&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)),
        mapped_(std::exchange(other.mapped_, false)) {}
  FixArray& operator=(FixArray&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    std::swap(mapped_, other.mapped_);
    return *this;
  }

  void push_back(const RecordedFix& fix) {
    if (size_ == capacity_) Grow();
    data_[size_++] = fix;
  }
  void resize_down(size_t size) { size_ = size < size_ ? size : size_; }
  RecordedFix* data() { return data_; }
  const RecordedFix* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  RecordedFix* begin() { return data_; }
  RecordedFix* end() { return data_ + size_; }
  const RecordedFix* begin() const { return data_; }
  const RecordedFix* end() const { return data_ + size_; }
  const RecordedFix& operator[](size_t i) const { return data_[i]; }

 private:
  void Grow();
  void Release();

  RecordedFix* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
  bool mapped_ = false;  // data_ is our mmap (else malloc's)
};
static_assert(std::is_trivially_copyable_v<RecordedFix>);

struct CarRecording {
  std::string id;
  std::string name;  // the roster's name; the id when the car is not in the roster
  std::string role;  // "lead", "sweep", "car"; empty when not in the roster
  // Sorted by (time_ms, source, seq); a fix recorded twice (the journal may hold a batch twice
  // after a failed cut) appears once.
  FixArray fixes;
};

struct RecordingFilter {
  // Keep only fixes with from_ms <= time_ms < to_ms (a half-open window, so that consecutive
  // windows share no fix).
  std::optional<int64_t> from_ms;
  std::optional<int64_t> to_ms;
  // Keep only these cars (ids); empty: every car. An id with no fixes in the recording is an error.
  std::vector<std::string> cars;
};

struct Recording {
  std::vector<CarRecording> cars;  // roster order for cars in the roster, then by id
  // Alerts and radio messages (journal record types 2-4), the whole recording's: the writers
  // choose by time and car.
  replay::JournalEvents events;
  uint64_t fixes_read = 0;  // every fix decoded, before filtering and de-duplication
  uint64_t duplicates = 0;  // dropped because the same (source, seq) was recorded twice
  uint64_t records_unreadable = 0;
  uint64_t bytes_damaged = 0;
};

// Progress while reading: bytes of journal read so far and in all.
using ReadProgressFn = std::function<void(uint64_t done_bytes, uint64_t total_bytes)>;

// Reads the journal under data_dir (hub/journal_reader.h: safe while a hub writes to it).
// Damaged regions and unreadable records are reported through `warn` (the first 10 of each, then
// a count) and skipped. roster may be nullptr (names are then the ids). Cars in the filter are
// checked after reading; cars of the roster that recorded nothing are left out.
// Errors: "DIR: no such directory", "DIR: no journal segments (journal-*.log): is this the hub's
// --data directory?", "unknown car 'x': the recording has cars a, b, c", a segment that cannot be
// read.
Result<Recording> LoadRecording(const std::filesystem::path& data_dir,
                                const RecordingFilter& filter, const proto::Roster* roster,
                                const LogFn& warn, const ReadProgressFn& progress = nullptr);

}  // namespace convoy::hub
