// Turns a parsed TourPlan into routes and rally points: the part of the plan that touches files.
#include <filesystem>

#include "maps/route_file.h"
#include "maps/tour_plan.h"

namespace convoy::maps {
namespace {

Error AtLine(const TourPlan& plan, int line, const std::string& what) {
  return Error{plan.path + " line " + std::to_string(line) + ": " + what};
}

std::string FileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

}  // namespace

Result<LoadedLeg> LoadLeg(const TourPlan& plan, size_t day_index, size_t leg_index) {
  const PlannedLeg& leg = plan.days.at(day_index).legs.at(leg_index);
  Result<RouteFile> file = LoadRouteFile(leg.route_path);
  if (!file.ok()) return AtLine(plan, leg.line, "[leg] '" + leg.name + "': " + file.message());
  std::vector<NamedPoint> named = std::move(file->waypoints);
  if (!leg.waypoints_path.empty()) {
    Result<GeoFileContents> extra = ReadGeoFile(leg.waypoints_path);
    if (!extra.ok()) {
      return AtLine(plan, leg.line, "[leg] '" + leg.name + "': " + extra.message());
    }
    named.insert(named.end(), extra->points.begin(), extra->points.end());
  }
  LoadedLeg out{day_index,
                leg_index,
                leg.name,
                leg.reverse ? file->route.Reversed() : std::move(file->route),
                {}};

  if (leg.rallies.empty()) {
    RallyOptions options;
    options.order = RallyOptions::Order::kByPosition;
    Result<std::vector<RallyPoint>> placed = PlaceRallyPoints(out.route, named, options);
    if (!placed.ok())
      return AtLine(plan, leg.line, "[leg] '" + leg.name + "': " + placed.message());
    out.rally_points = std::move(*placed);
    return out;
  }

  // Listed rallies: each is placed at or after the previous one (a loop's start and end).
  std::string files = FileName(leg.route_path);
  if (!leg.waypoints_path.empty()) files += " or " + FileName(leg.waypoints_path);
  double prev_along_m = 0;
  for (const PlannedRally& planned : leg.rallies) {
    NamedPoint point{planned.name, planned.kind, LatLon()};
    if (planned.at) {
      point.position = *planned.at;
    } else {
      const NamedPoint* found = nullptr;
      for (const NamedPoint& n : named) {
        if (n.name == planned.waypoint) {
          found = &n;
          break;
        }
      }
      if (found == nullptr) {
        return AtLine(plan, planned.line,
                      "[rally] '" + planned.name + "': no point named '" + planned.waypoint +
                          "' in " + files);
      }
      point.position = found->position;
      if (point.kind.empty()) point.kind = found->kind;
    }
    RallyOptions options;
    options.order = RallyOptions::Order::kAsListed;
    options.start_along_m = prev_along_m;
    if (planned.radius_m) options.radius = Meters::M(*planned.radius_m);
    // Placed one at a time so that an error names this rally's line.
    Result<std::vector<RallyPoint>> placed = PlaceRallyPoints(out.route, {point}, options);
    if (!placed.ok()) return AtLine(plan, planned.line, "[rally] " + placed.message());
    RallyPoint r = std::move(placed->front());
    r.arrive_utc_ms = planned.arrive_utc_ms;
    r.depart_utc_ms = planned.depart_utc_ms;
    prev_along_m = r.along_m;
    out.rally_points.push_back(std::move(r));
  }
  return out;
}

Result<LoadedTour> LoadTour(const std::string& path) {
  Result<TourPlan> plan = LoadTourPlan(path);
  if (!plan.ok()) return plan.status();
  LoadedTour tour{std::move(*plan), {}};
  for (size_t d = 0; d < tour.plan.days.size(); ++d) {
    for (size_t l = 0; l < tour.plan.days[d].legs.size(); ++l) {
      Result<LoadedLeg> leg = LoadLeg(tour.plan, d, l);
      if (!leg.ok()) return leg.status();
      tour.legs.push_back(std::move(*leg));
    }
  }
  return tour;
}

}  // namespace convoy::maps
