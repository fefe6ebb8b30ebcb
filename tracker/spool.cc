#include "tracker/spool.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "proto/record_log.h"

namespace convoy::tracker {
namespace {

constexpr std::string_view kSegmentPrefix = "spool-";
constexpr std::string_view kSegmentSuffix = ".log";
constexpr size_t kFixPayloadBytes = 45;

std::string SegmentName(uint64_t first_seq) {
  char name[48];
  std::snprintf(name, sizeof(name), "spool-%020llu.log",
                static_cast<unsigned long long>(first_seq));
  return name;
}

std::optional<uint64_t> ParseSegmentName(std::string_view name) {
  if (!name.starts_with(kSegmentPrefix) || !name.ends_with(kSegmentSuffix)) return std::nullopt;
  const std::string_view digits = name.substr(
      kSegmentPrefix.size(), name.size() - kSegmentPrefix.size() - kSegmentSuffix.size());
  uint64_t seq = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return seq;
}

template <class T>
char* Put(T value, char* p) {
  using U = std::make_unsigned_t<T>;
  U bits = static_cast<U>(value);
  for (size_t i = 0; i < sizeof(T); ++i) {
    p[i] = static_cast<char>(bits & 0xFF);
    bits = static_cast<U>(bits >> 8);
  }
  return p + sizeof(T);
}

template <class T>
T Get(const char*& p) {
  using U = std::make_unsigned_t<T>;
  U bits = 0;
  for (size_t i = 0; i < sizeof(T); ++i) {
    bits |= static_cast<U>(static_cast<U>(static_cast<unsigned char>(p[i])) << (8 * i));
  }
  p += sizeof(T);
  return static_cast<T>(bits);
}

void EncodeFix(const proto::SequencedFix& entry, std::string* out) {
  char payload[kFixPayloadBytes];
  char* p = payload;
  p = Put<uint64_t>(entry.seq, p);
  p = Put<int64_t>(entry.fix.time_ms, p);
  p = Put<int32_t>(entry.fix.lat_e7, p);
  p = Put<int32_t>(entry.fix.lon_e7, p);
  p = Put<int32_t>(entry.fix.altitude_dm, p);
  p = Put<uint32_t>(entry.fix.speed_cmps, p);
  p = Put<uint32_t>(entry.fix.course_cdeg, p);
  p = Put<uint32_t>(entry.fix.hdop_c, p);
  p = Put<uint32_t>(entry.fix.satellites, p);
  Put<uint8_t>(static_cast<uint8_t>(entry.fix.quality), p);
  proto::AppendRecord(static_cast<uint8_t>(SpoolRecordType::kFix),
                      std::string_view(payload, kFixPayloadBytes), out);
}

// Accepts longer payloads (fields a newer version appended) and ignores the rest.
std::optional<proto::SequencedFix> DecodeFix(std::string_view payload) {
  if (payload.size() < kFixPayloadBytes) return std::nullopt;
  const char* p = payload.data();
  proto::SequencedFix entry;
  entry.seq = Get<uint64_t>(p);
  entry.fix.time_ms = Get<int64_t>(p);
  entry.fix.lat_e7 = Get<int32_t>(p);
  entry.fix.lon_e7 = Get<int32_t>(p);
  entry.fix.altitude_dm = Get<int32_t>(p);
  entry.fix.speed_cmps = Get<uint32_t>(p);
  entry.fix.course_cdeg = Get<uint32_t>(p);
  entry.fix.hdop_c = Get<uint32_t>(p);
  entry.fix.satellites = Get<uint32_t>(p);
  entry.fix.quality = static_cast<proto::FixQuality>(Get<uint8_t>(p));
  return entry;
}

void EncodeMarker(SpoolRecordType type, uint64_t value, std::string* out) {
  char payload[8];
  Put<uint64_t>(value, payload);
  proto::AppendRecord(static_cast<uint8_t>(type), std::string_view(payload, 8), out);
}

std::optional<uint64_t> DecodeMarker(std::string_view payload) {
  if (payload.size() < 8) return std::nullopt;
  const char* p = payload.data();
  return Get<uint64_t>(p);
}

bool SeqLess(const proto::SequencedFix& entry, uint64_t seq) { return entry.seq < seq; }

}  // namespace

Result<std::unique_ptr<Spool>> Spool::Open(SpoolOptions options) {
  options.max_fixes = std::max<uint64_t>(options.max_fixes, 1);
  options.fixes_per_segment = std::max<uint32_t>(options.fixes_per_segment, 1);
  std::unique_ptr<Spool> spool(new Spool(std::move(options)));
  if (Status status = spool->Load(); !status.ok()) return status;
  return spool;
}

Spool::Spool(SpoolOptions options)
    : options_(std::move(options)),
      fs_(options_.fs != nullptr ? options_.fs : proto::FileSystem::Default()),
      persistent_(!options_.dir.empty()) {}

Spool::~Spool() {
  if (!persistent_) return;
  (void)Sync();  // failures were logged; what stays unsynced is what a power loss would take
  if (file_) (void)file_->Close();
}

Status Spool::Load() {
  if (!persistent_) return Status::Ok();
  if (Status status = fs_->CreateDirs(options_.dir); !status.ok()) return status;
  auto names = fs_->ListDir(options_.dir);
  if (!names.ok()) return names.status();
  std::vector<std::pair<uint64_t, std::string>> found;
  for (const std::string& name : *names) {
    if (auto first_seq = ParseSegmentName(name)) found.emplace_back(*first_seq, name);
  }
  std::sort(found.begin(), found.end());

  uint64_t trim = 0;
  uint64_t floor = 0;
  uint64_t max_fix_seq = 0;
  for (const auto& [first_seq, name] : found) {
    const std::filesystem::path path = options_.dir / name;
    auto content = fs_->ReadFile(path);
    if (!content.ok()) return content.status();
    Segment segment{path, first_seq, 0};
    bool cut = false;
    proto::RecordReader reader(*content, [&](const proto::RecordDamage& damage) {
      if (damage.torn_tail) {
        cut = true;
        Log("spool: " + path.string() + ": cut a torn tail of " + std::to_string(damage.bytes) +
            " bytes at offset " + std::to_string(damage.offset) + " (" + damage.reason + ")");
      } else {
        Log("spool: " + path.string() + ": skipped " + std::to_string(damage.bytes) +
            " damaged bytes at offset " + std::to_string(damage.offset) + " (" + damage.reason +
            ")");
      }
    });
    proto::Record record;
    while (reader.Next(&record)) {
      switch (static_cast<SpoolRecordType>(record.type)) {
        case SpoolRecordType::kFix:
          if (auto entry = DecodeFix(record.payload)) {
            // A seq seen before was rewritten after a failed write whose cut failed.
            if (entry->seq <= max_fix_seq) break;
            max_fix_seq = entry->seq;
            segment.max_fix_seq = entry->seq;
            fixes_.push_back(*entry);
          }
          break;
        case SpoolRecordType::kTrimmed:
          trim = std::max(trim, DecodeMarker(record.payload).value_or(0));
          break;
        case SpoolRecordType::kSeqFloor:
          floor = std::max(floor, DecodeMarker(record.payload).value_or(0));
          break;
        default:
          break;  // a newer version's record type
      }
    }
    if (cut) {
      if (Status status = fs_->Truncate(path, reader.valid_end()); !status.ok()) return status;
    }
    segments_.push_back(std::move(segment));
  }

  last_seq_ = std::max({max_fix_seq, floor, trim});
  while (!fixes_.empty() && fixes_.front().seq <= trim) fixes_.pop_front();
  acked_seq_ = fixes_.empty() ? last_seq_ : fixes_.front().seq - 1;
  seq_floor_ = floor;
  written_floor_ = floor;
  synced_floor_ = floor;
  written_seq_ = max_fix_seq;
  synced_seq_ = max_fix_seq;
  while (fixes_.size() > options_.max_fixes) DropOldestForRoom();
  if (!found.empty()) {
    Log("spool: loaded " + std::to_string(fixes_.size()) + " unacknowledged fixes from " +
        std::to_string(found.size()) + " segments in " + options_.dir.string() + "; last seq " +
        std::to_string(last_seq_));
  }
  return Status::Ok();
}

uint64_t Spool::Append(const proto::Fix& fix) {
  if (fixes_.size() >= options_.max_fixes) {
    DropOldestForRoom();
  } else {
    dropping_ = false;
  }
  const uint64_t seq = ++last_seq_;
  fixes_.push_back({seq, fix});
  if (persistent_ && !failed_) {
    if (Status status = WritePending(); !status.ok()) OnWriteFailure(status);
  }
  return seq;
}

void Spool::DropOldestForRoom() {
  const uint64_t seq = fixes_.front().seq;
  fixes_.pop_front();
  dropped_seq_ = std::max(dropped_seq_, seq);
  ++dropped_count_;
  if (!dropping_) {
    dropping_ = true;
    Log("spool: full at " + std::to_string(options_.max_fixes) +
        " unacknowledged fixes; dropping the oldest, from seq " + std::to_string(seq) +
        ", until the hub acknowledges (" + std::to_string(dropped_count_) + " dropped so far)");
  }
}

uint64_t Spool::trim_seq() const { return std::max(acked_seq_, dropped_seq_); }

Status Spool::Sync() {
  if (!persistent_) return Status::Ok();
  if (Status status = WritePending(); !status.ok()) {
    OnWriteFailure(status);
    return status;
  }
  if (unsynced_) {
    if (Status status = file_->Sync(); !status.ok()) {
      OnWriteFailure(status);
      return status;
    }
    unsynced_ = false;
    synced_bytes_ = file_->size();
    synced_seq_ = written_seq_;
    synced_floor_ = written_floor_;
  }
  if (failed_) {
    failed_ = false;
    Log("spool: writing to " + options_.dir.string() + " works again; every kept fix is on disk");
  }
  RemoveTrimmedSegments();
  return Status::Ok();
}

Status Spool::WritePending() {
  auto next = std::lower_bound(fixes_.begin(), fixes_.end(), written_seq_ + 1, SeqLess);
  bool floor_pending = seq_floor_ > std::max(written_floor_, written_seq_);
  if (next == fixes_.end() && !floor_pending && (!file_ || trim_seq() <= written_trim_)) {
    return Status::Ok();
  }
  std::string buffer;
  while (true) {
    if (!file_) {
      const uint64_t first_seq = next != fixes_.end() ? next->seq : last_seq_ + 1;
      if (Status status = OpenSegment(first_seq); !status.ok()) return status;
    }
    buffer.clear();
    const uint64_t trim = trim_seq();
    if (trim > written_trim_) EncodeMarker(SpoolRecordType::kTrimmed, trim, &buffer);
    if (floor_pending) EncodeMarker(SpoolRecordType::kSeqFloor, seq_floor_, &buffer);
    uint32_t count = 0;
    uint64_t max_seq = 0;
    for (; next != fixes_.end() && active_fixes_ + count < options_.fixes_per_segment; ++next) {
      EncodeFix(*next, &buffer);
      max_seq = next->seq;
      ++count;
    }
    if (!buffer.empty()) {
      if (Status status = file_->Append(buffer); !status.ok()) return status;
      unsynced_ = true;
    }
    written_trim_ = std::max(written_trim_, trim);
    if (floor_pending) written_floor_ = seq_floor_;
    floor_pending = false;
    if (count > 0) {
      written_seq_ = max_seq;
      active_fixes_ += count;
      segments_.back().max_fix_seq = max_seq;
    }
    if (next == fixes_.end()) return Status::Ok();
    // The segment is full: make it durable before leaving it, so Sync deals with one file.
    if (Status status = file_->Sync(); !status.ok()) return status;
    unsynced_ = false;
    synced_seq_ = written_seq_;
    synced_floor_ = written_floor_;
    (void)file_->Close();
    file_.reset();
  }
}

Status Spool::OpenSegment(uint64_t first_seq) {
  const std::filesystem::path path = options_.dir / SegmentName(first_seq);
  auto file = fs_->NewAppendableFile(path);
  if (!file.ok()) return file.status();
  // The name can be the newest existing segment's when that one holds no fix (only markers, or
  // nothing after a failed write was cut): keep appending to it.
  if (segments_.empty() || segments_.back().path != path) {
    segments_.push_back({path, first_seq, 0});
  }
  file_ = std::move(file).value();
  synced_bytes_ = file_->size();
  active_fixes_ = 0;
  written_trim_ = 0;
  unsynced_ = false;
  return fs_->SyncDir(options_.dir);  // else a power loss could take the file with its fixes
}

void Spool::OnWriteFailure(const Status& error) {
  if (!failed_) {
    Log("spool: cannot write to " + options_.dir.string() + ": " + error.message() +
        "; keeping fixes in memory (at most " + std::to_string(options_.max_fixes) +
        ") and retrying at every sync");
  }
  failed_ = true;
  // Everything after the last successful fdatasync is of unknown state: cut it and write it
  // again, into a new segment, at the next Sync.
  written_seq_ = synced_seq_;
  written_floor_ = synced_floor_;
  if (!file_) return;
  const std::filesystem::path path = file_->path();
  (void)file_->Close();
  file_.reset();
  unsynced_ = false;
  if (synced_bytes_ == 0 && fs_->RemoveFile(path).ok()) {
    segments_.pop_back();  // the open file is always the newest segment
    return;
  }
  // If the cut fails the bytes stay; a reload skips the fixes held twice.
  if (synced_bytes_ > 0) (void)fs_->Truncate(path, synced_bytes_);
  Segment& active = segments_.back();
  active.max_fix_seq =
      synced_seq_ >= active.first_seq ? std::min(active.max_fix_seq, synced_seq_) : 0;
}

void Spool::RemoveTrimmedSegments() {
  // Only with the active segment durable: it holds the trim marker and the numbering that the
  // removed segments held.
  if (!file_ || unsynced_ || failed_) return;
  const uint64_t trim = trim_seq();
  while (segments_.size() > 1 && segments_.front().max_fix_seq <= trim) {
    if (Status status = fs_->RemoveFile(segments_.front().path); !status.ok()) {
      Log("spool: " + status.message());
      return;
    }
    segments_.pop_front();
  }
}

void Spool::Acknowledge(uint64_t acked_seq) {
  if (acked_seq > last_seq_) EnsureSeqAbove(acked_seq);
  if (acked_seq <= acked_seq_) return;
  acked_seq_ = acked_seq;
  while (!fixes_.empty() && fixes_.front().seq <= acked_seq) fixes_.pop_front();
}

void Spool::EnsureSeqAbove(uint64_t seq) {
  if (seq <= last_seq_) return;
  last_seq_ = seq;
  seq_floor_ = seq;
}

std::vector<proto::SequencedFix> Spool::Read(uint64_t from_seq, size_t max_count) const {
  std::vector<proto::SequencedFix> out;
  auto it = std::lower_bound(fixes_.begin(), fixes_.end(), from_seq, SeqLess);
  const size_t count = std::min<size_t>(max_count, fixes_.end() - it);
  out.reserve(count);
  out.insert(out.end(), it, it + count);
  return out;
}

std::optional<proto::SequencedFix> Spool::Newest() const {
  if (fixes_.empty()) return std::nullopt;
  return fixes_.back();
}

void Spool::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

}  // namespace convoy::tracker
