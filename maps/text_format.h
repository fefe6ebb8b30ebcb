// Geometry as short text, after S2's s2text_format.h, so a test states its route in one line:
//     "41.90:12.50, 41.91:12.52, 41.92:12.55"
// Each point is lat:lon in decimal degrees; points are separated by commas; blanks are ignored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "maps/latlon.h"
#include "maps/route.h"
#include "proto/result.h"

namespace convoy::maps {

// Errors name the point by its 1-based position and text: "point 2 '41.9:x': bad longitude".
Result<LatLon> ParseLatLon(std::string_view text);
Result<std::vector<LatLon>> ParseLatLons(std::string_view text);
Result<Route> MakeRoute(std::string_view text);
// For tests and fixtures written in code: aborts with the parse error.
Route MakeRouteOrDie(std::string_view text);
// The inverse of ParseLatLons, 7 decimals.
std::string ToText(const std::vector<LatLon>& points);

}  // namespace convoy::maps
