// Where each car truly is: a pure function of time over the plan (scenario_plan.h).
#include <algorithm>
#include <cmath>

#include "tracker/scenario/scenario_plan.h"

namespace convoy::tracker {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Pulling into a parking spot and out of it takes this long.
constexpr double kParkS = 30.0;

maps::LatLon Lerp(maps::LatLon a, maps::LatLon b, double f) {
  return maps::LatLon::FromDegrees(a.lat_deg() + f * (b.lat_deg() - a.lat_deg()),
                                   a.lon_deg() + f * (b.lon_deg() - a.lon_deg()))
      .value();
}

}  // namespace

double ScenarioPlan::Lateral::At(double t) const {
  const double x = t - t0;
  if (x <= 0 || x >= 2 * ramp_s + hold_s) return 0;
  if (x < ramp_s) return offset_m * (1 - std::cos(kPi * x / ramp_s)) / 2;
  if (x <= ramp_s + hold_s) return offset_m;
  return offset_m * (1 + std::cos(kPi * (x - ramp_s - hold_s) / ramp_s)) / 2;
}

int64_t ScenarioPlan::Ms(double t) const { return origin_ms + std::llround(t * 1000.0); }

double ScenarioPlan::HeadwaySum(uint32_t car, double t) const {
  double h = 0;
  for (uint32_t j = 1; j <= car; ++j) h += cars[j].headway.At(t);
  return h;
}

double ScenarioPlan::TauAt(uint32_t car, double t, double headway_sum) const {
  const Car& c = cars[car];
  double tau = c.warp.Apply(t - headway_sum);
  if (c.follow && t >= c.follow->from_s && t < c.follow->to_s) {
    // A smooth minimum (over ~4 s) so the sweep brakes rather than stops dead.
    const double other = TauAt(c.follow->leader, t) - c.follow->behind_s;
    const double d = tau - other;
    tau = (tau + other - std::sqrt(d * d + 16)) / 2;
  }
  return tau;
}

double ScenarioPlan::TauAt(uint32_t car, double t) const {
  return TauAt(car, t, HeadwaySum(car, t));
}

double ScenarioPlan::SolveTau(uint32_t car, double tau) const {
  double lo = tau - 10, hi = tau + 4 * 3600.0;
  for (int k = 0; k < 64; ++k) {
    const double mid = (lo + hi) / 2;
    (TauAt(car, mid) >= tau ? hi : lo) = mid;
  }
  return hi;
}

double ScenarioPlan::SolveU(uint32_t car, double u) const {
  double lo = u - 10, hi = u + 3600.0;
  for (int k = 0; k < 64; ++k) {
    const double mid = (lo + hi) / 2;
    (mid - HeadwaySum(car, mid) >= u ? hi : lo) = mid;
  }
  return hi;
}

ScenarioPlan::Pose ScenarioPlan::PoseAt(uint32_t car, double t, double headway_sum) const {
  const Car& c = cars[car];
  Pose p;
  if (t < c.home_arrive_s) {
    p.position = c.home.At(c.home_drive.DistanceAt(t - c.home_start_s));
    return p;
  }
  if (t >= c.evening_start_s) {
    p.position = c.home.At(c.home.length_m() - c.home_drive.DistanceAt(t - c.evening_start_s));
    return p;
  }
  const double tau = TauAt(car, t, headway_sum);
  size_t k = 0;
  while (k + 1 < legs.size() && tau >= legs[k + 1].begins_tau) ++k;
  const Leg& leg = legs[k];
  const scenario::LegTimeline::State s = leg.timeline.At(tau);
  double offset = 0;
  for (const Lateral& l : c.laterals) offset += l.At(t);
  p.on_tour = true;
  p.leg = k;
  p.along_m = s.along_m;
  p.position = leg.path.Beside(s.along_m, offset);
  if (s.dwell >= 0) {
    const double f = scenario::SmoothStep(std::min(s.since_s, s.until_s) / kParkS);
    p.position = Lerp(p.position, c.spots[k][static_cast<size_t>(s.dwell)], f);
  }
  return p;
}

bool ScenarioPlan::Reporting(uint32_t car, int64_t time_ms) const {
  const auto& on = cars[car].on;
  auto it =
      std::upper_bound(on.begin(), on.end(), time_ms,
                       [](int64_t t, const std::pair<int64_t, int64_t>& w) { return t < w.first; });
  if (it == on.begin()) return false;
  --it;
  return time_ms >= it->first && time_ms < it->second;
}

CarTruth TourScenario::TruthAt(uint32_t car, int64_t time_ms) const {
  const ScenarioPlan& p = *impl_;
  CarTruth truth;
  if (car >= p.cars.size()) return truth;
  const double t = p.Seconds(time_ms);
  ScenarioPlan::Pose pose = p.PoseAt(car, t);
  ScenarioPlan::Pose before = p.PoseAt(car, t - 0.5);
  ScenarioPlan::Pose after = p.PoseAt(car, t + 0.5);
  double e = 0, n = 0;
  scenario::EastNorth(before.position, after.position, &e, &n);
  truth.reporting = p.Reporting(car, time_ms);
  truth.on_tour = pose.on_tour;
  truth.leg = pose.leg;
  truth.along_m = pose.along_m;
  truth.position = pose.position;
  truth.speed_mps = std::hypot(e, n);
  return truth;
}

}  // namespace convoy::tracker
