#include "proto/fix_quality.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <numbers>

namespace convoy::proto {

const char* FixVerdictName(FixVerdict verdict) {
  switch (verdict) {
    case FixVerdict::kGood:
      return "good";
    case FixVerdict::kNoFix:
      return "no-fix";
    case FixVerdict::kNullIsland:
      return "null-island";
    case FixVerdict::kOutOfRange:
      return "out-of-range";
    case FixVerdict::kFutureTime:
      return "future-time";
    case FixVerdict::kStaleTime:
      return "stale-time";
    case FixVerdict::kJump:
      return "jump";
    case FixVerdict::kPoorHdop:
      return "poor-hdop";
    case FixVerdict::kPoorAccuracy:
      return "poor-accuracy";
  }
  return "invalid";
}

double DistanceM(int32_t lat1_e7, int32_t lon1_e7, int32_t lat2_e7, int32_t lon2_e7) {
  constexpr double kEarthRadiusM = 6'371'008.8;
  constexpr double kE7ToRad = 1e-7 * std::numbers::pi / 180.0;
  const double phi1 = lat1_e7 * kE7ToRad;
  const double phi2 = lat2_e7 * kE7ToRad;
  const double dphi = phi2 - phi1;
  const double dlambda = (static_cast<int64_t>(lon2_e7) - lon1_e7) * kE7ToRad;
  const double h = std::sin(dphi / 2) * std::sin(dphi / 2) +
                   std::cos(phi1) * std::cos(phi2) * std::sin(dlambda / 2) * std::sin(dlambda / 2);
  return 2 * kEarthRadiusM * std::asin(std::sqrt(std::min(1.0, h)));
}

bool FixGate::Plausible(int64_t t1, const Point& p1, int64_t t2, const Point& p2) const {
  const double dt_s = std::abs(static_cast<double>(t2 - t1)) / 1000.0;
  const double distance_m = DistanceM(p1.lat_e7, p1.lon_e7, p2.lat_e7, p2.lon_e7);
  return distance_m <= options_.jump_slack_m + options_.max_speed_mps * dt_s;
}

bool FixGate::PlausibleAgainstReference(int64_t time_ms, const Point& p) const {
  // The nearest good fixes at or after, and before, this time.
  auto after = good_.lower_bound(time_ms);
  if (after != good_.end() && !Plausible(time_ms, p, after->first, after->second)) return false;
  if (after != good_.begin()) {
    auto before = std::prev(after);
    if (!Plausible(time_ms, p, before->first, before->second)) return false;
  }
  return true;
}

void FixGate::Remember(int64_t time_ms, const Point& p) {
  good_[time_ms] = p;
  while (good_.size() > options_.max_reference_fixes) {
    // Forget the oldest, unless that is the fix just added (a backfill older than everything).
    auto oldest = good_.begin();
    if (oldest->first == time_ms) ++oldest;
    good_.erase(oldest);
  }
}

FixVerdict FixGate::Check(const Fix& fix, int64_t now_utc_ms, std::optional<double> accuracy_m) {
  if (fix.quality == FixQuality::kNone) return FixVerdict::kNoFix;
  const int32_t null_e7 = static_cast<int32_t>(options_.null_island_deg * 1e7);
  if (std::abs(fix.lat_e7) <= null_e7 && std::abs(fix.lon_e7) <= null_e7) {
    return FixVerdict::kNullIsland;
  }
  if (!InRange(fix)) return FixVerdict::kOutOfRange;
  if (fix.time_ms > now_utc_ms + options_.future_tolerance_ms) return FixVerdict::kFutureTime;
  if (fix.time_ms < now_utc_ms - options_.max_age_ms) return FixVerdict::kStaleTime;

  const Point p{fix.lat_e7, fix.lon_e7};
  if (!PlausibleAgainstReference(fix.time_ms, p)) {
    // Either this fix jumped, or the reference did. Several flagged fixes in a row that agree
    // with each other mean the reference was the glitch: start over from them.
    if (!jumps_.empty() && !Plausible(jumps_.back().first, jumps_.back().second, fix.time_ms, p)) {
      jumps_.clear();
    }
    jumps_.emplace_back(fix.time_ms, p);
    if (static_cast<int>(jumps_.size()) < options_.reanchor_after) return FixVerdict::kJump;
    good_.clear();
    for (const auto& [time_ms, point] : jumps_) Remember(time_ms, point);
    jumps_.clear();
    // This fix is judged good from here on; the earlier ones of the run stay flagged.
  } else {
    jumps_.clear();
  }

  // Poor geometry does not make the position wrong enough to break the jump reference, but it
  // is not good enough to act on, nor to become a reference.
  if (fix.hdop_c != 0 && fix.hdop_c > options_.max_hdop * 100) return FixVerdict::kPoorHdop;
  if (accuracy_m && *accuracy_m > options_.max_accuracy_m) return FixVerdict::kPoorAccuracy;
  Remember(fix.time_ms, p);
  return FixVerdict::kGood;
}

void FixGate::Reset() {
  good_.clear();
  jumps_.clear();
}

}  // namespace convoy::proto
