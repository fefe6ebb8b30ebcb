#include "hub/export/recording.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <new>
#include <unordered_map>

#include "hub/ingest.h"
#include "hub/journal_reader.h"

namespace convoy::hub {
namespace {

bool TimeOrder(const RecordedFix& a, const RecordedFix& b) {
  if (a.fix.time_ms != b.fix.time_ms) return a.fix.time_ms < b.fix.time_ms;
  if (a.from_phone != b.from_phone) return a.from_phone < b.from_phone;
  return a.seq < b.seq;
}

bool SameFix(const RecordedFix& a, const RecordedFix& b) {
  return a.seq == b.seq && a.from_phone == b.from_phone && a.fix == b.fix;
}

// Sorts by time and drops fixes recorded twice; returns how many were dropped.
uint64_t SortAndDeduplicate(FixArray& fixes) {
  // Live fixes arrive in time order; only backfills need the sort.
  if (!std::is_sorted(fixes.begin(), fixes.end(), TimeOrder)) {
    std::stable_sort(fixes.begin(), fixes.end(), TimeOrder);
  }
  const auto end = std::unique(fixes.begin(), fixes.end(), SameFix);
  const uint64_t dropped = static_cast<uint64_t>(fixes.end() - end);
  fixes.resize_down(static_cast<size_t>(end - fixes.begin()));
  return dropped;
}

std::string CarList(const std::vector<CarRecording>& cars) {
  std::string list;
  for (size_t i = 0; i < cars.size() && i < 20; ++i) {
    if (i > 0) list += ", ";
    list += cars[i].id;
  }
  if (cars.size() > 20) list += ", ... (" + std::to_string(cars.size()) + " in all)";
  return list.empty() ? "none" : list;
}

}  // namespace

namespace {

constexpr size_t kHugePage = 2u << 20;
// Blocks up to this size come from malloc; larger ones are mapped by FixArray itself.
constexpr size_t kMappedFrom = kHugePage;

size_t MappedBytes(size_t capacity) {
  return (capacity * sizeof(RecordedFix) + kHugePage - 1) & ~(kHugePage - 1);
}

// A 2 MiB-aligned anonymous mapping marked for transparent huge pages, or nullptr.
void* MapAligned(size_t bytes) {
  void* raw = ::mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePage - 1) & ~(kHugePage - 1);
  if (aligned > start) ::munmap(raw, aligned - start);
  const uintptr_t tail = aligned + bytes;
  if (start + bytes + kHugePage > tail)
    ::munmap(reinterpret_cast<void*>(tail), start + bytes + kHugePage - tail);
  ::madvise(reinterpret_cast<void*>(aligned), bytes, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}

}  // namespace

void FixArray::Release() {
  if (data_ == nullptr) return;
  if (mapped_) {
    ::munmap(data_, MappedBytes(capacity_));
  } else {
    std::free(data_);
  }
  data_ = nullptr;
}

void FixArray::Grow() {
  const size_t capacity = capacity_ == 0 ? 1024 : capacity_ * 2;
  if (capacity * sizeof(RecordedFix) <= kMappedFrom) {
    void* grown = std::realloc(data_, capacity * sizeof(RecordedFix));
    if (grown == nullptr) throw std::bad_alloc();  // as std::vector would
    data_ = static_cast<RecordedFix*>(grown);
    capacity_ = capacity;
    return;
  }
  // Large: huge pages, so that filling the block costs one page fault per 2 MiB instead of one
  // per 4 KiB (page faults were a quarter of reading a recording on a VM). The copy into the new
  // block costs less than the faults it saves.
  const size_t bytes = MappedBytes(capacity);
  void* block = MapAligned(bytes);
  if (block == nullptr) throw std::bad_alloc();
  if (size_ > 0) std::memcpy(block, data_, size_ * sizeof(RecordedFix));
  Release();
  data_ = static_cast<RecordedFix*>(block);
  capacity_ = bytes / sizeof(RecordedFix);
  mapped_ = true;
}

Result<Recording> LoadRecording(const std::filesystem::path& data_dir,
                                const RecordingFilter& filter, const proto::Roster* roster,
                                const LogFn& warn, const ReadProgressFn& progress) {
  std::error_code ec;
  if (!std::filesystem::is_directory(data_dir, ec)) {
    return Error{data_dir.string() + ": no such directory"};
  }
  auto segments = ListJournalSegments(data_dir, proto::FileSystem::Default());
  if (!segments.ok()) return segments.status();
  if (segments->empty()) {
    return Error{data_dir.string() +
                 ": no journal segments (journal-*.log): is this the hub's --data directory?"};
  }
  // Where each segment starts in the whole journal, for the progress.
  std::map<uint64_t, uint64_t> segment_base;
  uint64_t total_bytes = 0;
  for (const JournalSegment& segment : *segments) {
    segment_base[segment.index] = total_bytes;
    total_bytes += std::filesystem::file_size(segment.path, ec);
    if (ec) ec.clear();
  }

  Recording recording;
  std::unordered_map<std::string, size_t> car_index;  // id -> index in recording.cars
  const bool all_cars = filter.cars.empty();
  auto wanted = [&](const std::string& id) {
    return all_cars || std::find(filter.cars.begin(), filter.cars.end(), id) != filter.cars.end();
  };
  const int64_t from_ms = filter.from_ms.value_or(INT64_MIN);
  const int64_t to_ms = filter.to_ms.value_or(INT64_MAX);
  uint64_t next_progress_bytes = 0;

  auto on_record = [&](RecordType type, std::string_view payload, const RecordPosition& where) {
    if (progress) {
      const auto base = segment_base.find(where.segment_index);
      const uint64_t done = (base == segment_base.end() ? 0 : base->second) + where.offset;
      if (done >= next_progress_bytes) {
        progress(done, total_bytes);
        next_progress_bytes = done + (1u << 20);
      }
    }
    if (type != RecordType::kFixes) {
      if (!recording.events.Add(type, payload) && recording.records_unreadable++ < 10) {
        warn("segment " + std::to_string(where.segment_index) + " offset " +
             std::to_string(where.offset) + ": unreadable record of type " +
             std::to_string(static_cast<int>(type)));
      }
      return;
    }
    auto decoded = DecodeJournalFixes(payload);
    if (!decoded.ok()) {
      if (recording.records_unreadable++ < 10) {
        warn("segment " + std::to_string(where.segment_index) + " offset " +
             std::to_string(where.offset) + ": " + decoded.message());
      }
      return;
    }
    recording.fixes_read += decoded->fixes.size();
    const std::string& id = decoded->record.car_id();
    auto it = car_index.find(id);
    if (it == car_index.end()) {
      if (!wanted(id)) {
        car_index.emplace(id, SIZE_MAX);
        return;
      }
      CarRecording car;
      car.id = id;
      car.name = id;
      if (const proto::RosterCar* known = roster ? roster->Find(id) : nullptr) {
        car.name = known->name.empty() ? id : known->name;
        car.role = proto::CarRoleName(known->role);
      }
      it = car_index.emplace(id, recording.cars.size()).first;
      recording.cars.push_back(std::move(car));
    }
    if (it->second == SIZE_MAX) return;
    CarRecording& car = recording.cars[it->second];
    const bool from_phone = decoded->record.source() == v1::JournalFixes::SOURCE_PHONE;
    const int64_t received_ms = decoded->record.received_ms();
    for (size_t i = 0; i < decoded->fixes.size(); ++i) {
      const proto::SequencedFix& f = decoded->fixes[i];
      if (f.fix.time_ms < from_ms || f.fix.time_ms >= to_ms) continue;
      car.fixes.push_back(RecordedFix{f.fix, f.seq, received_ms, decoded->verdicts[i], from_phone});
    }
  };
  auto on_damage = [&](const DamagedRegion& damage) {
    recording.bytes_damaged += damage.bytes;
    warn(damage.segment.string() + " offset " + std::to_string(damage.offset) + ": skipped " +
         std::to_string(damage.bytes) + " bytes (" + damage.reason + ")");
  };
  Status status = ReadJournal(data_dir, on_record, on_damage);
  if (!status.ok()) return status;
  if (progress) progress(total_bytes, total_bytes);
  if (recording.records_unreadable > 10) {
    warn(std::to_string(recording.records_unreadable) + " records in all were unreadable");
  }

  for (const std::string& id : filter.cars) {
    if (car_index.count(id) == 0) {
      std::vector<CarRecording> all;  // only for the message: every car id seen
      for (const auto& [seen, index] : car_index)
        all.push_back(CarRecording{seen, "", "", FixArray()});
      std::sort(all.begin(), all.end(),
                [](const CarRecording& a, const CarRecording& b) { return a.id < b.id; });
      std::string message = "unknown car '" + id + "': " + data_dir.string() +
                            " has no fixes from it (cars recorded: " + CarList(all) + ")";
      if (roster != nullptr && roster->Find(id) != nullptr) {
        message = "car '" + id + "' is in the roster but " + data_dir.string() +
                  " has no fixes from it (cars recorded: " + CarList(all) + ")";
      }
      return Error{message};
    }
  }

  for (CarRecording& car : recording.cars) recording.duplicates += SortAndDeduplicate(car.fixes);
  std::erase_if(recording.cars, [](const CarRecording& car) { return car.fixes.empty(); });
  // Roster order when there is a roster (the lead first, as organizers list them), then by id.
  auto rank = [&](const CarRecording& car) -> size_t {
    const proto::RosterCar* known = roster ? roster->Find(car.id) : nullptr;
    return known ? known->index : SIZE_MAX;
  };
  std::stable_sort(recording.cars.begin(), recording.cars.end(),
                   [&](const CarRecording& a, const CarRecording& b) {
                     const size_t ra = rank(a), rb = rank(b);
                     return ra != rb ? ra < rb : a.id < b.id;
                   });
  return recording;
}

}  // namespace convoy::hub
