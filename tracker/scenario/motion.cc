#include "tracker/scenario/motion.h"

#include <algorithm>
#include <cmath>

namespace convoy::tracker::scenario {
namespace {

constexpr double kMetresPerDegree = 111'195.08;  // mean Earth radius
constexpr double kPi = 3.14159265358979323846;

maps::LatLon Make(double lat, double lon) {
  lat = std::clamp(lat, -90.0, 90.0);
  if (lon > 180) lon -= 360;
  if (lon < -180) lon += 360;
  return maps::LatLon::FromDegrees(lat, lon).value();
}

}  // namespace

void EastNorth(maps::LatLon from, maps::LatLon to, double* east_m, double* north_m) {
  const double mid = (from.lat_deg() + to.lat_deg()) / 2 * kPi / 180;
  *east_m = (to.lon_deg() - from.lon_deg()) * kMetresPerDegree * std::cos(mid);
  *north_m = (to.lat_deg() - from.lat_deg()) * kMetresPerDegree;
}

maps::LatLon Shift(maps::LatLon p, double east_m, double north_m) {
  const double lat = p.lat_deg() + north_m / kMetresPerDegree;
  const double lon = p.lon_deg() + east_m / (kMetresPerDegree * std::cos(p.lat_deg() * kPi / 180));
  return Make(lat, lon);
}

double SmoothStep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3 - 2 * x);
}

// ---- GeoPath ----------------------------------------------------------------------------------

GeoPath::GeoPath(const std::vector<maps::LatLon>& points) {
  for (const maps::LatLon& p : points) {
    double d = 0;
    if (!along_.empty()) {
      d = maps::GeodesicDistanceM(Make(lat_.back(), lon_.back()), p);
      if (d < 1e-3) continue;
    }
    lat_.push_back(p.lat_deg());
    lon_.push_back(p.lon_deg());
    along_.push_back(along_.empty() ? 0 : along_.back() + d);
  }
}

GeoPath GeoPath::FromRoute(const maps::Route& route) {
  GeoPath g;
  for (size_t i = 0; i < route.num_vertices(); ++i) {
    g.lat_.push_back(route.vertex(i).lat_deg());
    g.lon_.push_back(route.vertex(i).lon_deg());
    g.along_.push_back(route.vertex_along_m(i));
  }
  return g;
}

GeoPath GeoPath::Slice(double from_m, double to_m) const {
  const bool reversed = from_m > to_m;
  const double lo = std::clamp(std::min(from_m, to_m), 0.0, length_m());
  const double hi = std::clamp(std::max(from_m, to_m), 0.0, length_m());
  std::vector<maps::LatLon> pts{At(lo)};
  for (size_t i = 0; i < along_.size(); ++i) {
    if (along_[i] > lo && along_[i] < hi) pts.push_back(Make(lat_[i], lon_[i]));
  }
  pts.push_back(At(hi));
  if (reversed) std::reverse(pts.begin(), pts.end());
  return GeoPath(pts);
}

GeoPath GeoPath::Then(maps::LatLon p) const {
  GeoPath g = *this;
  double d = along_.empty() ? 0 : maps::GeodesicDistanceM(Make(lat_.back(), lon_.back()), p);
  if (!along_.empty() && d < 1e-3) return g;
  g.lat_.push_back(p.lat_deg());
  g.lon_.push_back(p.lon_deg());
  g.along_.push_back(along_.empty() ? 0 : along_.back() + d);
  return g;
}

GeoPath GeoPath::Reversed() const {
  GeoPath g;
  for (size_t k = along_.size(); k-- > 0;) {
    g.lat_.push_back(lat_[k]);
    g.lon_.push_back(lon_[k]);
    g.along_.push_back(length_m() - along_[k]);
  }
  return g;
}

maps::LatLon GeoPath::At(double s) const {
  if (along_.size() == 1) return Make(lat_[0], lon_[0]);
  s = std::clamp(s, 0.0, length_m());
  auto it = std::upper_bound(along_.begin(), along_.end(), s);
  size_t i = it == along_.begin() ? 0 : static_cast<size_t>(it - along_.begin()) - 1;
  i = std::min(i, along_.size() - 2);
  const double span = along_[i + 1] - along_[i];
  const double f = span > 0 ? (s - along_[i]) / span : 0;
  return Make(lat_[i] + f * (lat_[i + 1] - lat_[i]), lon_[i] + f * (lon_[i + 1] - lon_[i]));
}

std::pair<double, double> GeoPath::Direction(double s) const {
  double e = 0, n = 0;
  EastNorth(At(s - 50), At(s + 50), &e, &n);
  const double len = std::hypot(e, n);
  if (len < 1e-9) return {0, 1};
  return {e / len, n / len};
}

maps::LatLon GeoPath::Beside(double s, double offset_m) const {
  if (offset_m == 0) return At(s);
  auto [e, n] = Direction(s);
  return Shift(At(s), -n * offset_m, e * offset_m);
}

// ---- DriveProfile -----------------------------------------------------------------------------

DriveProfile DriveProfile::Make(double distance_m, double v_mps, double a) {
  DriveProfile p;
  p.distance_m = std::max(0.0, distance_m);
  p.a = a;
  p.v = v_mps;
  if (p.v * p.v / a > p.distance_m) p.v = std::sqrt(a * p.distance_m);  // never reaches cruise
  p.t_acc = p.v > 0 ? p.v / a : 0;
  p.d_acc = 0.5 * a * p.t_acc * p.t_acc;
  const double cruise_m = p.distance_m - 2 * p.d_acc;
  p.duration_s = 2 * p.t_acc + (p.v > 0 ? cruise_m / p.v : 0);
  return p;
}

double DriveProfile::SpeedFor(double distance_m, double duration_s, double a, double v_min,
                              double v_max) {
  // duration = d / v + v / a  =>  v^2 - a T v + a d = 0; the smaller root is the slower drive.
  const double b = a * duration_s;
  const double disc = b * b - 4 * a * distance_m;
  const double v = disc > 0 ? (b - std::sqrt(disc)) / 2 : v_max;
  return std::clamp(v, v_min, v_max);
}

double DriveProfile::DistanceAt(double t) const {
  if (t <= 0) return 0;
  if (t >= duration_s) return distance_m;
  if (t < t_acc) return 0.5 * a * t * t;
  const double braking_from = duration_s - t_acc;
  if (t < braking_from) return d_acc + v * (t - t_acc);
  const double r = duration_s - t;
  return distance_m - 0.5 * a * r * r;
}

// ---- LegTimeline -------------------------------------------------------------------------------

LegTimeline::State LegTimeline::At(double tau) const {
  State s;
  for (size_t k = 0; k < dwells.size(); ++k) {
    const Dwell& d = dwells[k];
    if (tau <= d.to_s || k + 1 == dwells.size()) {
      if (tau >= d.from_s || k == 0) {
        s.along_m = d.along_m;
        s.dwell = static_cast<int>(k);
        s.since_s = tau - d.from_s;
        s.until_s = d.to_s - tau;
        return s;
      }
      // Driving from dwell k-1 to k.
      const DriveProfile& p = drives[k - 1];
      s.along_m = dwells[k - 1].along_m + p.DistanceAt(tau - dwells[k - 1].to_s);
      return s;
    }
  }
  return s;
}

// ---- Warp -------------------------------------------------------------------------------------

void Warp::Add(const std::vector<std::pair<double, double>>& breakpoints) {
  for (const auto& [u, w] : breakpoints) {
    double cum = 0;
    if (!u_.empty()) {
      const size_t i = u_.size() - 1;
      const double du = u - u_[i];
      cum = cum_[i] + (w_[i] - 1) * du + (w - w_[i]) * du / 2;
    }
    u_.push_back(u);
    w_.push_back(w);
    cum_.push_back(cum);
  }
}

double Warp::Apply(double u) const {
  if (u_.empty() || u <= u_.front()) return u;
  if (u >= u_.back()) return u + cum_.back();
  auto it = std::upper_bound(u_.begin(), u_.end(), u);
  const size_t i = static_cast<size_t>(it - u_.begin()) - 1;
  const double span = u_[i + 1] - u_[i];
  const double du = u - u_[i];
  const double slope = span > 0 ? (w_[i + 1] - w_[i]) / span : 0;
  return u + cum_[i] + (w_[i] - 1) * du + slope * du * du / 2;
}

std::vector<std::pair<double, double>> Slowdown(double u0, double ramp_s, double factor,
                                                double hold_s, double catchup) {
  // Time lost (integral of rate - 1) by the ramps and the hold; the catch-up makes it up.
  const double f = factor - 1, c = catchup - 1;
  const double lost = -(f * ramp_s / 2 + f * hold_s + (f + c) * ramp_s / 2 + c * ramp_s / 2);
  const double keep_s = std::max(0.0, lost / c);
  double u = u0;
  std::vector<std::pair<double, double>> b;
  b.emplace_back(u, 1);
  b.emplace_back(u += ramp_s, factor);
  b.emplace_back(u += hold_s, factor);
  b.emplace_back(u += ramp_s, catchup);
  b.emplace_back(u += keep_s, catchup);
  b.emplace_back(u += ramp_s, 1);
  return b;
}

double SlowdownRecoveredU(const std::vector<std::pair<double, double>>& b) {
  // On the ramp from factor (b[2]) to catchup (b[3]).
  const auto [u2, w2] = b[2];
  const auto [u3, w3] = b[3];
  return u2 + (1 - w2) / (w3 - w2) * (u3 - u2);
}

// ---- Headway, Rng -----------------------------------------------------------------------------

double Headway::At(double t) const { return h0 * (1 + amp * std::sin(omega * t + phase)); }

Rng::Rng(uint64_t seed) {
  for (uint64_t& s : s_) {
    seed += 0x9e3779b97f4a7c15ULL;
    uint64_t z = seed;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    s = z ^ (z >> 31);
  }
}

uint64_t Rng::Next() {
  auto rotl = [](uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::Uniform(double lo, double hi) {
  return lo + (hi - lo) * (static_cast<double>(Next() >> 11) / static_cast<double>(1ULL << 53));
}

double Rng::Normal() {
  // Box-Muller; one of the pair is enough here.
  double u1 = Uniform();
  if (u1 < 1e-300) u1 = 1e-300;
  const double u2 = Uniform();
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * kPi * u2);
}

}  // namespace convoy::tracker::scenario
