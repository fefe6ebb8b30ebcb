// The JSON shapes the replay answers with (api.md): a car's position, an alert; and the track
// decimation behind /tracks. Shared by the API and the report. Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "convoy/v1/journal.pb.h"
#include "hub/replay/replay_index.h"

namespace convoy::hub::replay {

// {"id","lat","lon","fix_ms","speed_mps","course_deg"}
void AppendPositionJson(std::string& out, std::string_view car_id, const ReplayFix& fix);

// The live API's alert shape: {"id","kind","cars":[ids],"lat","lon","along_m","gap_m","gap_s",
// "offset_m","heading_diff_deg","speed_mps","duration_s","text","raised_ms","cleared_ms",
// "cleared_by","acknowledged_by","acknowledged_ms"}; figures the kind has none of, and times and
// names not (yet) set, are null.
void AppendAlertJson(std::string& out, const v1::JournalAlert& alert);

// A radio message as the live API gives it: a staff message {"id","from","to","text","sent_ms",
// "cars","delivered","pending","phones"} (delivered: as of the end of the recording), or a car's
// {"id","from_car","kind","text","time_ms"}.
void AppendRadioJson(std::string& out, const ReplayRadio& message);

// Appends to `picked` the indices of car.fixes to draw for [from_ms, to_ms): the first fix in
// each step_ms-long slot counted from from_ms, so at most one per slot. Stops after `limit`
// indices. Returns how many were appended. Cost: O(points x log fixes).
size_t DecimateTrack(const ReplayCar& car, int64_t from_ms, int64_t to_ms, int64_t step_ms,
                     size_t limit, std::vector<size_t>& picked);

}  // namespace convoy::hub::replay
