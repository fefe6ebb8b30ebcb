// The fix-quality gate: decides whether a fix may be used for convoy decisions.
//
// Every source (NMEA receivers, gpsd, simulators, phones) and the hub run fixes through a
// FixGate. A fix that fails is not deleted: the caller keeps and records it with its verdict,
// and only kGood fixes feed convoy decisions (gaps, stops, alerts). The reasons a fix fails are
// what real receivers do: no fix, 0 deg/0 deg, coordinates out of range, a clock far off (week
// rollover, an unset RTC), a jump no car can make, a very poor hdop or reported accuracy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "proto/fix.h"

namespace convoy::proto {

// Checked in this order; the first that applies is the verdict.
enum class FixVerdict : uint8_t {
  kGood = 0,
  kNoFix,         // quality kNone: the receiver says it has no fix
  kNullIsland,    // within null_island_deg of 0 deg, 0 deg: an unset position, not a place
  kOutOfRange,    // a field outside its range (InRange() in fix.h)
  kFutureTime,    // later than now + future_tolerance_ms
  kStaleTime,     // older than now - max_age_ms (week rollover, an unset clock)
  kJump,          // farther from a neighbouring good fix than max_speed_mps allows
  kPoorHdop,      // hdop above max_hdop
  kPoorAccuracy,  // reported accuracy (phones) above max_accuracy_m
};
inline constexpr int kFixVerdicts = 9;
const char* FixVerdictName(FixVerdict verdict);

struct FixGateOptions {
  // Faster than any convoy car drives (216 km/h); the implied speed between two fixes above this
  // is a jump. Checked against the nearest good fixes before and after in time.
  double max_speed_mps = 60.0;
  // Distance always allowed between two fixes, whatever their time difference: two honest fixes
  // of a car standing still differ by a few metres, and fixes may share a second.
  double jump_slack_m = 25.0;
  // hdop above this: the geometry is too poor to place a car (gpsd's "invalid" is 99.99).
  double max_hdop = 20.0;
  // A phone's accuracy radius (68 %) above this: a network or cell-tower position.
  double max_accuracy_m = 100.0;
  // Fix times may run a little ahead of the checker's clock (clock skew, a fast receiver).
  int64_t future_tolerance_ms = 30'000;
  // A tracker spools fixes for up to 7 days in a dead zone and backfills them later: those are
  // good. Older than this is a broken clock (a GPS week rollover puts dates 19.6 years back).
  int64_t max_age_ms = 8LL * 24 * 3600 * 1000;
  // Half-width of the box around 0 deg, 0 deg that counts as "no position" (about 110 m).
  double null_island_deg = 0.001;
  // How many good fixes the gate remembers for the jump check (oldest by time are forgotten).
  size_t max_reference_fixes = 16;
  // If this many fixes in a row are flagged as jumps but agree with each other, the reference
  // was the glitch (a cold-start fix far away): the gate starts over from them.
  int reanchor_after = 3;
};

// One per car. Not thread-safe. Cost per Check: O(log n) in the remembered good fixes.
class FixGate {
 public:
  explicit FixGate(FixGateOptions options = {}) : options_(options) {}

  // Judges a fix against its own fields, the checker's clock now_utc_ms, and the good fixes seen
  // so far, in any time order (a backfill after a dead zone arrives late and between fixes
  // already seen: it is checked against its neighbours in time, not the latest). accuracy_m is
  // a phone's reported accuracy, when there is one. Only a kGood fix joins the reference.
  FixVerdict Check(const Fix& fix, int64_t now_utc_ms, std::optional<double> accuracy_m = {});

  // Forgets every remembered fix (a new trip).
  void Reset();

  size_t reference_fixes() const { return good_.size(); }
  const FixGateOptions& options() const { return options_; }

 private:
  struct Point {
    int32_t lat_e7;
    int32_t lon_e7;
  };
  bool Plausible(int64_t t1, const Point& p1, int64_t t2, const Point& p2) const;
  bool PlausibleAgainstReference(int64_t time_ms, const Point& p) const;
  void Remember(int64_t time_ms, const Point& p);

  FixGateOptions options_;
  std::map<int64_t, Point> good_;  // by fix time
  // Consecutive fixes flagged as jumps, for re-anchoring.
  std::vector<std::pair<int64_t, Point>> jumps_;
};

// Great-circle distance in metres between two points in 1e-7 degrees (mean Earth radius).
double DistanceM(int32_t lat1_e7, int32_t lon1_e7, int32_t lat2_e7, int32_t lon2_e7);

}  // namespace convoy::proto
