#include "maps/rally_point.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace convoy::maps {
namespace {

std::string Km(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f km", m / 1000.0);
  return buf;
}

}  // namespace

Result<std::vector<RallyPoint>> PlaceRallyPoints(const Route& route,
                                                 const std::vector<NamedPoint>& points,
                                                 const RallyOptions& options) {
  std::vector<RallyPoint> out;
  out.reserve(points.size());
  double prev_along_m = options.start_along_m;
  for (size_t i = 0; i < points.size(); ++i) {
    const NamedPoint& p = points[i];
    RoutePosition pos = options.order == RallyOptions::Order::kAsListed
                            ? route.Project(p.position, ProjectHint::AtOrAfter(prev_along_m))
                            : route.Project(p.position);
    if (std::fabs(pos.offset_m) > options.max_offset.m()) {
      return Error{"rally point " + std::to_string(i + 1) + " '" + p.name +
                   "': " + Km(std::fabs(pos.offset_m)) + " from the route (the limit is " +
                   Km(options.max_offset.m()) + ")"};
    }
    RallyPoint r;
    r.name = p.name;
    r.kind = p.kind;
    r.position = p.position;
    r.along_m = pos.along_m;
    r.offset_m = pos.offset_m;
    r.radius_m = options.radius.m();
    out.push_back(std::move(r));
    prev_along_m = pos.along_m;
  }
  if (options.order == RallyOptions::Order::kByPosition) {
    std::stable_sort(out.begin(), out.end(), [](const RallyPoint& a, const RallyPoint& b) {
      return a.along_m < b.along_m;
    });
  }
  return out;
}

}  // namespace convoy::maps
