// The journal read path: proto::RecordReader over a segment's bytes (damage skipped and
// reported), and every kFixes payload through hub::DecodeJournalFixes and Ingest::Replay (what
// the hub does with each record when it opens its journal). The first byte picks the mode:
// the input as a segment, or the input as one payload wrapped in a valid record (a CRC that
// checks out is what random bytes almost never have).

#include <string>

#include "hub/ingest.h"
#include "hub/journal.h"
#include "proto/clock.h"
#include "proto/record_log.h"
#include "proto/roster.h"
#include "tests/fuzz/mode_byte.h"

namespace {

using namespace convoy;

const proto::Roster& TestRoster() {
  static const proto::Roster roster = [] {
    auto parsed = proto::Roster::Parse(
        "id,name,role,secret\ncar1,Car 1,lead,secret-of-car1\ncar2,Car 2,sweep,secret-of-car2\n",
        "fuzz roster");
    if (!parsed.ok()) __builtin_trap();
    return std::move(*parsed);
  }();
  return roster;
}

void ReadSegment(std::string_view segment) {
  hub::Ingest ingest(TestRoster(), nullptr, SystemClock::Instance());
  uint64_t damaged_bytes = 0;
  proto::RecordReader reader(
      segment, [&](const proto::RecordDamage& damage) { damaged_bytes += damage.bytes; });
  proto::Record record;
  uint64_t record_bytes = 0;
  while (reader.Next(&record)) {
    if (record.payload.data() < segment.data() ||
        record.payload.data() + record.payload.size() > segment.data() + segment.size()) {
      __builtin_trap();
    }
    record_bytes += proto::kRecordHeaderBytes + record.payload.size();
    if (record.type == static_cast<uint8_t>(hub::RecordType::kFixes)) {
      (void)ingest.Replay(hub::RecordType::kFixes, record.payload);
    }
  }
  // Every byte is either in a valid record or reported as skipped.
  if (record_bytes + damaged_bytes != segment.size()) __builtin_trap();
  if (reader.valid_end() > segment.size()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const convoy::fuzz::ModeAndBytes input = convoy::fuzz::SplitModeByte(data, size);
  const uint8_t mode = input.mode;
  const std::string& bytes = input.bytes;
  if (mode % 2 == 0) {
    ReadSegment(bytes);
  } else {
    // One fixes record that passed its CRC: the decoder alone must reject what is wrong in it.
    auto decoded = hub::DecodeJournalFixes(bytes);
    if (decoded.ok() && decoded->verdicts.size() != decoded->fixes.size()) __builtin_trap();
    std::string segment;
    proto::AppendRecord(static_cast<uint8_t>(hub::RecordType::kFixes), bytes, &segment);
    proto::AppendRecord(static_cast<uint8_t>(hub::RecordType::kFixes), bytes, &segment);
    ReadSegment(segment);
  }
  return 0;
}
