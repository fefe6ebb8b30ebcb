#include "hub/export/tracks.h"

#include "proto/fix_quality.h"

namespace convoy::hub {
namespace {

// Multiple of the radius at which a car counts as gone from its start (or, backwards, not yet
// arrived at its end): see PrivacyCut.
constexpr double kAwayFactor = 3.0;

bool Good(const RecordedFix& f) { return f.verdict == proto::FixVerdict::kGood; }

double Distance(const RecordedFix& a, const RecordedFix& b) {
  return proto::DistanceM(a.fix.lat_e7, a.fix.lon_e7, b.fix.lat_e7, b.fix.lon_e7);
}

}  // namespace

KeptRange PrivacyCut(std::span<const RecordedFix> fixes, double radius_m) {
  if (radius_m <= 0) return {0, fixes.size()};
  const double away_m = kAwayFactor * radius_m;
  size_t first_good = fixes.size();
  for (size_t i = 0; i < fixes.size(); ++i) {
    if (Good(fixes[i])) {
      first_good = i;
      break;
    }
  }
  if (first_good == fixes.size()) return {0, 0};
  size_t last_good = first_good;
  for (size_t i = fixes.size(); i-- > first_good;) {
    if (Good(fixes[i])) {
      last_good = i;
      break;
    }
  }
  // Leading cut: the last good fix within the radius before the car is away.
  size_t last_near_start = first_good;
  for (size_t i = first_good; i <= last_good; ++i) {
    if (!Good(fixes[i])) continue;
    const double d = Distance(fixes[first_good], fixes[i]);
    if (d >= away_m) break;
    if (d <= radius_m) last_near_start = i;
  }
  // Trailing cut, mirrored.
  size_t first_near_end = last_good;
  for (size_t i = last_good + 1; i-- > first_good;) {
    if (!Good(fixes[i])) continue;
    const double d = Distance(fixes[last_good], fixes[i]);
    if (d >= away_m) break;
    if (d <= radius_m) first_near_end = i;
  }
  const size_t begin = last_near_start + 1;
  const size_t end = first_near_end;
  if (begin >= end) return {0, 0};
  return {begin, end};
}

ExportInput BuildExportInput(const Recording& recording, double privacy_radius_m,
                             uint64_t* cut_fixes) {
  ExportInput input;
  input.privacy_radius_m = privacy_radius_m > 0 ? privacy_radius_m : 0;
  uint64_t cut = 0;
  for (const CarRecording& car : recording.cars) {
    const std::span<const RecordedFix> all(car.fixes.data(), car.fixes.size());
    const KeptRange kept = PrivacyCut(all, privacy_radius_m);
    cut += all.size() - (kept.end - kept.begin);
    if (kept.begin >= kept.end) continue;
    ExportTrack track;
    track.car = &car;
    track.fixes = all.subspan(kept.begin, kept.end - kept.begin);
    const RecordedFix* previous = nullptr;
    for (const RecordedFix& f : track.fixes) {
      if (!Good(f)) continue;
      if (previous == nullptr || StartsNewSegment(previous->fix.time_ms, f.fix.time_ms)) {
        ++track.segments;
      } else {
        track.distance_m += Distance(*previous, f);
      }
      if (previous == nullptr) track.first_good_ms = f.fix.time_ms;
      track.last_good_ms = f.fix.time_ms;
      ++track.good_fixes;
      previous = &f;
    }
    input.fixes += track.fixes.size();
    input.good_fixes += track.good_fixes;
    input.tracks.push_back(track);
  }
  if (cut_fixes != nullptr) *cut_fixes = cut;
  return input;
}

}  // namespace convoy::hub
