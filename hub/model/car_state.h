// Internal to hub/model: one car's live state inside ConvoyModel. Not part of the API.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "hub/model/convoy_model.h"
#include "maps/latlon.h"

namespace convoy::hub {

inline constexpr uint32_t kNoOrder = std::numeric_limits<uint32_t>::max();
inline constexpr int64_t kNever = -1;  // an unset "since" time
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// Below this a receiver's course over ground is noise.
inline constexpr double kCourseMinSpeedMps = 2.0;
// Time constant of the smoothed speed.
inline constexpr double kSpeedTauS = 10.0;
// Time constant of the converging car's closing rate.
inline constexpr double kApproachTauS = 60.0;
// A car silent longer than this is dead-reckoned for the order (a 1 Hz car is never).
inline constexpr int64_t kDeadReckonAfterMs = 5'000;
// A rally point's zone along the route: its radius plus this (a car park beside the road
// projects near the rally's along_m).
inline constexpr double kRallyAlongSlackM = 100.0;
// Window slack for the projection hint: the GPS error of two fixes, either way, metres.
inline constexpr double kHintSlackM = 30.0;
// Fastest a convoy car drives, for the projection hint.
inline constexpr double kMaxSpeedMps = 60.0;

// Seconds (a threshold) to the model clock's milliseconds.
inline int64_t Ms(double s) { return static_cast<int64_t>(std::llround(s * 1000.0)); }

enum class Phase : uint8_t { kNotStarted, kActive, kArrived };

struct ConvoyModel::Car {
  ModelCar info;
  bool is_lead = false, is_sweep = false;

  // The latest good fix.
  bool has_fix = false;
  int64_t fix_ms = 0;
  maps::LatLon pos;
  double speed_mps = 0;
  double course_deg = kNaN;  // NaN below kCourseMinSpeedMps
  double speed_ema_mps = 0;

  // Its projection on the current leg's route.
  bool projected = false;
  uint64_t route_version = 0;
  double along_m = 0, offset_m = 0, route_heading_deg = 0;
  bool beyond_end = false;  // follow the lead: ahead of the end of the lead's track

  Phase phase = Phase::kNotStarted;
  int near_rally = -1;  // the rally point whose zone holds the last fix, -1 none
  int64_t join_since_ms = kNever;
  // Converging on the meeting point (not started).
  double meet_distance_m = kNaN;
  double approach_mps = 0;  // how fast meet_distance_m shrinks, smoothed
  bool has_meet = false;
  bool has_approach = false;

  // Rule timers, model clock.
  int64_t off_since_ms = kNever, back_since_ms = kNever;
  int64_t stop_since_ms = kNever, move_since_ms = kNever;
  int64_t behind_since_ms = kNever;
  // The gap behind this car has been over the raise thresholds since then, with gap_follower
  // the car behind it. Kept on the car ahead: the cars behind a gap swap places in GPS noise
  // (a slow car and the sweep right behind it), the car ahead of the gap does not.
  int64_t gap_behind_since_ms = kNever;
  uint32_t gap_follower = kNoOrder;
  int64_t recovery_until_ms = std::numeric_limits<int64_t>::min();

  // Open alerts, 0 = none. gap_alert: the STRAGGLER / SPLIT whose group holds the car.
  uint64_t off_route_alert = 0, stopped_alert = 0, dark_alert = 0, behind_sweep_alert = 0,
           sos_alert = 0, gap_alert = 0;

  // Place in the order.
  uint32_t order_pos = kNoOrder;
  double eff_along_m = 0;  // along_m, or its dead-reckoned estimate
  bool estimated = false;  // eff_along_m is dead-reckoned
  bool lost = false;       // dark past dead reckoning: out of the order
  double gap_ahead_m = kNaN, gap_ahead_s = kNaN;

  double HeadingDiff() const;  // course minus route heading, (-180, 180]; NaN without course
  bool Fresh(int64_t now_ms) const { return has_fix && now_ms - fix_ms <= kDeadReckonAfterMs; }
};

// A STRAGGLER or SPLIT being tracked: the cars behind the gap. The front-most member still in
// the group measures the gap; members leave as they rejoin the car ahead, and the alert clears
// when no counted member is left.
struct ConvoyModel::GapGroup {
  uint64_t alert_id = 0;
  std::vector<uint32_t> members;
  int counted = 0;            // members still behind that count (the sweep does not, unless alone)
  bool sweep_counts = false;  // the group was the sweep alone
};

}  // namespace convoy::hub
