// Internal to tracker/scenario: the pieces the tour's motion is made of. Times are seconds since
// the scenario's origin (doubles keep sub-millisecond precision over days); distances metres.
#pragma once

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "maps/latlon.h"
#include "maps/route.h"

namespace convoy::tracker::scenario {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// Metres east and north from `from` to `to` on a local flat approximation (good to 0.1 % over a
// few km, which is all it is used for).
void EastNorth(maps::LatLon from, maps::LatLon to, double* east_m, double* north_m);
// `p` moved east_m and north_m (same approximation).
maps::LatLon Shift(maps::LatLon p, double east_m, double north_m);

// A polyline with distances along it; positions in between are interpolated linearly in
// latitude and longitude (vertices are at most a few km apart: the difference from the geodesic
// is centimetres).
class GeoPath {
 public:
  GeoPath() = default;
  explicit GeoPath(const std::vector<maps::LatLon>& points);
  // The route's vertices with its own (geodesic) along_m: along on this path is along on it.
  static GeoPath FromRoute(const maps::Route& route);
  // The part between two places along it; reversed when from_m > to_m.
  GeoPath Slice(double from_m, double to_m) const;
  GeoPath Then(maps::LatLon p) const;
  GeoPath Reversed() const;

  double length_m() const { return along_.empty() ? 0 : along_.back(); }
  maps::LatLon At(double s) const;
  // Unit direction of travel at s, (east, north), over +-50 m.
  std::pair<double, double> Direction(double s) const;
  // `s` moved offset_m to the left of the direction of travel (negative: right).
  maps::LatLon Beside(double s, double offset_m) const;

 private:
  std::vector<double> lat_, lon_, along_;
};

// A start-stop drive: accelerate at `a` to cruise speed, cruise, brake at `a` to a stop.
struct DriveProfile {
  double distance_m = 0, v = 0, a = 1;
  double t_acc = 0, d_acc = 0, duration_s = 0;
  static DriveProfile Make(double distance_m, double v_mps, double a);
  // The cruise speed that makes the drive last duration_s (clamped to [v_min, v_max]).
  static double SpeedFor(double distance_m, double duration_s, double a, double v_min,
                         double v_max);
  double DistanceAt(double t) const;  // t in seconds since the start, clamped
};

// The lead car on one leg: where it is at each moment (lead time tau).
struct LegTimeline {
  struct Dwell {
    double along_m = 0;
    double from_s = -kInf, to_s = kInf;  // arrival, departure
  };
  std::vector<Dwell> dwells;         // one per rally point
  std::vector<DriveProfile> drives;  // drives[k] leaves dwells[k] at its to_s for dwells[k+1]
  struct State {
    double along_m = 0;
    int dwell = -1;         // the rally point it waits at, -1 when driving
    double since_s = kInf;  // seconds since it arrived there
    double until_s = kInf;  // seconds until it leaves
  };
  State At(double tau) const;
};

// A car's pace relative to its place in the convoy: tau = W(u). W'(u) is 1 outside the
// breakpoints and linear between them; each added piece returns to W(u) = u (the car has made
// up the time) by its end.
class Warp {
 public:
  // Breakpoints (u, rate), u increasing, first and last rate 1, after every piece added so far.
  void Add(const std::vector<std::pair<double, double>>& breakpoints);
  double Apply(double u) const;
  bool empty() const { return u_.empty(); }
  double end_u() const { return u_.empty() ? -kInf : u_.back(); }

 private:
  std::vector<double> u_, w_, cum_;  // cum_[i] = W(u_[i]) - u_[i]
};

// The breakpoints of: from u0, slow to `factor` of the pace over ramp_s, keep it for hold_s,
// speed up to `catchup` over ramp_s, keep it until the lost time is made up, and back to 1 over
// ramp_s. Requires factor < 1 < catchup.
std::vector<std::pair<double, double>> Slowdown(double u0, double ramp_s, double factor,
                                                double hold_s, double catchup);
// The u where W'(u) crosses 1 again after the slow phase (the car stops falling back).
double SlowdownRecoveredU(const std::vector<std::pair<double, double>>& breakpoints);

// A car's headway behind the car ahead (seconds), wandering +-amp around h0.
struct Headway {
  double h0 = 3, amp = 0.2, omega = 0.0, phase = 0;
  double At(double t) const;
};

// Deterministic random numbers (xoshiro256**, seeded by splitmix64).
class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  double Uniform(double lo = 0, double hi = 1);
  double Normal();  // mean 0, sigma 1

 private:
  uint64_t s_[4];
};

// Smooth 0 -> 1 on [0, 1] (3x^2 - 2x^3), clamped.
double SmoothStep(double x);

}  // namespace convoy::tracker::scenario
