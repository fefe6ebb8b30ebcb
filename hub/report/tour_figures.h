// The figures of a recorded tour for `convoy-replay report`: per day (distance, duration, moving
// time, average speed, stops), per car (distance, largest gap, alerts), the convoy's length over
// time, the alerts, and arrivals at the plan's rally points against the planned times.
// Computed from the replay index (good fixes only). Pure computation, no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "convoy/v1/journal.pb.h"
#include "hub/replay/replay_index.h"
#include "maps/tour_plan.h"

namespace convoy::hub::report {

// Distances here are great circles on a sphere of the Earth's mean radius (within 0.5% of the
// ellipsoid), summed over consecutive good fixes.
double SphereDistanceM(int32_t lat1_e7, int32_t lon1_e7, int32_t lat2_e7, int32_t lon2_e7);

// A stop: the measured car stayed within kStopRadiusM of one place for at least kMinStopS.
inline constexpr double kStopRadiusM = 50;
inline constexpr int64_t kMinStopS = 180;
// Consecutive fixes further apart than this are a gap: no distance or moving time across it.
inline constexpr int64_t kGapMs = 5 * 60 * 1000;
// The convoy's length is sampled this often. A car's position at a sample time is interpolated
// between its fixes around it (at most kGapMs apart); after its last fix it counts for
// kLengthMaxAgeMs.
inline constexpr int64_t kLengthStepMs = 60 * 1000;
inline constexpr int64_t kLengthMaxAgeMs = 30 * 1000;

struct Stop {
  int64_t from_ms = 0;
  int64_t to_ms = 0;
  int32_t lat_e7 = 0;
  int32_t lon_e7 = 0;
  std::string near;  // the nearest rally point within 1 km, else empty
  double length_s() const { return (to_ms - from_ms) / 1000.0; }
};

struct LengthSample {
  int64_t t_ms = 0;
  double length_m = 0;  // the largest distance between two cars (crow flies)
  int cars = 0;         // cars with a position at that time
};

// A day is a UTC calendar day with fixes (a European tour drives in daylight).
struct DayFigures {
  std::string label;    // "Day 1 (2024-05-18)"
  int64_t from_ms = 0;  // the first fix of any car that day
  int64_t to_ms = 0;    // the last
  // Measured on one car, the lead (the roster's lead; else the car with the most fixes that
  // day), since the convoy drives together: what a driver of the tour drove.
  std::string measured_car;
  double distance_m = 0;
  double duration_s = 0;         // its first fix to its last that day
  double moving_s = 0;           // duration less stops and gaps
  double average_speed_mps = 0;  // distance / moving time; 0 when it never moved
  std::vector<Stop> stops;
  std::vector<LengthSample> length;  // every kLengthStepMs from from_ms
  double max_length_m = 0;
  double median_length_m = 0;  // over samples with at least 2 cars while the lead moves
};

struct CarFigures {
  std::string id;
  std::string name;
  std::string role;
  uint64_t fixes = 0;
  double distance_m = 0;
  int64_t largest_gap_ms = 0;     // between consecutive fixes on the same day
  int64_t largest_gap_at_ms = 0;  // when that gap began
  uint64_t alerts = 0;            // alerts about this car (it is their first car)
};

struct RallyArrival {
  std::string day;  // the plan's day name
  std::string leg;
  std::string name;
  int32_t lat_e7 = 0;
  int32_t lon_e7 = 0;
  std::optional<int64_t> planned_arrive_ms;
  std::optional<int64_t> planned_depart_ms;
  uint64_t expected = 0;  // cars with fixes that day
  uint64_t arrived = 0;
  std::optional<int64_t> first_ms;
  std::optional<int64_t> median_ms;
  std::optional<int64_t> last_ms;
  std::vector<std::string> missing;  // cars that drove that day and never arrived
};

struct TourFigures {
  std::string tour_name;  // the plan's, else empty
  std::vector<DayFigures> days;
  std::vector<CarFigures> cars;          // roster order
  std::vector<v1::JournalAlert> alerts;  // by raised time
  std::vector<RallyArrival> rallies;     // plan order; empty without a plan
  double distance_m = 0;                 // the days' distances summed
  uint64_t fixes = 0;
};

// Progress: called with the cars done so far and in all.
using FiguresProgressFn = std::function<void(uint64_t done, uint64_t total)>;

// Cost: linear in the fixes, plus for the length chart (cars^2 / 2) distances per sample.
// tour may be nullptr (no rally points).
TourFigures ComputeTourFigures(const replay::ReplayIndex& index, const maps::LoadedTour* tour,
                               const FiguresProgressFn& progress = nullptr);

}  // namespace convoy::hub::report
