// The convoy model's state at one moment, as the map and the staff see it: a plain value made by
// ConvoyModel::Snapshot(); thread-safe to copy and read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/model/alert.h"
#include "maps/latlon.h"

namespace convoy::hub {

enum class CarState : uint8_t {
  kNotStarted,  // has not joined this leg yet (converging on the meeting point, or never seen)
  kOk,
  kStraggler,  // the car of an open STRAGGLER
  kSplit,      // in the group behind an open SPLIT
  kOffRoute,
  kStopped,
  kDark,
  kBehindSweep,
  kSos,
  kArrived,  // reached the leg's last rally point
};
// "not-started", "ok", "straggler", "split", "off-route", "stopped", "dark", "behind-sweep",
// "sos", "arrived". When several apply: sos, dark, off-route, stopped, behind-sweep, split,
// straggler, in that order.
const char* CarStateName(CarState state);

inline constexpr double kUnknown = kNoFigure;

struct CarView {
  uint32_t car = 0;  // roster index
  CarState state = CarState::kNotStarted;
  bool has_fix = false;
  int64_t last_fix_ms = 0;
  double age_s = kUnknown;  // now - last fix time
  maps::LatLon position;    // the last good fix
  double speed_mps = kUnknown;
  // Where the last fix lies on the current leg's route; unknown without a route.
  double along_m = kUnknown;
  double offset_m = kUnknown;          // + left of the direction of travel
  double heading_diff_deg = kUnknown;  // course minus route direction, (-180, 180]; unknown
                                       // below 2 m/s, where a receiver's course is noise
  // 1 = front, counting cars that have joined the leg and whose place is known; 0 otherwise.
  uint32_t order = 0;
  double gap_ahead_m = kUnknown, gap_ahead_s = kUnknown;  // to the next car ahead
  double gap_lead_m = kUnknown, gap_lead_s = kUnknown;    // to the lead (negative: ahead of it)
  // A car silent for more than a few seconds is dead-reckoned along the route at its last
  // smoothed speed (at most Thresholds::dead_reckon_max_s): the map shows the last fix and this.
  bool estimated = false;
  double estimate_along_m = kUnknown;
  maps::LatLon estimate_position;
  // Before joining, with a meeting point: straight-line distance to it, and the time to cover it
  // at the rate that distance has been shrinking (smoothed over about a minute); unknown when
  // the car is not closing in at 2 m/s or more.
  double meet_distance_m = kUnknown;
  double meet_eta_s = kUnknown;
};

struct MissingCar {
  uint32_t car = 0;
  // Joined cars: along the route to the rally point, and the time at the car's smoothed speed
  // (the convoy's median speed when the car is slower than 3 m/s). Cars that have not joined:
  // straight-line distance and the converging ETA above. Unknown when not measurable.
  double distance_m = kUnknown;
  double eta_s = kUnknown;
};

struct RallyView {
  size_t index = 0;  // into the leg's rally points
  std::string name;
  double along_m = 0;
  std::optional<int64_t> arrive_utc_ms, depart_utc_ms;  // planned
  std::vector<uint32_t> arrived;                        // in order of arrival
  std::vector<MissingCar> missing;                      // by roster index
};

struct ConvoySnapshot {
  int64_t now_ms = 0;
  size_t leg = 0;
  std::string leg_name;
  bool follow_the_lead = false;
  bool departed = false;        // the convoy has left its meeting point (always true without one)
  std::vector<CarView> cars;    // by roster index
  std::vector<uint32_t> order;  // roster indices, front first
  double convoy_length_m = 0;   // front to back along the route
  double convoy_speed_mps = 0;  // median smoothed speed of cars on the road
  // The first rally point the front car has not yet left behind (before departure: the meeting
  // point); unset when the leg has none left.
  std::optional<RallyView> next_rally;
  std::vector<Alert> open_alerts;  // by id
};

}  // namespace convoy::hub
