#include "hub/replay/replay_index.h"

#include <algorithm>

#include "hub/ingest.h"

namespace convoy::hub::replay {
namespace {

bool Earlier(const ReplayFix& a, const ReplayFix& b) { return a.time_ms < b.time_ms; }
bool SameTime(const ReplayFix& a, const ReplayFix& b) { return a.time_ms == b.time_ms; }

}  // namespace

std::optional<size_t> ReplayCar::LastAtOrBefore(int64_t t_ms) const {
  const auto it = std::upper_bound(fixes.begin(), fixes.end(), t_ms,
                                   [](int64_t t, const ReplayFix& f) { return t < f.time_ms; });
  if (it == fixes.begin()) return std::nullopt;
  return static_cast<size_t>(it - fixes.begin()) - 1;
}

size_t ReplayCar::FirstAtOrAfter(int64_t t_ms) const {
  const auto it = std::lower_bound(fixes.begin(), fixes.end(), t_ms,
                                   [](const ReplayFix& f, int64_t t) { return f.time_ms < t; });
  return static_cast<size_t>(it - fixes.begin());
}

ReplayIndex::ReplayIndex(std::filesystem::path dir, const proto::Roster* roster, LogFn warn)
    : tail_(std::move(dir)), warn_(std::move(warn)) {
  if (roster != nullptr) {
    for (const proto::RosterCar& car : roster->cars()) {
      roster_[car.id] = RosterEntry{car.name.empty() ? car.id : car.name,
                                    proto::CarRoleName(car.role), car.index};
    }
  }
}

Result<std::unique_ptr<ReplayIndex>> ReplayIndex::Open(const std::filesystem::path& data_dir,
                                                       const proto::Roster* roster, LogFn warn,
                                                       const JournalTail::ProgressFn& progress) {
  std::error_code ec;
  if (!std::filesystem::is_directory(data_dir, ec)) {
    return Error{data_dir.string() + ": no such directory"};
  }
  std::unique_ptr<ReplayIndex> index(new ReplayIndex(data_dir, roster, std::move(warn)));
  auto updated = index->Update(progress);
  if (!updated.ok()) return updated.status();
  return index;
}

void ReplayIndex::Warn(uint64_t& count, const std::string& line) {
  if (++count <= 10 && warn_) warn_(line);
}

ReplayCar& ReplayIndex::CarFor(const std::string& id) {
  if (auto it = by_id_.find(id); it != by_id_.end()) return *it->second;
  auto car = std::make_unique<ReplayCar>();
  car->id = id;
  car->name = id;
  if (auto known = roster_.find(id); known != roster_.end()) {
    car->name = known->second.name;
    car->role = known->second.role;
  }
  ReplayCar* raw = car.get();
  cars_.push_back(std::move(car));
  by_id_.emplace(id, raw);
  new_car_ = true;
  return *raw;
}

void ReplayIndex::AddFixes(std::string_view payload, const RecordPosition& where) {
  auto decoded = DecodeJournalFixes(payload);
  if (!decoded.ok()) {
    Warn(stats_.records_unreadable, "segment " + std::to_string(where.segment_index) + " offset " +
                                        std::to_string(where.offset) + ": " + decoded.message());
    return;
  }
  stats_.fixes_read += decoded->fixes.size();
  ReplayCar* car = nullptr;
  for (size_t i = 0; i < decoded->fixes.size(); ++i) {
    if (decoded->verdicts[i] != proto::FixVerdict::kGood) continue;
    if (car == nullptr) {
      car = &CarFor(decoded->record.car_id());
      touched_.emplace(car, car->fixes.size());
    }
    const proto::Fix& fix = decoded->fixes[i].fix;
    car->fixes.push_back(
        ReplayFix{fix.time_ms, fix.lat_e7, fix.lon_e7, fix.speed_cmps, fix.course_cdeg});
  }
}

bool JournalEvents::Add(RecordType type, std::string_view payload) {
  const int size = static_cast<int>(payload.size());
  if (type == RecordType::kAlert) {
    v1::JournalAlert record;
    if (!record.ParseFromArray(payload.data(), size)) return false;
    auto it = alert_by_id_.find(record.alert_id());
    if (it == alert_by_id_.end() || record.event() == v1::JournalAlert::EVENT_RAISED) {
      alert_by_id_[record.alert_id()] = alerts_.size();
      alerts_.push_back(ReplayAlert{std::move(record)});
    } else {
      alerts_[it->second].state = std::move(record);
    }
    return true;
  }
  if (type == RecordType::kRadio) {
    v1::JournalRadio record;
    if (!record.ParseFromArray(payload.data(), size)) return false;
    if (record.event() == v1::JournalRadio::EVENT_SENT) {
      radio_by_id_[record.message_id()] = radio_.size();
      ReplayRadio message;
      message.sent = std::move(record);
      radio_.push_back(std::move(message));
      return true;
    }
    auto it = radio_by_id_.find(record.message_id());
    if (it == radio_by_id_.end()) return true;  // a receipt for a message sent before
    auto& delivered = radio_[it->second].delivered;
    for (const std::string& car : record.car_ids()) {
      if (std::find(delivered.begin(), delivered.end(), car) == delivered.end())
        delivered.push_back(car);
    }
    return true;
  }
  if (type == RecordType::kCarMessage) {
    ReplayRadio message;
    message.from_car = true;
    if (!message.car_message.ParseFromArray(payload.data(), size)) return false;
    radio_.push_back(std::move(message));
  }
  return true;
}

Result<bool> ReplayIndex::Update(const JournalTail::ProgressFn& progress) {
  touched_.clear();
  new_car_ = false;
  const uint64_t records_before = stats_.records;
  Status status = tail_.ReadNew(
      [&](RecordType type, std::string_view payload, const RecordPosition& where) {
        ++stats_.records;
        if (type == RecordType::kFixes) {
          AddFixes(payload, where);
        } else if (!events_.Add(type, payload)) {
          Warn(stats_.records_unreadable, "segment " + std::to_string(where.segment_index) +
                                              " offset " + std::to_string(where.offset) +
                                              ": unreadable record of type " +
                                              std::to_string(static_cast<int>(type)));
        }
      },
      [&](const DamagedRegion& damage) {
        stats_.bytes_damaged += damage.bytes;
        Warn(warnings_, damage.segment.string() + " offset " + std::to_string(damage.offset) +
                            ": skipped " + std::to_string(damage.bytes) + " bytes (" +
                            damage.reason + ")");
      },
      &stats_.bytes_read, progress);
  if (!status.ok()) return status;

  for (auto& [car, old_size] : touched_) {
    std::vector<ReplayFix>& fixes = car->fixes;
    const auto fresh = fixes.begin() + static_cast<ptrdiff_t>(old_size);
    // Live fixes arrive in time order; backfills and re-sent batches need the sort and merge.
    if (!std::is_sorted(fresh, fixes.end(), Earlier)) std::stable_sort(fresh, fixes.end(), Earlier);
    size_t dedup_from = old_size == 0 ? 0 : old_size - 1;
    if (old_size > 0 && fresh->time_ms <= (fresh - 1)->time_ms) {
      const auto first_affected = std::upper_bound(fixes.begin(), fresh, *fresh, Earlier);
      dedup_from = static_cast<size_t>(first_affected - fixes.begin());
      dedup_from = dedup_from == 0 ? 0 : dedup_from - 1;
      std::inplace_merge(fixes.begin(), fresh, fixes.end(), Earlier);
    }
    fixes.erase(
        std::unique(fixes.begin() + static_cast<ptrdiff_t>(dedup_from), fixes.end(), SameTime),
        fixes.end());
    stats_.fixes_indexed += fixes.size() - old_size;
  }
  if (new_car_) {
    auto rank = [&](const ReplayCar& car) {
      auto known = roster_.find(car.id);
      return known == roster_.end() ? SIZE_MAX : known->second.index;
    };
    std::stable_sort(cars_.begin(), cars_.end(), [&](const auto& a, const auto& b) {
      const size_t ra = rank(*a), rb = rank(*b);
      return ra != rb ? ra < rb : a->id < b->id;
    });
  }
  touched_.clear();
  return stats_.records != records_before;
}

const ReplayCar* ReplayIndex::FindCar(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : it->second;
}

std::optional<int64_t> ReplayIndex::first_ms() const {
  std::optional<int64_t> first;
  for (const auto& car : cars_) {
    if (!car->fixes.empty() && (!first || car->fixes.front().time_ms < *first))
      first = car->fixes.front().time_ms;
  }
  return first;
}

std::optional<int64_t> ReplayIndex::last_ms() const {
  std::optional<int64_t> last;
  for (const auto& car : cars_) {
    if (!car->fixes.empty() && (!last || car->fixes.back().time_ms > *last))
      last = car->fixes.back().time_ms;
  }
  return last;
}

}  // namespace convoy::hub::replay
