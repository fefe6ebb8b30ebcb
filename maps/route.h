// A planned road as a polyline with linear referencing in metres, after S2Polyline's
// Project / Interpolate / UnInterpolate but on the WGS-84 ellipsoid.
//
// Distances along the route are geodesic: each segment's length is Karney's geodesic distance
// between its vertices, so along_m at a vertex is exact to the nanometre whatever the route's
// extent. Where a position falls within a segment, and its offset from the route, are measured in
// the route's LocalFrame (maps/local_frame.h); within 0.1% of the geodesic values up to ~280 km
// east or west of the route's centre.
//
// Continuity. A road can run back beside itself (an out-and-back road, a loop, a hairpin), so the
// nearest segment is not always the one a car is on. Project(p, hint) picks the segment that
// minimises
//     cost = |offset_m| + min(penalty_per_m * outside_m, max_penalty_m)
//                       + (wrong_direction_penalty_m if the car's course is known and differs
//                          from the segment's heading by more than 90 degrees)
// where outside_m is how far the candidate's along_m lies outside the hint's window
// [min_along_m, max_along_m] (0 inside it). With the defaults (1 m per m, capped at 200 m) a car
// is kept on its own carriageway whenever the other one is less than 200 m closer, which covers
// parallel roads and hairpins; a car that left the route and rejoins it elsewhere is not held at
// its old place once it is 200 m or more nearer the new one. The course term settles a road
// driven out and back on the same line, where both directions are equally near and both inside the
// window at the turning point; it is smaller than the window cap, so a car that turns round and
// drives against the route stays at its place (along_m decreasing: the hub's wrong-way signal).
// Equal costs go to the along_m nearest the window's centre, then to the smaller along_m.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <vector>

#include "maps/latlon.h"
#include "maps/local_frame.h"
#include "maps/units.h"
#include "proto/result.h"

namespace convoy::maps {

// Where a position lies relative to the route.
struct RoutePosition {
  double along_m = 0;      // [0, Route::length_m()]: geodesic distance from the start
  double offset_m = 0;     // signed distance off the route: + left, - right of the travel direction
  uint32_t segment = 0;    // [0, Route::num_segments()): the segment holding along_m
  double heading_deg = 0;  // the route's direction there, degrees from true north, [0, 360)
};

// Where the caller expects the position to be along the route (the car's last along_m widened by
// how far it can have driven since). See the continuity rule at the top of this file.
struct ProjectHint {
  double min_along_m = 0;
  double max_along_m = 0;
  double penalty_per_m = 1.0;    // cost in offset metres per metre outside the window, >= 0
  double max_penalty_m = 200.0;  // cap on that cost, >= 0
  // The car's course over ground, degrees from true north; NaN when unknown (stopped, no fix).
  double course_deg = std::numeric_limits<double>::quiet_NaN();
  double wrong_direction_penalty_m = 30.0;  // >= 0

  // This hint with the car's course (pass it only when the car moves, above ~2 m/s).
  ProjectHint WithCourse(double course) const {
    ProjectHint h = *this;
    h.course_deg = course;
    return h;
  }

  // The window prev_along_m +- max_travel_m.
  static ProjectHint Near(double prev_along_m, double max_travel_m);
  // The window after `elapsed` at up to `max_speed`, plus `slack` for GPS noise either way.
  static ProjectHint AfterTravel(double prev_along_m, Seconds elapsed, MetersPerSecond max_speed,
                                 Meters slack = Meters::M(50));
  // Any along_m >= min_along_m: for rally points listed in the order they are visited.
  static ProjectHint AtOrAfter(double min_along_m);
};

// Immutable once built; thread-safe to read from any number of threads. Copyable (deep copy,
// O(n)) and cheap to move.
class Route {
 public:
  // At least two vertices that are not all the same point; consecutive duplicates (closer than
  // 1 mm) are dropped. Cost: O(n log n), about 2 us per vertex (a geodesic, a PROJ call, the
  // R-tree's packing bulk load): 0.2 s for 100,000 vertices.
  // The local frame is centred on the bounding box (routes crossing the antimeridian are not
  // supported).
  static Result<Route> FromLatLons(std::span<const LatLon> points);

  // The same road driven the other way (the way home). Cost: as FromLatLons.
  Route Reversed() const;

  // Geodesic length in metres, > 0.
  double length_m() const { return along_m_.back(); }
  size_t num_vertices() const { return vertices_.size(); }
  size_t num_segments() const { return vertices_.size() - 1; }
  // Preconditions: i < num_vertices().
  LatLon vertex(size_t i) const { return vertices_[i]; }
  double vertex_along_m(size_t i) const { return along_m_[i]; }
  const LocalFrame& frame() const { return frame_; }

  // The nearest point of the route to p; ties go to the smaller along_m. Output ranges as in
  // RoutePosition. Cost: one PROJ call (~120 ns), an R-tree search for the 4 nearest segment
  // boxes and a box query around the best of them, O(log n): about 2 us (tests/bench:
  // ~500,000/s on a 100,000-vertex route). A point the local frame cannot represent (the other
  // side of the globe) gets along_m 0 and offset_m = its geodesic distance to the start.
  RoutePosition Project(LatLon p) const;
  // As Project(p), choosing among candidates by the continuity rule above. Cost: one PROJ call
  // and a scan of the segments in the window plus 50 m either side (skipped when more than
  // 256); when the best of them is nearer than 50 m (its cost below the cost any other segment
  // must pay) that is the answer and the R-tree is not touched. About 1 us (~900,000/s in
  // tests/bench with 20 m between fixes).
  RoutePosition Project(LatLon p, const ProjectHint& hint) const;

  // The point at along_m, clamped to [0, length_m()]. Inverse of Project for points on the
  // route: Project(PointAt(a)).along_m == a within a millimetre. Cost: O(log n) + one geodesic,
  // about 1 us.
  LatLon PointAt(double along_m) const;
  // The route's direction at along_m (clamped), degrees from true north, [0, 360): the geodesic
  // azimuth of the segment holding along_m at its start vertex. Cost: O(log n).
  double HeadingAt(double along_m) const;
  // The segment holding along_m (clamped): the last i with vertex_along_m(i) <= along_m, at most
  // num_segments() - 1. Cost: O(log n).
  uint32_t SegmentAt(double along_m) const;

  Route(const Route& other);
  Route& operator=(const Route& other);
  Route(Route&&) noexcept;
  Route& operator=(Route&&) noexcept;
  ~Route();

 private:
  friend class RouteBuilder;
  struct Segment {
    double dx = 0, dy = 0;   // planar direction, metres in frame_
    double inv_len2 = 0;     // 1 / (dx^2 + dy^2)
    double length_m = 0;     // geodesic
    double azimuth_deg = 0;  // geodesic azimuth at the start vertex
  };
  class Index;  // the R-tree over segment bounding boxes (route_index.h)

  explicit Route(LocalFrame frame);
  // Adds a vertex; returns false (and adds nothing) when it repeats the last one within 1 mm.
  bool AppendVertex(LatLon p, bool index_now);
  void BuildIndex();
  RoutePosition Evaluate(uint32_t segment, XY p, double* dist_m) const;
  RoutePosition FarPosition(LatLon p) const;

  LocalFrame frame_;
  std::vector<LatLon> vertices_;
  std::vector<XY> xy_;
  std::vector<double> along_m_;
  std::vector<Segment> segments_;
  std::unique_ptr<Index> index_;
};

// Builds a route one point at a time: the hub's follow-the-lead mode, where the lead car's track
// becomes the route as it drives. Not thread-safe: one writer; readers of route() must be
// synchronised with Append by the caller (or take a Snapshot()).
class RouteBuilder {
 public:
  struct Options {
    // Points closer than this to the last kept vertex are dropped, so a parked lead car does not
    // add vertices and GPS jitter does not add zig-zags. >= 0.
    double min_spacing_m = 5.0;
  };
  RouteBuilder() : RouteBuilder(Options{}) {}
  explicit RouteBuilder(Options options) : options_(options) {}

  // Cost: amortised O(log n), ~2 us (one geodesic, one PROJ call, one R-tree insert). The local
  // frame is centred on the first point. Returns true when p became a vertex.
  bool Append(LatLon p);

  size_t num_vertices() const;
  // Null until two distinct vertices exist. Valid until the next Append.
  const Route* route() const;
  // A copy that later Appends do not touch. Cost: O(n).
  Result<Route> Snapshot() const;

 private:
  Options options_;
  std::unique_ptr<Route> route_;  // set once the frame exists, possibly with one vertex
};

}  // namespace convoy::maps
