#include "hub/replay/journal_tail.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "proto/record_log.h"

namespace convoy::hub::replay {
namespace {

// Reads [offset, offset + bytes) of `path`; fewer bytes when the file is shorter.
Result<std::string> ReadRange(const std::filesystem::path& path, uint64_t offset, uint64_t bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{path.string() + ": " + std::strerror(errno)};
  std::string data(bytes, '\0');
  uint64_t done = 0;
  while (done < bytes) {
    const ssize_t n =
        ::pread(fd, data.data() + done, bytes - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string message = path.string() + ": " + std::strerror(errno);
      ::close(fd);
      return Error{message};
    }
    if (n == 0) break;
    done += static_cast<uint64_t>(n);
  }
  ::close(fd);
  data.resize(done);
  return data;
}

}  // namespace

Status JournalTail::ReadNew(const JournalRecordCallback& on_record,
                            const JournalDamageCallback& on_damage, uint64_t* bytes_read,
                            const ProgressFn& progress) {
  auto listed = ListJournalSegments(dir_, proto::FileSystem::Default());
  if (!listed.ok()) return listed.status();
  // A segment gone from the directory (the hub removes only empty ones) is forgotten.
  std::erase_if(segments_, [&](const auto& entry) {
    for (const JournalSegment& segment : *listed)
      if (segment.index == entry.first) return false;
    return true;
  });
  uint64_t total_bytes = 0, done_bytes = 0, next_report = 0;
  if (progress) {
    for (const JournalSegment& segment : *listed) {
      std::error_code ec;
      const uint64_t size = std::filesystem::file_size(segment.path, ec);
      const auto known = segments_.find(segment.index);
      const uint64_t consumed = known == segments_.end() ? 0 : known->second.consumed;
      if (!ec && size > consumed) total_bytes += size - consumed;
    }
  }
  for (size_t i = 0; i < listed->size(); ++i) {
    const JournalSegment& segment = (*listed)[i];
    const bool newest = i + 1 == listed->size();
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(segment.path, ec);
    if (ec) continue;  // removed meanwhile
    SegmentState& state = segments_[segment.index];
    if (size == state.seen_size) continue;
    if (size < state.consumed) state.consumed = 0;  // cut by a restarted hub: read it again
    auto data = ReadRange(segment.path, state.consumed, size - state.consumed);
    if (!data.ok()) return data.status();
    if (bytes_read != nullptr) *bytes_read += data->size();
    proto::RecordReader reader(
        *data,
        [&](const proto::RecordDamage& damage) {
          if (newest && damage.torn_tail && damage.incomplete) return;  // being written
          if (on_damage) {
            on_damage({segment.path, damage.offset, damage.bytes, damage.reason, damage.torn_tail});
          }
        },
        state.consumed);
    proto::Record record;
    while (reader.Next(&record)) {
      if (progress && done_bytes + (record.offset - state.consumed) >= next_report) {
        progress(done_bytes + (record.offset - state.consumed), total_bytes);
        next_report = done_bytes + (record.offset - state.consumed) + (1u << 20);
      }
      if (on_record) {
        on_record(static_cast<RecordType>(record.type), record.payload,
                  RecordPosition{segment.index, record.offset});
      }
    }
    // The newest segment may end in a record being written: read from its start next time.
    done_bytes += data->size();
    state.consumed = newest ? reader.valid_end() : state.consumed + data->size();
    state.seen_size = size;
  }
  if (progress) progress(total_bytes, total_bytes);
  return Status::Ok();
}

}  // namespace convoy::hub::replay
