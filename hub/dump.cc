#include "hub/dump.h"

#include <cinttypes>
#include <cstdio>

#include <map>

#include "convoy/v1/journal.pb.h"
#include "hub/ingest.h"
#include "hub/journal_reader.h"
#include "hub/model/alert.h"

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

Status DumpAlerts(const std::filesystem::path& data_dir, std::ostream& out, const LogFn& warn) {
  if (!std::filesystem::is_directory(data_dir)) {
    return Error{data_dir.string() + ": no such directory"};
  }
  std::map<uint64_t, v1::JournalAlert> latest;
  Status status = ReadJournal(
      data_dir,
      [&](RecordType type, std::string_view payload, const RecordPosition& where) {
        if (type != RecordType::kAlert) return;
        v1::JournalAlert record;
        if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
          warn("segment " + std::to_string(where.segment_index) + " offset " +
               std::to_string(where.offset) + ": unreadable alert record");
          return;
        }
        latest[record.alert_id()] = std::move(record);
      },
      [&](const DamagedRegion& damage) {
        warn(damage.segment.string() + " offset " + std::to_string(damage.offset) + ": skipped " +
             std::to_string(damage.bytes) + " bytes (" + damage.reason + ")");
      });
  out << AlertCsvHeader() << "\n";
  for (const auto& [id, record] : latest) {
    Alert alert;
    alert.id = id;
    alert.kind = AlertKindFromName(record.kind()).value_or(AlertKind::kSos);
    std::vector<std::string> car_ids(record.car_ids().begin(), record.car_ids().end());
    for (uint32_t i = 0; i < car_ids.size(); ++i) alert.cars.push_back(i);
    if (auto position = maps::LatLon::FromE7(record.lat_e7(), record.lon_e7()); position.ok()) {
      alert.position = *position;
    }
    alert.along_m = record.along_m();
    alert.gap_m = record.gap_m();
    alert.gap_s = record.gap_s();
    alert.offset_m = record.offset_m();
    alert.heading_diff_deg = record.heading_diff_deg();
    alert.speed_mps = record.speed_mps();
    alert.duration_s = record.duration_s();
    alert.text = record.text();
    alert.raised_ms = record.raised_ms();
    if (record.cleared_ms() != 0) alert.cleared_ms = record.cleared_ms();
    alert.cleared_by = record.cleared_by();
    alert.acknowledged_by = record.acknowledged_by();
    if (record.acknowledged_ms() != 0) alert.acknowledged_ms = record.acknowledged_ms();
    out << AlertCsvRow(alert, car_ids) << "\n";
  }
  out.flush();
  return status;
}

}  // namespace convoy::hub
