#include "hub/dump.h"

#include <cinttypes>
#include <cstdio>

#include "hub/ingest.h"
#include "hub/journal_reader.h"

namespace convoy::hub {

Status DumpFixes(const std::filesystem::path& data_dir, std::ostream& out, const LogFn& warn) {
  if (!std::filesystem::is_directory(data_dir)) {
    return Error{data_dir.string() + ": no such directory"};
  }
  out << "car,seq,time_ms,lat,lon,speed_mps,course_deg,quality,altitude_m,hdop,satellites,"
         "verdict,received_ms,source\n";
  std::string row;
  size_t unreadable = 0;
  auto on_record = [&](RecordType type, std::string_view payload, const RecordPosition& where) {
    if (type != RecordType::kFixes) return;
    auto decoded = DecodeJournalFixes(payload);
    if (!decoded.ok()) {
      if (unreadable++ < 10) {
        warn("segment " + std::to_string(where.segment_index) + " offset " +
             std::to_string(where.offset) + ": " + decoded.message());
      }
      return;
    }
    const v1::JournalFixes& record = decoded->record;
    const char* source = record.source() == v1::JournalFixes::SOURCE_PHONE ? "phone" : "unit";
    for (size_t i = 0; i < decoded->fixes.size(); ++i) {
      const proto::SequencedFix& f = decoded->fixes[i];
      char line[320];
      // Car ids are validated by the roster ([A-Za-z0-9_.-]), so they need no CSV quoting.
      const int n = std::snprintf(
          line, sizeof line,
          "%s,%" PRIu64 ",%" PRId64 ",%.7f,%.7f,%.2f,%.2f,%s,%.1f,%.2f,%u,%s,%" PRId64 ",%s\n",
          record.car_id().c_str(), f.seq, f.fix.time_ms, f.fix.lat_e7 * 1e-7, f.fix.lon_e7 * 1e-7,
          f.fix.speed_cmps * 0.01, f.fix.course_cdeg * 0.01, proto::FixQualityName(f.fix.quality),
          f.fix.altitude_dm * 0.1, f.fix.hdop_c * 0.01, f.fix.satellites,
          proto::FixVerdictName(decoded->verdicts[i]), record.received_ms(), source);
      out.write(line, std::min<int>(n, sizeof line - 1));
    }
  };
  auto on_damage = [&](const DamagedRegion& damage) {
    warn(damage.segment.string() + " offset " + std::to_string(damage.offset) + ": skipped " +
         std::to_string(damage.bytes) + " bytes (" + damage.reason + ")");
  };
  Status status = ReadJournal(data_dir, on_record, on_damage);
  if (unreadable > 10) warn(std::to_string(unreadable) + " records in all were unreadable");
  out.flush();
  return status;
}

}  // namespace convoy::hub
