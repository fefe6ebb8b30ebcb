// Rally points: the places where the convoy meets, stops or ends a leg, placed on the route.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "maps/latlon.h"
#include "maps/route.h"
#include "maps/route_file.h"
#include "maps/units.h"
#include "proto/result.h"

namespace convoy::maps {

struct RallyPoint {
  std::string name;
  std::string kind;  // free text from the file ("restaurant", ...); may be empty
  LatLon position;
  double along_m = 0;   // where it projects onto the route, [0, Route::length_m()]
  double offset_m = 0;  // its signed distance from the route (+ left): a service area lies beside
  double radius_m = 0;  // a car within this distance of `position` has arrived, > 0
  // Planned times, UTC ms since 1970-01-01, when the tour plan gives them.
  std::optional<int64_t> arrive_utc_ms;
  std::optional<int64_t> depart_utc_ms;
};

struct RallyOptions {
  enum class Order {
    // The points are listed in the order they are visited: each is placed at or after the previous
    // one, so a loop's start and end (the same hotel) go to along 0 and to the end.
    kAsListed,
    // Any order (a GeoPackage of stops): each goes to its nearest place; the result is sorted by
    // along_m.
    kByPosition,
  };
  Order order = Order::kAsListed;
  // kAsListed: the first point is placed at or after this along_m (a leg's rallies one at a time).
  double start_along_m = 0;
  Meters radius = Meters::M(300);
  // A point farther than this from the route is an error: it belongs to another route.
  Meters max_offset = Meters::Km(2);
};

// Errors: "rally point 3 'Hotel': 5.2 km from the route (the limit is 2.0 km)".
// Cost: one Route::Project per point.
Result<std::vector<RallyPoint>> PlaceRallyPoints(const Route& route,
                                                 const std::vector<NamedPoint>& points,
                                                 const RallyOptions& options = {});

}  // namespace convoy::maps
