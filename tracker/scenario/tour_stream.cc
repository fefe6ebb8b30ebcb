// The event stream: every reporting car's fix each second (in a fixed order of their phases),
// with the special events (SOS, radio) merged in by time. GPS noise is the only state.
#include <algorithm>
#include <cmath>

#include "tracker/scenario/scenario_plan.h"

namespace convoy::tracker {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kDriftTauS = 60.0;
// About one multipath excursion (10-35 m for 5-20 s) per car per hour.
constexpr double kMultipathPerFix = 1.0 / 3600;

}  // namespace

struct TourScenario::Stream::State {
  struct Noise {
    explicit Noise(uint64_t seed) : rng(seed) {}
    scenario::Rng rng;
    double east_m = 0, north_m = 0;
    int64_t last_ms = INT64_MIN;
    // A multipath excursion (a reflection off a cliff or a building): fixes left, and its
    // peak offset.
    int multipath_left = 0, multipath_len = 0;
    double multipath_east_m = 0, multipath_north_m = 0;
  };
  int64_t second_ms = 0;  // the second being emitted
  size_t slot = 0;        // next index into slot_order
  size_t special = 0;     // next special event
  int64_t headway_second = INT64_MIN;
  std::vector<double> headway, headway_rate;  // per car at headway_second
  std::vector<Noise> noise;
};

TourScenario::Stream TourScenario::Events() const { return Stream(impl_); }

TourScenario::Stream::Stream(std::shared_ptr<const ScenarioPlan> impl)
    : impl_(std::move(impl)), state_(std::make_shared<State>()) {
  const ScenarioPlan& p = *impl_;
  State& s = *state_;
  s.second_ms = p.start_ms - ((p.start_ms % 1000) + 1000) % 1000;
  for (size_t i = 0; i < p.cars.size(); ++i) {
    s.noise.emplace_back(p.options.seed * 0x2545f4914f6cdd1dULL + 7919 * (i + 1));
  }
  s.headway.assign(p.cars.size(), 0);
  s.headway_rate.assign(p.cars.size(), 0);
}

void TourScenario::Stream::SkipTo(int64_t time_ms) {
  const ScenarioPlan& p = *impl_;
  State& s = *state_;
  const int64_t second = time_ms - ((time_ms % 1000) + 1000) % 1000;
  if (second > s.second_ms) {
    s.second_ms = second;
    s.slot = 0;
  }
  while (s.slot < p.slot_order.size() &&
         s.second_ms + p.cars[p.slot_order[s.slot]].phase_ms < time_ms) {
    ++s.slot;
  }
  while (s.special < p.specials.size() && p.specials[s.special].time_ms < time_ms) ++s.special;
}

bool TourScenario::Stream::Next(ScenarioEvent& out) {
  const ScenarioPlan& p = *impl_;
  State& s = *state_;
  const size_t n = p.cars.size();
  while (true) {
    if (s.slot == n) {
      s.second_ms += 1000;
      s.slot = 0;
      // Skip the hours when every tracker is off (nights), but not past a special event.
      int64_t next_on = INT64_MAX;
      for (const ScenarioPlan::Car& c : p.cars) {
        auto it = std::lower_bound(
            c.on.begin(), c.on.end(), s.second_ms,
            [](const std::pair<int64_t, int64_t>& w, int64_t t) { return w.second <= t; });
        if (it != c.on.end()) next_on = std::min(next_on, std::max(it->first, s.second_ms));
      }
      if (s.special < p.specials.size()) {
        next_on = std::min(next_on, p.specials[s.special].time_ms);
      }
      if (next_on == INT64_MAX) return false;
      const int64_t next_second = next_on - ((next_on % 1000) + 1000) % 1000;
      if (next_second > s.second_ms) s.second_ms = next_second;
    }
    const uint32_t car = p.slot_order[s.slot];
    const int64_t time_ms = s.second_ms + p.cars[car].phase_ms;
    if (s.special < p.specials.size() && p.specials[s.special].time_ms <= time_ms) {
      out = p.specials[s.special++];
      return true;
    }
    ++s.slot;
    if (!p.Reporting(car, time_ms)) continue;

    if (s.headway_second != s.second_ms) {
      // Headway sums and their rates once per second; a fix interpolates to its own time.
      const double t = p.Seconds(s.second_ms);
      double sum = 0, rate = 0;
      for (size_t i = 1; i < n; ++i) {
        const scenario::Headway& h = p.cars[i].headway;
        sum += h.At(t);
        rate += h.h0 * h.amp * h.omega * std::cos(h.omega * t + h.phase);
        s.headway[i] = sum;
        s.headway_rate[i] = rate;
      }
      s.headway_second = s.second_ms;
    }
    const double t = p.Seconds(time_ms);
    const double dt = static_cast<double>(time_ms - s.second_ms) / 1000.0;
    const double h = s.headway[car] + s.headway_rate[car] * dt;
    const double hr = s.headway_rate[car];
    const ScenarioPlan::Pose pose = p.PoseAt(car, t, h);
    const ScenarioPlan::Pose before = p.PoseAt(car, t - 0.5, h - 0.5 * hr);
    const ScenarioPlan::Pose after = p.PoseAt(car, t + 0.5, h + 0.5 * hr);
    double ve = 0, vn = 0;
    scenario::EastNorth(before.position, after.position, &ve, &vn);
    const double speed = std::hypot(ve, vn);

    State::Noise& noise = s.noise[car];
    const double gap_s =
        noise.last_ms == INT64_MIN ? 1e9 : static_cast<double>(time_ms - noise.last_ms) / 1000.0;
    const double rho = std::exp(-gap_s / kDriftTauS);
    const double kick = p.options.gps_drift_m * std::sqrt(1 - rho * rho);
    noise.east_m = rho * noise.east_m + kick * noise.rng.Normal();
    noise.north_m = rho * noise.north_m + kick * noise.rng.Normal();
    noise.last_ms = time_ms;
    if (noise.multipath_left == 0 && noise.rng.Uniform() < kMultipathPerFix) {
      noise.multipath_len = noise.multipath_left = 5 + static_cast<int>(noise.rng.Next() % 16);
      const double peak = noise.rng.Uniform(10, 35), dir = noise.rng.Uniform(0, 2 * kPi);
      noise.multipath_east_m = peak * std::sin(dir);
      noise.multipath_north_m = peak * std::cos(dir);
    }
    double bump = 0;
    if (noise.multipath_left > 0) {
      bump =
          std::sin(kPi * (noise.multipath_len - noise.multipath_left + 0.5) / noise.multipath_len);
      --noise.multipath_left;
    }
    // One draw per statement (argument order is up to the compiler; a seed gives one tour).
    const double jitter_east_m = p.options.gps_jitter_m * noise.rng.Normal();
    const double jitter_north_m = p.options.gps_jitter_m * noise.rng.Normal();
    const maps::LatLon at =
        scenario::Shift(pose.position, noise.east_m + bump * noise.multipath_east_m + jitter_east_m,
                        noise.north_m + bump * noise.multipath_north_m + jitter_north_m);

    double speed_reported = speed < 0.3 ? std::fabs(0.1 * noise.rng.Normal())
                                        : std::max(0.0, speed + 0.1 * noise.rng.Normal());
    double course = speed_reported >= 1.0
                        ? std::atan2(ve, vn) * 180 / kPi + 1.5 * noise.rng.Normal()
                        : noise.rng.Uniform(0, 360);
    course = std::fmod(course + 720.0, 360.0);

    out = ScenarioEvent{};
    out.time_ms = time_ms;
    out.car = car;
    out.kind = ScenarioEventKind::kFix;
    proto::Fix& f = out.fix;
    f.time_ms = time_ms;
    f.lat_e7 = at.lat_e7();
    f.lon_e7 = at.lon_e7();
    f.altitude_dm = 1200 + static_cast<int32_t>(noise.rng.Uniform(-30, 30));
    f.speed_cmps = static_cast<uint32_t>(std::lround(speed_reported * 100));
    f.course_cdeg = static_cast<uint32_t>(std::lround(course * 100)) % 36000;
    f.hdop_c = 80 + static_cast<uint32_t>(noise.rng.Uniform(0, 60));
    f.satellites = 8 + static_cast<uint32_t>(noise.rng.Next() % 5);
    f.quality = proto::FixQuality::k3D;
    return true;
  }
}

}  // namespace convoy::tracker
