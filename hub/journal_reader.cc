#include "hub/journal_reader.h"

#include <vector>

#include "proto/record_log.h"

namespace convoy::hub {

Status ReadJournal(const std::filesystem::path& dir, const JournalRecordCallback& on_record,
                   const JournalDamageCallback& on_damage, proto::FileSystem* fs) {
  if (fs == nullptr) fs = proto::FileSystem::Default();
  auto segments = ListJournalSegments(dir, fs);
  if (!segments.ok()) return segments.status();

  for (size_t i = 0; i < segments->size(); ++i) {
    const JournalSegment& segment = (*segments)[i];
    const bool newest = i + 1 == segments->size();
    auto content = fs->ReadFile(segment.path);
    if (!content.ok()) {
      if (!fs->Exists(segment.path)) continue;
      return content.status();
    }
    proto::RecordReader reader(*content, [&](const proto::RecordDamage& damage) {
      if (newest && damage.torn_tail && damage.incomplete) return;  // being written
      if (on_damage) {
        on_damage({segment.path, damage.offset, damage.bytes, damage.reason, damage.torn_tail});
      }
    });
    proto::Record record;
    while (reader.Next(&record)) {
      if (on_record) {
        on_record(static_cast<RecordType>(record.type), record.payload,
                  RecordPosition{segment.index, record.offset});
      }
    }
  }
  return Status::Ok();
}

}  // namespace convoy::hub
