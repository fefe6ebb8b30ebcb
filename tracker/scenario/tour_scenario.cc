// TourScenario::Create: the lead's timeline from the plan, the cars (headways, homes, parking
// spots), the scripted incidents with the alerts they should raise, and when each tracker
// reports.
#include "tracker/scenario/tour_scenario.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "tracker/scenario/scenario_plan.h"

namespace convoy::tracker {

using scenario::DriveProfile;
using scenario::GeoPath;
using scenario::kInf;
using scenario::LegTimeline;
using scenario::Rng;

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kMin = 60;
constexpr double kAccel = 1.0;       // m/s^2, both ways
constexpr double kMinCruise = 10.0;  // m/s
constexpr double kMaxCruise = 30.0;

Result<LegTimeline> Timeline(const maps::LoadedLeg& leg, const ScenarioPlan& p) {
  const auto& r = leg.rally_points;
  if (r.size() < 2) {
    return Error{"leg '" + leg.name + "': the tour scenario needs at least two rally points"};
  }
  if (!r[0].depart_utc_ms) {
    return Error{"leg '" + leg.name + "': its first rally point '" + r[0].name +
                 "' has no planned departure"};
  }
  LegTimeline tl;
  tl.dwells.push_back({r[0].along_m, -kInf, p.Seconds(*r[0].depart_utc_ms)});
  for (size_t k = 1; k < r.size(); ++k) {
    const double leave = tl.dwells.back().to_s;
    const double distance = std::max(0.0, r[k].along_m - r[k - 1].along_m);
    const double v = r[k].arrive_utc_ms
                         ? DriveProfile::SpeedFor(distance, p.Seconds(*r[k].arrive_utc_ms) - leave,
                                                  kAccel, kMinCruise, kMaxCruise)
                         : 22.0;
    tl.drives.push_back(DriveProfile::Make(distance, v, kAccel));
    const double arrive = leave + tl.drives.back().duration_s;
    double depart = kInf;
    if (k + 1 < r.size()) {
      depart = r[k].depart_utc_ms ? std::max(p.Seconds(*r[k].depart_utc_ms), arrive + 10 * kMin)
                                  : arrive + 30 * kMin;
    }
    tl.dwells.push_back({r[k].along_m, arrive, depart});
  }
  return tl;
}

maps::LatLon Spot(uint64_t seed, uint32_t car, maps::LatLon rally, double radius_m) {
  // Keyed by the place, so the same hotel gives the same spot on two legs.
  Rng rng(seed * 0x9e3779b97f4a7c15ULL ^ (uint64_t{car} << 40) ^
          (static_cast<uint64_t>(static_cast<uint32_t>(rally.lat_e7())) << 20) ^
          static_cast<uint64_t>(static_cast<uint32_t>(rally.lon_e7())));
  const double r = std::min(50.0, radius_m / 4) * std::sqrt(rng.Uniform());
  const double a = rng.Uniform(0, 2 * kPi);
  return scenario::Shift(rally, r * std::sin(a), r * std::cos(a));
}

// The way from a car's home to its spot at the meeting point, and the speed it drives it.
std::pair<GeoPath, double> HomePath(const ScenarioPlan::Leg& first, maps::LatLon spot, int type,
                                    Rng& rng) {
  const double meet_m = first.timeline.dwells[0].along_m;
  const double length = first.path.length_m();
  if (type == 0 && meet_m >= 5000) {  // along the route from its start side
    return {first.path.Slice(std::max(0.0, meet_m - rng.Uniform(8000, 20000)), meet_m).Then(spot),
            25.0};
  }
  if (type == 1 && meet_m + 30'000 <= length) {  // from far ahead, against the route
    const double from = std::min(length, meet_m + rng.Uniform(30'000, 60'000));
    return {first.path.Slice(from, meet_m).Then(spot), 27.0};
  }
  // Across country: a winding road from a town 20-60 km away.
  // One draw per statement: the order of a call's arguments is up to the compiler, and a seed
  // must give the same tour with gcc and clang.
  const double bearing_deg = rng.Uniform(0, 360);
  const double distance_m = rng.Uniform(20'000, 60'000);
  const maps::LatLon home = maps::GeodesicDirect(spot, bearing_deg, distance_m);
  double east = 0, north = 0;
  scenario::EastNorth(home, spot, &east, &north);
  const double len = std::hypot(east, north);
  std::vector<maps::LatLon> pts;
  const int n = 80;
  for (int k = 0; k <= n; ++k) {
    const double f = static_cast<double>(k) / n;
    const double wiggle = 1200 * std::sin(6 * kPi * f) * std::sin(kPi * f);
    pts.push_back(
        scenario::Shift(home, east * f - north / len * wiggle, north * f + east / len * wiggle));
  }
  pts.push_back(spot);
  return {GeoPath(pts), 20.0};
}

// Removes [from, to) from sorted, disjoint windows.
void Cut(std::vector<std::pair<int64_t, int64_t>>& on, int64_t from, int64_t to) {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (auto [a, b] : on) {
    if (b <= from || a >= to) {
      out.emplace_back(a, b);
      continue;
    }
    if (a < from) out.emplace_back(a, from);
    if (b > to) out.emplace_back(to, b);
  }
  on = std::move(out);
}

}  // namespace

// Scripted incidents (tour_incidents.cc).
void AddIncidents(ScenarioPlan& p, Rng& rng);
void AddTunnel(ScenarioPlan& p);

Result<TourScenario> TourScenario::Create(const maps::LoadedTour& tour,
                                          const TourOptions& options) {
  if (tour.legs.empty()) return Error{"the tour has no legs"};
  for (const std::string& name : options.only_incidents) {
    const auto& known = TourIncidentNames();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      return Error{"unknown incident '" + name + "' (known: " + list + ")"};
    }
  }
  if (options.cars < 8) {
    return Error{"the tour scenario needs at least 8 cars, not " + std::to_string(options.cars)};
  }
  const auto& first_rally = tour.legs[0].rally_points;
  if (first_rally.empty() || !first_rally[0].depart_utc_ms) {
    return Error{"leg '" + tour.legs[0].name + "': its first rally point has no planned departure"};
  }
  auto p = std::make_shared<ScenarioPlan>();
  p->options = options;
  p->origin_ms = *first_rally[0].depart_utc_ms - 12 * 3'600'000LL;

  for (size_t k = 0; k < tour.legs.size(); ++k) {
    const maps::LoadedLeg& leg = tour.legs[k];
    Result<LegTimeline> tl = Timeline(leg, *p);
    if (!tl.ok()) return tl.status();
    ScenarioPlan::Leg l;
    l.path = GeoPath::FromRoute(leg.route);
    l.timeline = std::move(*tl);
    for (const maps::RallyPoint& r : leg.rally_points) {
      l.rally_positions.push_back(r.position);
      l.rally_radius_m.push_back(r.radius_m);
    }
    if (k > 0) {
      const double prev_arrive = p->legs.back().timeline.dwells.back().from_s;
      const double depart = l.timeline.dwells[0].to_s;
      if (depart <= prev_arrive) {
        return Error{"leg '" + leg.name + "' departs before the previous leg arrives"};
      }
      l.begins_tau = (prev_arrive + depart) / 2;
    }
    p->legs.push_back(std::move(l));
  }

  Rng rng(options.seed);
  const auto n = static_cast<uint32_t>(options.cars);
  p->cars.resize(n);
  const ScenarioPlan::Leg& first = p->legs[0];
  const double depart0 = first.timeline.dwells[0].to_s;
  const double meet_at = first_rally[0].arrive_utc_ms ? p->Seconds(*first_rally[0].arrive_utc_ms)
                                                      : depart0 - 60 * kMin;
  p->meet_at_s = meet_at;
  for (uint32_t i = 0; i < n; ++i) {
    ScenarioPlan::Car& c = p->cars[i];
    if (i > 0) {
      c.headway = {rng.Uniform(2.0, 4.0), 0.2, 2 * kPi / rng.Uniform(600, 1200),
                   rng.Uniform(0, 2 * kPi)};
    } else {
      c.headway = {0, 0, 0, 0};
    }
    c.phase_ms = static_cast<int64_t>(rng.Next() % 1000);
    for (const ScenarioPlan::Leg& l : p->legs) {
      std::vector<maps::LatLon> spots;
      for (size_t r = 0; r < l.rally_positions.size(); ++r) {
        spots.push_back(Spot(options.seed, i, l.rally_positions[r], l.rally_radius_m[r]));
      }
      c.spots.push_back(std::move(spots));
    }
    const int type = static_cast<int>((i + options.seed) % 4);
    auto [path, speed] = HomePath(first, c.spots[0][0], type, rng);
    c.home = std::move(path);
    c.home_drive = DriveProfile::Make(c.home.length_m(), speed, kAccel);
    c.home_arrive_s = i == 0       ? meet_at - 50 * kMin
                      : i == n - 1 ? meet_at - 45 * kMin
                                   : meet_at - rng.Uniform(5 * kMin, 40 * kMin);
  }
  if (options.incidents) AddIncidents(*p, rng);
  for (ScenarioPlan::Car& c : p->cars) c.home_start_s = c.home_arrive_s - c.home_drive.duration_s;

  // The drive home: back the way it came, when the tour ends where it began.
  const ScenarioPlan::Leg& last = p->legs.back();
  const bool ends_at_start =
      maps::GeodesicDistanceM(last.rally_positions.back(), first.rally_positions.front()) < 5;
  for (uint32_t i = 0; i < n; ++i) {
    ScenarioPlan::Car& c = p->cars[i];
    const double arrive = p->SolveTau(i, last.timeline.dwells.back().from_s);
    if (ends_at_start) c.evening_start_s = arrive + rng.Uniform(10 * kMin, 20 * kMin);
    // Trackers run from leaving home to the end of each day's driving.
    for (size_t k = 0; k < p->legs.size(); ++k) {
      const LegTimeline& tl = p->legs[k].timeline;
      const double on = k == 0
                            ? c.home_start_s
                            : p->SolveTau(i, tl.dwells[0].to_s) - rng.Uniform(15 * kMin, 20 * kMin);
      double off = p->SolveTau(i, tl.dwells.back().from_s) + rng.Uniform(30 * kMin, 40 * kMin);
      if (k + 1 == p->legs.size()) {
        off = ends_at_start ? c.evening_start_s + c.home_drive.duration_s + 60
                            : p->SolveTau(i, tl.dwells.back().from_s) + 20 * kMin;
      }
      const int64_t a = p->Ms(on), b = p->Ms(off);
      if (!c.on.empty() && a <= c.on.back().second) {
        c.on.back().second = std::max(c.on.back().second, b);
      } else {
        c.on.emplace_back(a, b);
      }
    }
  }
  // One car's tracker goes quiet while it is parked at lunch (ignition off): not an incident.
  if (first.timeline.dwells.size() >= 3) {
    const uint32_t quiet = n / 2;
    const LegTimeline::Dwell& lunch = first.timeline.dwells[1];
    const double from = p->SolveTau(quiet, lunch.from_s) + 10 * kMin;
    const double to = p->SolveTau(quiet, lunch.to_s) - 10 * kMin;
    if (to > from) Cut(p->cars[quiet].on, p->Ms(from), p->Ms(to));
  }
  if (options.incidents) AddTunnel(*p);
  for (ScenarioPlan::Car& c : p->cars) {
    c.on.erase(
        std::remove_if(c.on.begin(), c.on.end(), [](auto& w) { return w.first >= w.second; }),
        c.on.end());
  }

  std::stable_sort(
      p->specials.begin(), p->specials.end(),
      [](const ScenarioEvent& a, const ScenarioEvent& b) { return a.time_ms < b.time_ms; });
  std::stable_sort(p->incidents.begin(), p->incidents.end(),
                   [](const Incident& a, const Incident& b) { return a.start_ms < b.start_ms; });
  p->start_ms = INT64_MAX;
  p->end_ms = INT64_MIN;
  for (const ScenarioPlan::Car& c : p->cars) {
    if (c.on.empty()) continue;
    p->start_ms = std::min(p->start_ms, c.on.front().first);
    p->end_ms = std::max(p->end_ms, c.on.back().second);
  }
  for (const ScenarioEvent& e : p->specials) p->end_ms = std::max(p->end_ms, e.time_ms + 1);
  p->slot_order.resize(n);
  for (uint32_t i = 0; i < n; ++i) p->slot_order[i] = i;
  std::stable_sort(p->slot_order.begin(), p->slot_order.end(), [&](uint32_t a, uint32_t b) {
    return p->cars[a].phase_ms < p->cars[b].phase_ms;
  });
  return TourScenario(std::move(p));
}

const TourOptions& TourScenario::options() const { return impl_->options; }
size_t TourScenario::num_cars() const { return impl_->cars.size(); }
int64_t TourScenario::start_ms() const { return impl_->start_ms; }
int64_t TourScenario::end_ms() const { return impl_->end_ms; }
const std::vector<Incident>& TourScenario::incidents() const { return impl_->incidents; }

const char* ScenarioEventKindName(ScenarioEventKind kind) {
  switch (kind) {
    case ScenarioEventKind::kFix:
      return "fix";
    case ScenarioEventKind::kSos:
      return "sos";
    case ScenarioEventKind::kSosResolved:
      return "sos-resolved";
    case ScenarioEventKind::kRadio:
      return "radio";
  }
  return "unknown";
}

}  // namespace convoy::tracker
