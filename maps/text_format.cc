#include "maps/text_format.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace convoy::maps {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool ParseDouble(std::string_view s, double* out) {
  s = Trim(s);
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Result<LatLon> ParseLatLon(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Error{"expected lat:lon"};
  double lat = 0, lon = 0;
  if (!ParseDouble(text.substr(0, colon), &lat)) return Error{"bad latitude"};
  if (!ParseDouble(text.substr(colon + 1), &lon)) return Error{"bad longitude"};
  return LatLon::FromDegrees(lat, lon);
}

Result<std::vector<LatLon>> ParseLatLons(std::string_view text) {
  std::vector<LatLon> points;
  if (Trim(text).empty()) return points;
  size_t n = 0;
  while (true) {
    size_t comma = text.find(',');
    std::string_view item = Trim(text.substr(0, comma));
    ++n;
    Result<LatLon> p = ParseLatLon(item);
    if (!p.ok()) {
      return Error{"point " + std::to_string(n) + " '" + std::string(item) + "': " + p.message()};
    }
    points.push_back(*p);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return points;
}

Result<Route> MakeRoute(std::string_view text) {
  Result<std::vector<LatLon>> points = ParseLatLons(text);
  if (!points.ok()) return points.status();
  return Route::FromLatLons(*points);
}

Route MakeRouteOrDie(std::string_view text) {
  Result<Route> route = MakeRoute(text);
  if (!route.ok()) {
    std::fprintf(stderr, "MakeRouteOrDie(\"%.*s\"): %s\n", static_cast<int>(text.size()),
                 text.data(), route.message().c_str());
    std::abort();
  }
  return std::move(route).value();
}

std::string ToText(const std::vector<LatLon>& points) {
  std::string out;
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0) out += ", ";
    out += points[i].ToString();
  }
  return out;
}

}  // namespace convoy::maps
