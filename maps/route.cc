#include "maps/route.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <boost/function_output_iterator.hpp>

#include "maps/route_index.h"

namespace convoy::maps {
namespace {

constexpr double kDuplicateM = 1e-3;
// Above this many segments in a hint's window the scan costs more than the R-tree search.
constexpr size_t kMaxWindowScan = 256;
// Segments this far either side of a hint's window are scanned too, so that a car within this
// distance of the route needs no R-tree search at all.
constexpr double kScanMarginM = 50.0;
// A window scan whose best cost is above this (the car is far from its window) is re-seeded
// from the R-tree's nearest boxes, so that the final box query stays small.
constexpr double kMaxSeedM = 50.0;
constexpr unsigned kNearestSeeds = 4;

struct Candidate {
  RoutePosition pos;
  double cost = std::numeric_limits<double>::infinity();
  double from_centre_m = std::numeric_limits<double>::infinity();
};

// Smallest angle between two directions, [0, 180].
double AngleBetween(double a_deg, double b_deg) {
  double d = std::fabs(std::fmod(a_deg - b_deg, 360.0));
  return d > 180 ? 360 - d : d;
}

double Outside(double along_m, const ProjectHint& hint) {
  if (along_m < hint.min_along_m) return hint.min_along_m - along_m;
  if (along_m > hint.max_along_m) return along_m - hint.max_along_m;
  return 0;
}

}  // namespace

ProjectHint ProjectHint::Near(double prev_along_m, double max_travel_m) {
  ProjectHint h;
  h.min_along_m = prev_along_m - std::fabs(max_travel_m);
  h.max_along_m = prev_along_m + std::fabs(max_travel_m);
  return h;
}

ProjectHint ProjectHint::AfterTravel(double prev_along_m, Seconds elapsed,
                                     MetersPerSecond max_speed, Meters slack) {
  double travel_m = std::fabs(max_speed.mps() * elapsed.s()) + std::fabs(slack.m());
  return Near(prev_along_m, travel_m);
}

ProjectHint ProjectHint::AtOrAfter(double min_along_m) {
  ProjectHint h;
  h.min_along_m = min_along_m;
  h.max_along_m = std::numeric_limits<double>::infinity();
  return h;
}

Route::Route(LocalFrame frame) : frame_(std::move(frame)), index_(std::make_unique<Index>()) {}
Route::Route(const Route& other)
    : frame_(other.frame_),
      vertices_(other.vertices_),
      xy_(other.xy_),
      along_m_(other.along_m_),
      segments_(other.segments_),
      index_(std::make_unique<Index>(*other.index_)) {}
Route& Route::operator=(const Route& other) {
  if (this != &other) *this = Route(other);
  return *this;
}
Route::Route(Route&&) noexcept = default;
Route& Route::operator=(Route&&) noexcept = default;
Route::~Route() = default;

bool Route::AppendVertex(LatLon p, bool index_now) {
  XY xy = frame_.Forward(p);
  if (vertices_.empty()) {
    vertices_.push_back(p);
    xy_.push_back(xy);
    along_m_.push_back(0);
    return true;
  }
  GeodesicLine g = GeodesicInverse(vertices_.back(), p);
  if (g.distance_m < kDuplicateM) return false;
  Segment s;
  s.dx = xy.x - xy_.back().x;
  s.dy = xy.y - xy_.back().y;
  double len2 = s.dx * s.dx + s.dy * s.dy;
  s.inv_len2 = len2 > 0 ? 1.0 / len2 : 0.0;
  s.length_m = g.distance_m;
  s.azimuth_deg = g.azimuth_deg;
  if (index_now) {
    index_->tree.insert(
        Index::Value(Index::SegmentBox(xy_.back(), xy), static_cast<uint32_t>(segments_.size())));
  }
  segments_.push_back(s);
  vertices_.push_back(p);
  xy_.push_back(xy);
  along_m_.push_back(along_m_.back() + g.distance_m);
  return true;
}

void Route::BuildIndex() {
  std::vector<Index::Value> values;
  values.reserve(segments_.size());
  for (uint32_t i = 0; i < segments_.size(); ++i) {
    values.emplace_back(Index::SegmentBox(xy_[i], xy_[i + 1]), i);
  }
  index_->tree = Index::Tree(values.begin(), values.end());  // packing (STR) bulk load
}

Result<Route> Route::FromLatLons(std::span<const LatLon> points) {
  if (points.size() < 2) {
    return Error{"a route needs at least 2 points, got " + std::to_string(points.size())};
  }
  double min_lat = 90, max_lat = -90, min_lon = 180, max_lon = -180;
  for (const LatLon& p : points) {
    min_lat = std::min(min_lat, p.lat_deg());
    max_lat = std::max(max_lat, p.lat_deg());
    min_lon = std::min(min_lon, p.lon_deg());
    max_lon = std::max(max_lon, p.lon_deg());
  }
  Result<LatLon> centre = LatLon::FromDegrees((min_lat + max_lat) / 2, (min_lon + max_lon) / 2);
  if (!centre.ok()) return centre.status();
  Result<LocalFrame> frame = LocalFrame::Create(*centre);
  if (!frame.ok()) return frame.status();
  Route route(std::move(*frame));
  route.vertices_.reserve(points.size());
  route.xy_.reserve(points.size());
  route.along_m_.reserve(points.size());
  route.segments_.reserve(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    route.AppendVertex(points[i], /*index_now=*/false);
    const XY& xy = route.xy_.back();
    if (!std::isfinite(xy.x) || !std::isfinite(xy.y)) {
      return Error{"point " + std::to_string(i + 1) + " (" + points[i].ToString() +
                   ") is too far from the route's centre for its local frame"};
    }
  }
  if (route.vertices_.size() < 2) return Error{"all points of the route are the same point"};
  route.BuildIndex();
  return route;
}

Route Route::Reversed() const {
  std::vector<LatLon> reversed(vertices_.rbegin(), vertices_.rend());
  // The forward route was valid, so its reverse is too.
  return std::move(FromLatLons(reversed).value());
}

uint32_t Route::SegmentAt(double along_m) const {
  auto it = std::upper_bound(along_m_.begin(), along_m_.end(), along_m);
  size_t i = it == along_m_.begin() ? 0 : static_cast<size_t>(it - along_m_.begin()) - 1;
  return static_cast<uint32_t>(std::min(i, segments_.size() - 1));
}

LatLon Route::PointAt(double along_m) const {
  along_m = std::clamp(along_m, 0.0, length_m());
  uint32_t i = SegmentAt(along_m);
  double t_m = along_m - along_m_[i];
  if (t_m <= 0) return vertices_[i];
  if (t_m >= segments_[i].length_m) return vertices_[i + 1];
  return GeodesicDirect(vertices_[i], segments_[i].azimuth_deg, t_m);
}

double Route::HeadingAt(double along_m) const {
  return segments_[SegmentAt(std::clamp(along_m, 0.0, length_m()))].azimuth_deg;
}

RoutePosition Route::Evaluate(uint32_t i, XY p, double* dist_m) const {
  const Segment& s = segments_[i];
  const XY& a = xy_[i];
  double px = p.x - a.x, py = p.y - a.y;
  double t = std::clamp((px * s.dx + py * s.dy) * s.inv_len2, 0.0, 1.0);
  double ex = px - t * s.dx, ey = py - t * s.dy;
  double dist = std::sqrt(ex * ex + ey * ey);
  // Cross product of the segment direction and the point: > 0 when the point is to the left.
  double cross = s.dx * py - s.dy * px;
  *dist_m = dist;
  RoutePosition pos;
  pos.along_m = along_m_[i] + t * s.length_m;
  pos.offset_m = cross >= 0 ? dist : -dist;
  pos.segment = i;
  pos.heading_deg = s.azimuth_deg;
  return pos;
}

RoutePosition Route::FarPosition(LatLon p) const {
  RoutePosition pos;
  pos.offset_m = GeodesicDistanceM(vertices_.front(), p);
  pos.heading_deg = segments_.front().azimuth_deg;
  return pos;
}

RoutePosition Route::Project(LatLon p) const {
  // No window: every candidate costs its distance alone.
  ProjectHint any;
  any.min_along_m = -std::numeric_limits<double>::infinity();
  any.max_along_m = std::numeric_limits<double>::infinity();
  return Project(p, any);
}

RoutePosition Route::Project(LatLon p, const ProjectHint& hint) const {
  XY xy = frame_.Forward(p);
  if (!std::isfinite(xy.x) || !std::isfinite(xy.y)) return FarPosition(p);
  Candidate best;
  const bool has_course = std::isfinite(hint.course_deg);
  // Ties go to the along_m nearest this; an unbounded side leaves the other bound, and no
  // bound at all the start of the route.
  const bool lo = std::isfinite(hint.min_along_m), hi = std::isfinite(hint.max_along_m);
  const double centre_m = lo && hi ? (hint.min_along_m + hint.max_along_m) / 2
                          : lo     ? hint.min_along_m
                          : hi     ? hint.max_along_m
                                   : 0.0;
  auto consider = [&](uint32_t i) {
    // cost >= distance: most segments of a scan are ruled out by their squared distance alone.
    const Segment& s = segments_[i];
    double px = xy.x - xy_[i].x, py = xy.y - xy_[i].y;
    double t = std::clamp((px * s.dx + py * s.dy) * s.inv_len2, 0.0, 1.0);
    double ex = px - t * s.dx, ey = py - t * s.dy;
    if (ex * ex + ey * ey > best.cost * best.cost) return;
    double dist = 0;
    RoutePosition pos = Evaluate(i, xy, &dist);
    double cost =
        dist + std::min(hint.penalty_per_m * Outside(pos.along_m, hint), hint.max_penalty_m);
    if (has_course && AngleBetween(hint.course_deg, segments_[i].azimuth_deg) > 90) {
      cost += hint.wrong_direction_penalty_m;
    }
    double from_centre_m = std::fabs(pos.along_m - centre_m);
    if (cost < best.cost || (cost == best.cost && (from_centre_m < best.from_centre_m ||
                                                   (from_centre_m == best.from_centre_m &&
                                                    pos.along_m < best.pos.along_m)))) {
      best.cost = cost;
      best.pos = pos;
      best.from_centre_m = from_centre_m;
    }
  };

  // Scan the window and a margin either side: usually the answer, and often a proof of it.
  double unscanned_floor = 0;  // a lower bound on the cost of every segment not scanned
  if (hint.max_along_m >= -kScanMarginM && hint.min_along_m <= length_m() + kScanMarginM) {
    uint32_t first = SegmentAt(hint.min_along_m - kScanMarginM);
    uint32_t last = SegmentAt(hint.max_along_m + kScanMarginM);
    if (last - first < kMaxWindowScan) {
      // The window's centre first: usually the answer, so the rest prune on distance alone.
      consider(SegmentAt(std::clamp(centre_m, 0.0, length_m())));
      for (uint32_t i = first; i <= last; ++i) consider(i);
      // Segments before `first` end at or before min - margin, those after `last` start after
      // max + margin: each is at least the margin outside the window.
      unscanned_floor = std::min(hint.penalty_per_m * kScanMarginM, hint.max_penalty_m);
    }
  }
  if (best.cost < unscanned_floor) return best.pos;  // the R-tree cannot find anything better

  if (!(best.cost <= kMaxSeedM)) {
    // The nearest boxes' segments: a bound close to the answer. A box's distance is a lower
    // bound on its segment's, so the few nearest boxes usually hold the nearest segment.
    index_->tree.query(
        bgi::nearest(Index::Point(xy.x, xy.y), kNearestSeeds),
        boost::make_function_output_iterator([&](const Index::Value& v) { consider(v.second); }));
  }
  // Every segment that can beat best.cost lies within best.cost of the point (cost >= distance),
  // so its box meets this square.
  double r = best.cost;
  Index::Box box(Index::Point(xy.x - r, xy.y - r), Index::Point(xy.x + r, xy.y + r));
  index_->tree.query(bgi::intersects(box), boost::make_function_output_iterator(
                                               [&](const Index::Value& v) { consider(v.second); }));
  return best.pos;
}

}  // namespace convoy::maps
