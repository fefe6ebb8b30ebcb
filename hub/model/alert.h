// Alerts the convoy model raises: what happened, to which car or cars, where, the measured
// figures, and their life (raised, acknowledged, cleared). Plain values; thread-safe to copy.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "maps/latlon.h"

namespace convoy::hub {

enum class AlertKind : uint8_t {
  kStraggler,    // one car's gap to the car ahead is too large (car: that car)
  kSplit,        // the convoy broke in two (cars: the group behind the gap, front first)
  kOffRoute,     // off the route or driving against it (a wrong turn)
  kStopped,      // stopped while the convoy moves, not at a rally point (a breakdown)
  kDark,         // no report for too long, last seen on the road
  kBehindSweep,  // behind the sweep car
  kSos,          // raised from the car; cleared by staff (ConvoyModel::Resolve)
};
inline constexpr int kAlertKinds = 7;
// "STRAGGLER", "SPLIT", "OFF_ROUTE", "STOPPED", "DARK", "BEHIND_SWEEP", "SOS".
const char* AlertKindName(AlertKind kind);
std::optional<AlertKind> AlertKindFromName(std::string_view name);

inline constexpr double kNoFigure = std::numeric_limits<double>::quiet_NaN();

struct Alert {
  uint64_t id = 0;  // 1, 2, 3, ... in the order raised, per model
  AlertKind kind = AlertKind::kStraggler;
  // Roster indices. The first is the car the alert is about (SPLIT: the front car of the group
  // behind the gap); SPLIT lists the whole group, sweep included, front first.
  std::vector<uint32_t> cars;
  maps::LatLon position;  // the first car's last fix when raised
  double along_m = 0;     // its place along the route (dead-reckoned for DARK)

  // Figures measured when raised; kNoFigure where the kind has none.
  double gap_m = kNoFigure;     // STRAGGLER, SPLIT: gap to the car ahead; BEHIND_SWEEP: behind it
  double gap_s = kNoFigure;     // STRAGGLER, SPLIT (thresholds.h says how seconds are reckoned)
  double offset_m = kNoFigure;  // OFF_ROUTE: signed distance off the route (+ left)
  double heading_diff_deg = kNoFigure;  // OFF_ROUTE: course minus route direction, (-180, 180]
  double speed_mps = kNoFigure;         // the first car's speed
  double duration_s = kNoFigure;        // how long the condition had held (STOPPED, DARK)
  std::string text;                     // SOS: the car's message, if any

  int64_t raised_ms = 0;  // the model's clock (UTC ms)
  std::optional<int64_t> cleared_ms;
  // Who cleared it: empty when its condition ended by itself; the staff member for Resolve();
  // "leg ended" when the model moved to the next leg of the tour.
  std::string cleared_by;
  std::string acknowledged_by;  // empty until acknowledged
  std::optional<int64_t> acknowledged_ms;

  bool open() const { return !cleared_ms.has_value(); }
};

enum class AlertEventType : uint8_t { kRaised, kCleared, kAcknowledged };
const char* AlertEventTypeName(AlertEventType type);  // "raised", "cleared", "acknowledged"

// One change to an alert, with the alert as it stands after the change: what the hub journals.
struct AlertEvent {
  AlertEventType type = AlertEventType::kRaised;
  int64_t time_ms = 0;
  Alert alert;
};

// CSV for `convoy-replay dump --alerts`: one row per alert (its latest state), columns
//   id,kind,cars,raised_ms,cleared_ms,lat,lon,along_m,gap_m,gap_s,offset_m,heading_diff_deg,
//   speed_mps,duration_s,acknowledged_by,acknowledged_ms,cleared_by,text
// cars are roster ids joined by ';' (an index without an id is written as #N); empty cells for
// missing figures and times; text fields quoted per RFC 4180 when needed.
std::string AlertCsvHeader();
std::string AlertCsvRow(const Alert& alert, std::span<const std::string> car_ids);
// "STRAGGLER #3 car07: gap 640 m / 31 s" for logs.
std::string DescribeAlert(const Alert& alert, std::span<const std::string> car_ids);

}  // namespace convoy::hub
