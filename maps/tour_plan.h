// The tour plan file: days, legs, the route file of each leg, rally points with planned times, and
// per-tour alert thresholds. An organizer writes it in a text editor; the format is documented in
// README ("Tour plan file") and a sample is tests/data/tour/amalfi_two_days.tour:
//
//   # comment                      (also after a value: "key = value  # comment")
//   [tour]      name, utc_offset (+HH:MM, the default for every day)
//   [alerts]    any key = value; kept as strings for the hub to interpret
//   [day]       name, date (YYYY-MM-DD), utc_offset (optional)
//   [leg]       name, route (file, relative to the plan), waypoints (optional file), reverse
//               (yes/no)
//   [rally]     name, waypoint (a named point of the leg's files) or at (lat, lon), kind,
//               radius_m, arrive, depart (HH:MM or HH:MM:SS local time on the day's date)
//
// A [leg] belongs to the [day] above it, a [rally] to the [leg] above it, in the order written.
// A leg without [rally] sections takes every named point of its files as a rally point.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "maps/latlon.h"
#include "maps/rally_point.h"
#include "maps/route.h"
#include "proto/result.h"

namespace convoy::maps {

struct PlannedRally {
  int line = 0;  // where its [rally] section starts, for messages
  std::string name;
  std::string waypoint;      // take the position from this named point; empty when `at` is set
  std::optional<LatLon> at;  // or from here
  std::string kind;
  std::optional<double> radius_m;
  std::string arrive_local;  // as written ("09:00"), empty when not planned
  std::string depart_local;
  std::optional<int64_t> arrive_utc_ms;
  std::optional<int64_t> depart_utc_ms;
};

struct PlannedLeg {
  int line = 0;
  std::string name;
  std::string route_path;      // resolved against the plan's folder
  std::string waypoints_path;  // resolved; empty when not given
  bool reverse = false;
  std::vector<PlannedRally> rallies;
};

struct PlannedDay {
  int line = 0;
  std::string name;
  std::string date;  // YYYY-MM-DD; empty when not given (then no times are allowed)
  int utc_offset_min = 0;
  std::vector<PlannedLeg> legs;
};

struct TourPlan {
  std::string path;
  std::string name;
  int utc_offset_min = 0;
  std::map<std::string, std::string> alerts;
  std::vector<PlannedDay> days;
};

// Parses the text of a plan; `path` names it in errors and is the base for relative file names.
// Does not open the route files. Errors: "PATH line 12: [rally] 'arrive': '9h' is not HH:MM".
Result<TourPlan> ParseTourPlan(std::string_view text, const std::string& path);
Result<TourPlan> LoadTourPlan(const std::string& path);

// One leg ready to follow: its route (reversed when the plan says so) and its rally points.
struct LoadedLeg {
  size_t day = 0;  // index into TourPlan::days
  size_t leg = 0;  // index into PlannedDay::legs
  std::string name;
  Route route;
  std::vector<RallyPoint> rally_points;  // ordered by along_m for listed rallies
};

// Opens the leg's files through GDAL and places its rally points. Errors name the plan line:
// "PATH line 30: [rally] 'Lunch': no point named 'Lunch' in day1_rally_points.gpx".
Result<LoadedLeg> LoadLeg(const TourPlan& plan, size_t day, size_t leg);

struct LoadedTour {
  TourPlan plan;
  std::vector<LoadedLeg> legs;  // every leg of every day, in order
};
Result<LoadedTour> LoadTour(const std::string& path);

// Days since 1970-01-01 of a proleptic Gregorian date; exposed for tests.
int64_t DaysFromCivil(int year, int month, int day);

}  // namespace convoy::maps
