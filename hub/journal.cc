#include "hub/journal.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "proto/record_log.h"

namespace convoy::hub {
namespace {

constexpr std::string_view kSegmentPrefix = "journal-";
constexpr std::string_view kSegmentSuffix = ".log";

std::string FormatMegabytes(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

}  // namespace

std::string JournalSegmentName(uint64_t index) {
  char name[48];
  std::snprintf(name, sizeof(name), "journal-%08llu.log", static_cast<unsigned long long>(index));
  return name;
}

std::optional<uint64_t> ParseJournalSegmentName(std::string_view name) {
  if (!name.starts_with(kSegmentPrefix) || !name.ends_with(kSegmentSuffix)) return std::nullopt;
  const std::string_view digits = name.substr(
      kSegmentPrefix.size(), name.size() - kSegmentPrefix.size() - kSegmentSuffix.size());
  if (digits.empty() || digits.size() > 19) return std::nullopt;
  uint64_t index = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return index;
}

Result<std::vector<JournalSegment>> ListJournalSegments(const std::filesystem::path& dir,
                                                        proto::FileSystem* fs) {
  auto names = fs->ListDir(dir);
  if (!names.ok()) return names.status();
  std::vector<JournalSegment> segments;
  for (const std::string& name : *names) {
    if (auto index = ParseJournalSegmentName(name)) segments.push_back({*index, dir / name});
  }
  std::sort(segments.begin(), segments.end(),
            [](const JournalSegment& a, const JournalSegment& b) { return a.index < b.index; });
  return segments;
}

std::string RecoveryReport::Summary() const {
  std::string line = "journal: recovered " + std::to_string(records) + " records (" +
                     FormatMegabytes(bytes) + ") from " + std::to_string(segments) + " segments";
  if (damaged.empty()) return line + "; no damage";
  size_t shown = 0;
  for (const DamagedRegion& region : damaged) {
    if (shown++ == 3) {
      line += "; and " + std::to_string(damaged.size() - 3) + " more damaged regions";
      break;
    }
    line += region.torn_tail ? "; cut a torn tail of " : "; skipped ";
    line += std::to_string(region.bytes) + " bytes at " + region.segment.filename().string() +
            " offset " + std::to_string(region.offset) + " (" + region.reason + ")";
  }
  return line;
}

Result<std::unique_ptr<Journal>> Journal::Open(JournalOptions options, const Replay& replay,
                                               RecoveryReport* report) {
  proto::FileSystem* fs = options.fs != nullptr ? options.fs : proto::FileSystem::Default();
  RecoveryReport local_report;
  RecoveryReport& out = report != nullptr ? *report : local_report;
  out = RecoveryReport();

  if (Status status = fs->CreateDirs(options.dir); !status.ok()) return status;
  auto segments = ListJournalSegments(options.dir, fs);
  if (!segments.ok()) return segments.status();

  for (const JournalSegment& segment : *segments) {
    auto content = fs->ReadFile(segment.path);
    if (!content.ok()) return content.status();
    std::vector<DamagedRegion> damaged;
    proto::RecordReader reader(*content, [&](const proto::RecordDamage& damage) {
      damaged.push_back(
          {segment.path, damage.offset, damage.bytes, damage.reason, damage.torn_tail});
    });
    proto::Record record;
    while (reader.Next(&record)) {
      ++out.records;
      out.bytes += proto::kRecordHeaderBytes + record.payload.size();
      if (replay) replay(static_cast<RecordType>(record.type), record.payload);
    }
    for (DamagedRegion& region : damaged) {
      if (region.torn_tail) {
        // Normally only the newest segment has one (a crash mid-write). An older one got it
        // from a failed write whose cut failed too. Either way nothing valid follows it.
        if (Status status = fs->Truncate(segment.path, reader.valid_end()); !status.ok()) {
          return status;
        }
        out.torn_tail_bytes += region.bytes;
      }
      out.damaged.push_back(std::move(region));
    }
    ++out.segments;
  }

  const uint64_t next_index = segments->empty() ? 1 : segments->back().index + 1;
  options.fs = fs;
  return std::unique_ptr<Journal>(new Journal(std::move(options), next_index));
}

Journal::Journal(JournalOptions options, uint64_t next_segment_index)
    : options_(std::move(options)),
      fs_(options_.fs),
      next_segment_index_(next_segment_index),
      thread_([this] { CommitLoop(); }) {}

Journal::~Journal() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  work_cv_.notify_one();
  thread_.join();
}

bool Journal::Append(RecordType type, std::string_view payload, Done done) {
  const bool too_large = payload.size() > proto::kMaxRecordPayload;
  proto::RecordHeader header;
  size_t bytes = 0;
  if (!too_large) {
    header = proto::EncodeRecordHeader(static_cast<uint8_t>(type), payload);
    bytes = proto::kRecordHeaderBytes + payload.size();
  }
  std::unique_lock lock(mu_);
  if (stopping_) return false;
  if (queued_bytes_ > 0 && queued_bytes_ + bytes > options_.max_pending_bytes) return false;
  if (!too_large) {
    pending_.data.append(header.bytes, proto::kRecordHeaderBytes);
    pending_.data.append(payload);
  }
  pending_.entries.push_back({pending_.data.size(), std::move(done), too_large});
  queued_bytes_ += bytes;
  const bool wake = writer_idle_ && pending_.entries.size() == 1;
  lock.unlock();
  if (wake) work_cv_.notify_one();
  return true;
}

Status Journal::health() const {
  std::lock_guard lock(mu_);
  return health_;
}

JournalStats Journal::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void Journal::Flush() {
  std::unique_lock lock(mu_);
  const uint64_t target = appended_batches_ + (pending_.entries.empty() ? 0 : 1);
  flushed_cv_.wait(lock, [&] { return committed_batches_ >= target; });
}

void Journal::CommitLoop() {
  Batch batch;
  std::unique_lock lock(mu_);
  while (true) {
    if (pending_.entries.empty()) {
      if (stopping_) break;
      writer_idle_ = true;
      work_cv_.wait(lock, [&] { return stopping_ || !pending_.entries.empty(); });
      writer_idle_ = false;
      continue;
    }
    std::swap(batch, pending_);
    ++appended_batches_;
    lock.unlock();
    Commit(batch);
    const size_t bytes = batch.data.size();
    batch.data.clear();
    batch.entries.clear();
    lock.lock();
    queued_bytes_ -= bytes;
    ++committed_batches_;
    flushed_cv_.notify_all();
  }
  lock.unlock();
  CloseSegment();
}

void Journal::Commit(Batch& batch) {
  const size_t n = batch.entries.size();
  size_t durable = 0;  // entries [0, durable) are on stable storage
  Status error;
  if (batch.data.empty()) {
    durable = n;  // only rejected records: nothing to write
  } else if (failed_ && std::chrono::steady_clock::now() < retry_at_) {
    std::lock_guard lock(mu_);
    error = health_;
  } else {
    size_t first = 0;
    while (first < n) {
      if (!segment_) {
        if (error = OpenSegment(); !error.ok()) break;
      }
      // The records that fit in this segment; a record larger than a segment gets its own.
      const uint64_t segment_size = segment_->size();
      const uint64_t start = first == 0 ? 0 : batch.entries[first - 1].end;
      size_t last = first;
      while (last < n) {
        const uint64_t used = segment_size + (batch.entries[last].end - start);
        if (used > options_.segment_bytes && (last > first || segment_size > 0)) break;
        ++last;
      }
      if (last > first) {
        if (error = WriteChunk(batch, first, last); !error.ok()) break;
      }
      if (error = SyncSegment(); !error.ok()) break;
      durable = last;
      first = last;
      if (first < n) CloseSegment();  // full: the next record goes to a new segment
    }
    if (!error.ok()) {
      OnFailure(error);
    } else if (failed_ && segment_) {
      failed_ = false;
      std::lock_guard lock(mu_);
      health_ = Status::Ok();
      Log("journal: writing works again, in " + segment_->path().filename().string());
    }
  }

  uint64_t durable_records = 0;
  uint64_t rejected = 0;
  for (size_t i = 0; i < n; ++i) {
    if (batch.entries[i].rejected) {
      ++rejected;
    } else if (i < durable) {
      ++durable_records;
    }
  }
  {
    std::lock_guard lock(mu_);
    stats_.records += durable_records;
    stats_.bytes += durable == 0 ? 0 : batch.entries[durable - 1].end;
    stats_.failed_records += n - durable_records;
    stats_.max_batch_records = std::max<uint64_t>(stats_.max_batch_records, n);
  }
  const Status too_large(Error{"journal: record payload exceeds the 16 MiB maximum"});
  for (size_t i = 0; i < n; ++i) {
    Entry& entry = batch.entries[i];
    if (!entry.done) continue;
    if (entry.rejected) {
      entry.done(too_large);
    } else {
      entry.done(i < durable ? Status::Ok() : error);
    }
  }
}

Status Journal::WriteChunk(const Batch& batch, size_t first, size_t last) {
  const uint64_t start = first == 0 ? 0 : batch.entries[first - 1].end;
  const uint64_t end = batch.entries[last - 1].end;
  if (end == start) return Status::Ok();
  return segment_->Append(std::string_view(batch.data).substr(start, end - start));
}

Status Journal::OpenSegment() {
  const std::filesystem::path path = options_.dir / JournalSegmentName(next_segment_index_);
  auto file = fs_->NewAppendableFile(path);
  if (!file.ok()) return file.status();
  segment_ = std::move(file).value();
  segment_synced_bytes_ = segment_->size();
  ++next_segment_index_;
  {
    std::lock_guard lock(mu_);
    ++stats_.segments_created;
  }
  // The new name must survive a power loss, or the records in it would vanish with it.
  return fs_->SyncDir(options_.dir);
}

Status Journal::SyncSegment() {
  if (segment_->size() == segment_synced_bytes_) return Status::Ok();
  if (Status status = segment_->Sync(); !status.ok()) return status;
  segment_synced_bytes_ = segment_->size();
  std::lock_guard lock(mu_);
  ++stats_.syncs;
  return Status::Ok();
}

void Journal::CloseSegment() {
  if (!segment_) return;
  if (Status status = segment_->Close(); !status.ok()) Log("journal: " + status.message());
  segment_.reset();
}

void Journal::OnFailure(const Status& error) {
  const bool first_failure = !failed_;
  failed_ = true;
  retry_at_ = std::chrono::steady_clock::now() + options_.retry_interval;
  {
    std::lock_guard lock(mu_);
    health_ = error;
    ++stats_.write_failures;
  }
  if (first_failure) {
    Log("journal: writing failed: " + error.message() + "; records fail until a retry (every " +
        std::to_string(options_.retry_interval.count()) + " ms) works");
  }
  if (!segment_) return;
  // Never write to this file again; cut what was not synced so a reader does not see records
  // whose Done got an error.
  const std::filesystem::path path = segment_->path();
  const uint64_t synced = segment_synced_bytes_;
  (void)segment_->Close();
  segment_.reset();
  if (synced == 0) {
    // Empty: remove it and reuse its number (it was the newest), so that a long outage's
    // retries leave no trail of empty files.
    if (fs_->RemoveFile(path).ok()) --next_segment_index_;
  } else if (Status status = fs_->Truncate(path, synced); !status.ok()) {
    Log("journal: " + status.message());
  }
}

void Journal::Log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

}  // namespace convoy::hub
