// The scripted incidents of the tour and the alerts each should raise. Placed by fractions of
// the first leg's driving time (on the sample tour: the straggler and the wrong turn on the
// motorway before lunch, the breakdown, the tunnel and the red light after it), the SOS on the
// second leg.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "tracker/scenario/scenario_plan.h"

namespace convoy::tracker {

using scenario::LegTimeline;
using scenario::Rng;

namespace {

constexpr double kMin = 60;
constexpr double kCatchup = 1.3;  // pace of a car making up lost time
constexpr double kPi = 3.14159265358979323846;

double DriveTauAt(const LegTimeline& tl, double f) {
  double total = 0;
  for (const auto& d : tl.drives) total += d.duration_s;
  double left = f * total;
  for (size_t k = 0; k < tl.drives.size(); ++k) {
    if (left <= tl.drives[k].duration_s) return tl.dwells[k].to_s + left;
    left -= tl.drives[k].duration_s;
  }
  return tl.dwells.back().from_s;
}

std::string CarName(uint32_t car) { return "car " + std::to_string(car); }

std::string Km(double m) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "km %.1f", m / 1000);
  return buf;
}

// From tau on, the first place where the road keeps within 25 degrees of one heading for 5 km
// (a wrong turn is then off the road, not on the other side of a bend).
double StraightStretch(const ScenarioPlan::Leg& leg, double tau) {
  for (int tries = 0; tries < 120; ++tries, tau += 60) {
    const double s = leg.timeline.At(tau).along_m;
    auto [e0, n0] = leg.path.Direction(s);
    bool straight = true;
    for (double x = 500; x <= 5000 && straight; x += 500) {
      auto [e, n] = leg.path.Direction(s + x);
      straight = e * e0 + n * n0 > std::cos(25 * kPi / 180);
    }
    if (straight) return tau;
  }
  return tau;
}

}  // namespace

const std::vector<std::string>& TourIncidentNames() {
  static const std::vector<std::string> names = {
      "late-arrival", "straggler", "wrong-turn", "breakdown", "red-light", "sos", "tunnel"};
  return names;
}

namespace {
bool Wanted(const ScenarioPlan& p, std::string_view name) {
  const auto& only = p.options.only_incidents;
  return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
}
}  // namespace

void AddIncidents(ScenarioPlan& p, Rng& rng) {
  const auto n = static_cast<uint32_t>(p.cars.size());
  const LegTimeline& tl = p.legs[0].timeline;
  const uint32_t sweep = n - 1;
  const uint32_t straggler = n - 2;
  const auto pick = [n](double f) { return static_cast<uint32_t>(std::lround(f * n)); };
  const uint32_t wrong = pick(0.375), broken = pick(0.3), sos = pick(0.175);
  const uint32_t split_from = pick(0.625);
  const uint32_t late[] = {pick(0.125), pick(0.75)};
  auto ms = [&](double t) { return p.Ms(t); };

  // Late at the meeting point, converging from home, but before the departure: no alert, the
  // rally report shows them missing with their ETA.
  const double depart0 = tl.dwells[0].to_s;
  for (int k = 0; k < 2 && Wanted(p, "late-arrival"); ++k) {
    ScenarioPlan::Car& c = p.cars[late[k]];
    c.home_arrive_s = depart0 - (k == 0 ? 20 : 15) * kMin;
    p.incidents.push_back({"late-arrival",
                           CarName(late[k]) + " arrives at the meeting point " +
                               std::to_string(k == 0 ? 20 : 15) + " min before departure",
                           0,
                           {late[k]},
                           ms(p.meet_at_s),
                           ms(c.home_arrive_s),
                           {}});
  }

  // A car falls behind (stuck behind a lorry): a quarter of the pace for 2.5 min, then it
  // catches up; the sweep stays behind it.
  if (Wanted(p, "straggler")) {
    const double tau = DriveTauAt(tl, 0.12);
    auto b = scenario::Slowdown(tau, 4, 0.25, 150, kCatchup);
    p.cars[straggler].warp.Add(b);
    p.cars[sweep].warp.Add(b);
    const double start = p.SolveU(straggler, tau);
    const double end = p.SolveU(straggler, scenario::SlowdownRecoveredU(b));
    const double done = p.SolveU(straggler, b.back().first);
    p.incidents.push_back({"straggler",
                           CarName(straggler) + " falls behind at " + Km(tl.At(tau).along_m) +
                               ": a quarter of the convoy's pace for 2.5 min, then catches up",
                           0,
                           {straggler},
                           ms(start),
                           ms(end),
                           {{"STRAGGLER", {straggler}, ms(start), ms(end), ms(done + 120)}}});
  }

  // A wrong turn at a junction: 400 m off the road for three minutes, then back.
  if (Wanted(p, "wrong-turn")) {
    const double tau = StraightStretch(p.legs[0], DriveTauAt(tl, 0.32));
    const double start = p.SolveTau(wrong, tau);
    p.cars[wrong].laterals.push_back({start, 35, 110, -400});
    const double end = start + 180;
    p.incidents.push_back({"wrong-turn",
                           CarName(wrong) + " takes a wrong turn at " + Km(tl.At(tau).along_m) +
                               ": 400 m off the road for 3 min, then back on it",
                           0,
                           {wrong},
                           ms(start),
                           ms(end),
                           {{"OFF_ROUTE", {wrong}, ms(start), ms(end), ms(end + 60)}}});
  }

  // A breakdown: 10 minutes on the hard shoulder; the cars behind pass it, the sweep stops
  // behind it, then both catch up.
  if (Wanted(p, "breakdown")) {
    const double tau = DriveTauAt(tl, 0.58);
    auto b = scenario::Slowdown(tau, 5, 0, 600, kCatchup);
    p.cars[broken].warp.Add(b);
    const double start = p.SolveU(broken, tau);
    const double resume = p.SolveU(broken, b[2].first);
    const double done = p.SolveU(broken, b.back().first);
    p.cars[broken].laterals.push_back({start, 5, resume - start - 5, -4});
    p.cars[sweep].follow = ScenarioPlan::Follow{broken, start, done + 60, 2};
    ScenarioEvent radio;
    radio.time_ms = ms(start + 60);
    radio.car = broken;
    radio.kind = ScenarioEventKind::kRadio;
    radio.text = "Breakdown, we are on the shoulder";
    p.specials.push_back(radio);
    p.incidents.push_back({"breakdown",
                           CarName(broken) + " breaks down at " + Km(tl.At(tau).along_m) +
                               ": 10 min on the shoulder, the sweep waits with it",
                           0,
                           {broken},
                           ms(start),
                           ms(resume),
                           {{"STOPPED", {broken}, ms(start), ms(resume), ms(resume + 60)}}});
  }

  // A red light splits the convoy: the cars from split_from on wait 75 s, then catch up.
  if (Wanted(p, "red-light")) {
    const double tau = DriveTauAt(tl, 0.9);
    const double red = p.SolveTau(split_from, tau);
    const double green = red + 80;
    double done = red;
    std::vector<uint32_t> group;
    for (uint32_t j = split_from; j < n; ++j) {
      const double u0 = red - p.HeadwaySum(j, red);
      const double u1 = green - p.HeadwaySum(j, green);
      auto b = scenario::Slowdown(u0, 5, 0, u1 - u0 - 5, kCatchup);
      p.cars[j].warp.Add(b);
      done = std::max(done, p.SolveU(j, b.back().first));
      group.push_back(j);
    }
    const double end = green + 5;
    p.incidents.push_back({"red-light",
                           "a red light at " + Km(tl.At(tau).along_m) + " stops the convoy after " +
                               CarName(split_from - 1) + "; the rest wait 75 s, then catch up",
                           0,
                           group,
                           ms(red),
                           ms(end),
                           {{"SPLIT", group, ms(red), ms(end), ms(done + 120)}}});
  }

  // An SOS on the second leg (or late on the first), resolved by staff 12 minutes later.
  if (Wanted(p, "sos")) {
    const size_t leg = p.legs.size() > 1 ? 1 : 0;
    const double tau = DriveTauAt(p.legs[leg].timeline, leg == 1 ? 0.5 : 0.45);
    const double start = std::ceil(p.SolveTau(sos, tau));
    const double end = start + 12 * kMin;
    ScenarioEvent e;
    e.time_ms = ms(start);
    e.car = sos;
    e.kind = ScenarioEventKind::kSos;
    e.text = "SOS";
    p.specials.push_back(e);
    e.time_ms = ms(end);
    e.kind = ScenarioEventKind::kSosResolved;
    e.text.clear();
    p.specials.push_back(e);
    p.incidents.push_back({"sos",
                           CarName(sos) + " presses SOS; staff resolve it 12 min later",
                           leg,
                           {sos},
                           ms(start),
                           ms(end),
                           {{"SOS", {sos}, ms(start), ms(end), ms(end + 1)}}});
  }
  (void)rng;
}

void AddTunnel(ScenarioPlan& p) {
  if (!Wanted(p, "tunnel")) return;
  const ScenarioPlan::Leg& leg = p.legs[0];
  const double tau = DriveTauAt(leg.timeline, 0.76);
  const double from_m = leg.timeline.At(tau).along_m;
  const double speed = leg.timeline.At(tau + 0.5).along_m - leg.timeline.At(tau - 0.5).along_m;
  const double to_m = from_m + 180 * speed;  // three minutes at the convoy's pace
  Incident inc;
  inc.name = "tunnel";
  inc.description = "a 3-minute tunnel from " + Km(from_m) + " to " + Km(to_m) +
                    ": no fixes from the cars inside";
  inc.start_ms = INT64_MAX;
  inc.end_ms = INT64_MIN;
  for (uint32_t i = 0; i < p.cars.size(); ++i) {
    ScenarioPlan::Car& c = p.cars[i];
    const double first = std::floor(p.SolveTau(i, tau)) - 60;
    int64_t entry = -1, exit = -1;
    for (double s = first; s < first + 3600 && exit < 0; s += 1) {
      const double t = s + static_cast<double>(c.phase_ms) / 1000.0;
      ScenarioPlan::Pose pose = p.PoseAt(i, t);
      const bool inside =
          pose.on_tour && pose.leg == 0 && pose.along_m >= from_m && pose.along_m <= to_m;
      if (inside && entry < 0) entry = p.Ms(t);
      if (!inside && entry >= 0) exit = p.Ms(t);
    }
    if (entry < 0 || exit < 0) continue;
    std::vector<std::pair<int64_t, int64_t>> on;
    for (auto [a, b] : c.on) {
      if (b <= entry || a >= exit) {
        on.emplace_back(a, b);
        continue;
      }
      if (a < entry) on.emplace_back(a, entry);
      if (b > exit) on.emplace_back(exit, b);
    }
    c.on = std::move(on);
    inc.cars.push_back(i);
    inc.start_ms = std::min(inc.start_ms, entry);
    inc.end_ms = std::max(inc.end_ms, exit);
    inc.alerts.push_back({"DARK", {i}, entry, exit, exit + 2000});
  }
  if (!inc.cars.empty()) p.incidents.push_back(std::move(inc));
}

}  // namespace convoy::tracker
