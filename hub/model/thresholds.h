// The convoy model's alert thresholds: defaults, and per-tour overrides from the tour plan's
// [alerts] section (maps::TourPlan::alerts, kept there as text).
//
// The defaults suit a convoy that keeps in sight of itself (cars a few seconds apart) and must
// report an incident within 30 s of it starting: a gap alert needs 12 s AND 200 m to the car
// ahead, sustained 5 s. A tour that spreads out on motorways loosens them in its plan, e.g.
//   [alerts]
//   straggler_gap_m = 1500
//   straggler_gap_s = 120
// Every key is the field name below; README ("Convoy model") lists them with units and reasons.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "proto/result.h"

namespace convoy::hub {

struct Thresholds {
  // --- STRAGGLER and SPLIT: the gap in front of a car, to the next car ahead along the route.
  // gap_s = gap_m / max(speed of either car (smoothed), min_gap_speed_mps): the time the faster
  // of the two needs to cover the gap. Raised when both figures are above the raise thresholds
  // for straggler_sustain_s; cleared when either falls below the clear thresholds (hysteresis).
  // One car behind the gap (not counting the sweep) is a STRAGGLER; two or more are a SPLIT,
  // raised once for the whole group behind.
  double straggler_gap_m = 200;
  double straggler_gap_s = 12;
  double straggler_clear_m = 100;
  double straggler_clear_s = 6;
  double straggler_sustain_s = 5;
  double split_gap_m = 200;
  double split_gap_s = 12;
  // A car whose speed exceeds the car ahead's by more than this is catching up, not falling
  // behind: no gap alert is raised for it (it may be returning after a breakdown).
  double closing_mps = 1.0;
  // After a car's own OFF_ROUTE, STOPPED or DARK clears, it has this long to get going again
  // before a gap alert may be raised for it (the gap is the same incident).
  double recovery_s = 60;
  double min_gap_speed_mps = 5;

  // --- OFF_ROUTE: farther than off_route_m from the route, or driving against it (course more
  // than wrong_way_deg from the route's direction at wrong_way_min_speed_mps or faster), for
  // off_route_sustain_s. Cleared once within off_route_clear_m and with the route for
  // off_route_clear_s.
  double off_route_m = 100;
  double off_route_clear_m = 50;
  double off_route_sustain_s = 10;
  double off_route_clear_s = 15;
  double wrong_way_deg = 120;
  double wrong_way_min_speed_mps = 3;

  // --- STOPPED: slower than stopped_speed_mps for stopped_after_s while the convoy moves (its
  // median speed is above moving_speed_mps), away from rally points, and not in a queue (no other
  // stopped car within queue_m ahead or behind it, the sweep aside: a red light or a jam stops
  // several cars). Cleared at moving_speed_mps or faster for moving_clear_s.
  double stopped_speed_mps = 1.0;
  double stopped_after_s = 15;
  double moving_speed_mps = 3.0;
  double moving_clear_s = 5;
  double queue_m = 150;

  // --- DARK: no fix for dark_after_s from a car that is on the road (its last fix was not at a
  // rally point). Cleared by its next fix. Meanwhile its position is dead-reckoned along the
  // route at its last smoothed speed for at most dead_reckon_max_s; after that it leaves the
  // order (position unknown).
  double dark_after_s = 20;
  double dead_reckon_max_s = 300;

  // --- BEHIND_SWEEP: more than behind_sweep_m behind the sweep car for behind_sweep_sustain_s;
  // cleared within behind_sweep_clear_m of it (or ahead).
  double behind_sweep_m = 100;
  double behind_sweep_clear_m = 30;
  double behind_sweep_sustain_s = 15;

  // --- Joining: after the convoy has left its meeting point, a car that never checked in there
  // joins once it has been on the route, driving along it, for join_sustain_s.
  double join_sustain_s = 10;
};

// One row of the key table: the key, its unit and what it sets.
struct ThresholdKey {
  const char* name;
  double Thresholds::*field;
  const char* unit;
};
const std::vector<ThresholdKey>& ThresholdKeys();

// `base` with the keys of `values` applied (the tour plan's [alerts]). Keys are the field names;
// values are decimal numbers >= 0. Errors name `where` and the key: "amalfi.tour [alerts]
// straggler_gap_m: 'far' is not a number", "... unknown key 'gap_m'", and a clear threshold not
// below its raise threshold.
Result<Thresholds> ApplyThresholds(const std::map<std::string, std::string>& values,
                                   std::string_view where, Thresholds base = {});

}  // namespace convoy::hub
