// convoy-replay dump: the recording as CSV, so anyone can check what the hub holds.
#pragma once

#include <filesystem>
#include <ostream>

#include "proto/log.h"
#include "proto/result.h"

namespace convoy::hub {

// Writes every recorded fix under `data_dir` as CSV with a header:
//   car,seq,time_ms,lat,lon,speed_mps,course_deg,quality,altitude_m,hdop,satellites,verdict,
//   received_ms,source
// one row per fix, in recording order. Damage in the journal is reported through `warn` and
// skipped. Reads without disturbing a hub that is writing.
Status DumpFixes(const std::filesystem::path& data_dir, std::ostream& out, const LogFn& warn);

// Writes every alert recorded under `data_dir` as CSV, one row per alert in its latest state
// (raised, acknowledged, cleared), ordered by id:
//   id,kind,cars,raised_ms,cleared_ms,lat,lon,along_m,gap_m,gap_s,offset_m,heading_diff_deg,
//   speed_mps,duration_s,acknowledged_by,acknowledged_ms,cleared_by,text
Status DumpAlerts(const std::filesystem::path& data_dir, std::ostream& out, const LogFn& warn);

}  // namespace convoy::hub
