// What an export writes, independent of the format: per car the fixes left after the privacy
// cut, the track drawn through its good fixes (split into segments at long gaps), and the rally
// points of the tour plan.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hub/export/recording.h"

namespace convoy::hub {

// Two good fixes further apart in time than this start a new track segment (GPX trkseg, a part of
// a MultiLineString): a tracker switched off overnight or a gap nobody backfilled must not be
// drawn as a straight line across the map.
inline constexpr int64_t kSegmentGapMs = 5 * 60 * 1000;

inline bool StartsNewSegment(int64_t previous_good_ms, int64_t time_ms) {
  return time_ms - previous_good_ms > kSegmentGapMs;
}

// The privacy cut of one car's fixes (sorted by time): the index range [begin, end) that stays.
//
// Drivers start and end at home. Only good fixes decide where a car was. The start is the first
// good fix; the leading cut runs to the LAST good fix within radius_m of it that comes before
// the car first gets 3 * radius_m away. Taking the last such fix rather than the first exit
// means a driver who sets off, turns back for something forgotten and leaves again is still cut
// at the edge of the circle. The trailing cut is the same from the last good fix backwards.
// Every fix (any verdict) before the leading cut or after the trailing cut goes. A car that
// never leaves the circles, or has no good fix, keeps nothing. radius_m <= 0: nothing is cut.
// Cost: one distance per good fix near the ends.
struct KeptRange {
  size_t begin = 0;
  size_t end = 0;
};
KeptRange PrivacyCut(std::span<const RecordedFix> fixes, double radius_m);

struct ExportTrack {
  const CarRecording* car = nullptr;
  std::span<const RecordedFix> fixes;  // after the cut, every verdict, time order
  uint64_t good_fixes = 0;             // the points of the drawn track
  uint64_t segments = 0;               // 0 when there are no good fixes
  int64_t first_good_ms = 0;           // valid when good_fixes > 0
  int64_t last_good_ms = 0;
  double distance_m = 0;  // along the drawn track, segments summed, great-circle
};

// A rally point of the tour plan, for the rally_points layer and as waypoints.
struct ExportRally {
  std::string name;
  std::string kind;
  std::string day;
  std::string leg;
  double lat_deg = 0;
  double lon_deg = 0;
  double radius_m = 0;
  double along_m = 0;
  std::optional<int64_t> arrive_utc_ms;
  std::optional<int64_t> depart_utc_ms;
};

struct ExportInput {
  std::string title;                // the tour's name, or "Convoy recording"
  std::vector<ExportTrack> tracks;  // one per car with something left after the cut
  std::vector<ExportRally> rally_points;
  // For the GeoPackage's alerts and radio layers: those within the export's time window and
  // about its cars (all cars when not filtered). Point into the Recording.
  std::vector<const v1::JournalAlert*> alerts;
  std::vector<const replay::ReplayRadio*> radio;
  double privacy_radius_m = 0;  // as applied (0: off), recorded in the files that have metadata
  uint64_t fixes = 0;           // sum of tracks[i].fixes.size()
  uint64_t good_fixes = 0;
};

// Builds the tracks of `recording` (which must outlive the result) with the cut applied.
// Returns also how many fixes the cut removed in *cut_fixes.
ExportInput BuildExportInput(const Recording& recording, double privacy_radius_m,
                             uint64_t* cut_fixes);

}  // namespace convoy::hub
