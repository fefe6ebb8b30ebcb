// ConvoyModel cost on one core: 10,000 cars on a 100,000-vertex route (US-29 in Virginia,
// densified), 1 Hz fixes in arrival order (all cars' fixes of one second, then the next).
//
//   model_bench            throughput (thread CPU time, so a busy machine does not count): Route::
//                          Project alone for reference, then OnFix per second, without and with
//                          the 1 Hz Tick, and
//                          the Tick alone; then latency: from OnFix of the fix that completes an
//                          alert's condition to TakeEvents returning it (OFF_ROUTE, STOPPED,
//                          STRAGGLER/SPLIT, BEHIND_SWEEP are raised in OnFix), and Tick +
//                          TakeEvents for the alerts only time reveals (DARK); the same on the
//                          sample two-day tour with its incidents (every alert kind, 40 cars).
//
// Prints medians of 5 runs. Targets (issue 4): >= 500,000 fixes/s; p99 <= 5 ms.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "hub/model/convoy_model.h"
#include "maps/route.h"
#include "maps/route_file.h"
#include "maps/tour_plan.h"
#include "tracker/scenario/tour_scenario.h"

namespace {

using convoy::hub::ConvoyModel;
using convoy::maps::LatLon;
using convoy::maps::Route;

constexpr size_t kVertices = 100'000;
constexpr uint32_t kCars = 10'000;
constexpr int kWarmupSteps = 15;  // every car has joined (10 s on the route) by then
constexpr int kSteps = 75;        // seconds of fixes after the warm-up
constexpr int kRuns = 5;
constexpr int64_t kT0 = 1'716'019'200'000;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// This thread's CPU time: the machine may be shared, and "one core" is what is measured.
double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

Route Densify(const Route& r, size_t n) {
  std::vector<LatLon> pts;
  pts.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    pts.push_back(r.PointAt(r.length_m() * static_cast<double>(i) / static_cast<double>(n - 1)));
  }
  return std::move(Route::FromLatLons(pts).value());
}

class Noise {
 public:
  double Next() {  // [-1, 1]
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) / static_cast<double>(1ULL << 53) * 2 - 1;
  }

 private:
  uint64_t state_ = 12345;
};

struct TimedFix {
  uint32_t car;
  convoy::proto::Fix fix;
};

// One second of fixes per step, cars in order. Some cars have incidents from step 30 on: every
// 50th drives off the road, every 50th (offset by 10) stops, every 50th (offset by 20) goes
// silent, every 50th (offset by 30) slows to a crawl.
std::vector<std::vector<TimedFix>> MakeFixes(const Route& r) {
  std::vector<std::vector<TimedFix>> steps(kWarmupSteps + kSteps);
  Noise noise;
  const double spacing_m = (r.length_m() - 5000) / kCars;
  std::vector<double> along(kCars), speed(kCars), offset(kCars, 0);
  for (uint32_t c = 0; c < kCars; ++c) {
    along[c] = r.length_m() - 2500 - spacing_m * c - 3000;
    speed[c] = 24 + noise.Next();
  }
  for (int s = 0; s < kWarmupSteps + kSteps; ++s) {
    const bool incidents = s >= kWarmupSteps + 15;
    auto& fixes = steps[static_cast<size_t>(s)];
    fixes.reserve(kCars);
    for (uint32_t c = 0; c < kCars; ++c) {
      const int kind = c % 50;
      double v = speed[c];
      if (incidents && kind == 10) v = 0;
      if (incidents && kind == 30) v = 4;
      if (incidents && kind == 0) offset[c] += 15;
      if (!(incidents && kind == 20)) {
        const double heading = r.HeadingAt(along[c]);
        LatLon p = convoy::maps::GeodesicDirect(r.PointAt(along[c]), heading - 90,
                                                offset[c] + 4 * noise.Next());
        convoy::proto::Fix f;
        f.time_ms = kT0 + s * 1000 + c % 1000;
        f.lat_e7 = p.lat_e7();
        f.lon_e7 = p.lon_e7();
        f.speed_cmps =
            static_cast<uint32_t>(std::lround(std::max(0.0, v + 0.1 * noise.Next()) * 100));
        f.course_cdeg =
            static_cast<uint32_t>(std::lround(std::fmod(heading + 360, 360) * 100)) % 36000;
        f.quality = convoy::proto::FixQuality::k3D;
        fixes.push_back({c, f});
      }
      along[c] = std::min(r.length_m(), along[c] + v);
    }
  }
  return steps;
}

ConvoyModel MakeModel(std::shared_ptr<const Route> route) {
  std::vector<convoy::hub::ModelCar> cars(kCars);
  for (uint32_t c = 0; c < kCars; ++c) {
    cars[c].id = "car" + std::to_string(c);
    cars[c].role = c == 0           ? convoy::proto::CarRole::kLead
                   : c == kCars - 1 ? convoy::proto::CarRole::kSweep
                                    : convoy::proto::CarRole::kCar;
  }
  return ConvoyModel(std::move(cars), convoy::hub::ModelPlan::SingleRoute(route), {});
}

struct Throughput {
  double onfix_per_s = 0, with_tick_per_s = 0, tick_ms = 0;
  size_t alerts = 0;
};

Throughput RunThroughput(std::shared_ptr<const Route> route,
                         const std::vector<std::vector<TimedFix>>& steps) {
  ConvoyModel model = MakeModel(route);
  for (int s = 0; s < kWarmupSteps; ++s) {
    model.AdvanceTo(kT0 + s * 1000);
    for (const TimedFix& f : steps[static_cast<size_t>(s)])
      model.OnFix(f.car, f.fix, f.fix.time_ms);
  }
  double onfix_s = 0, tick_s = 0;
  size_t fixes = 0;
  for (int s = kWarmupSteps; s < kWarmupSteps + kSteps; ++s) {
    double t0 = CpuNow();
    model.AdvanceTo(kT0 + s * 1000);
    double t1 = CpuNow();
    for (const TimedFix& f : steps[static_cast<size_t>(s)])
      model.OnFix(f.car, f.fix, f.fix.time_ms);
    double t2 = CpuNow();
    tick_s += t1 - t0;
    onfix_s += t2 - t1;
    fixes += steps[static_cast<size_t>(s)].size();
    model.TakeEvents();
  }
  Throughput t;
  t.onfix_per_s = static_cast<double>(fixes) / onfix_s;
  t.with_tick_per_s = static_cast<double>(fixes) / (onfix_s + tick_s);
  t.tick_ms = tick_s / kSteps * 1000;
  t.alerts = model.alerts().size();
  return t;
}

// Route::Project alone on the same fixes with the hint windows the model uses (the fix's
// straight-line move x 1.25 + 30 m): what the model adds is the rest.
double RunProjectOnly(const Route& route, const std::vector<std::vector<TimedFix>>& steps) {
  std::vector<double> along(kCars, 0);
  std::vector<LatLon> prev(kCars);
  std::vector<bool> known(kCars, false);
  double seconds = 0, sink = 0;
  size_t fixes = 0;
  for (int s = 0; s < kWarmupSteps + kSteps; ++s) {
    const double t0 = CpuNow();
    for (const TimedFix& f : steps[static_cast<size_t>(s)]) {
      LatLon p = LatLon::FromFix(f.fix).value();
      convoy::maps::RoutePosition rp;
      if (known[f.car]) {
        // The model's flat-earth move (hub/model/convoy_model.cc), not a geodesic.
        const double mid = (p.lat_deg() + prev[f.car].lat_deg()) / 2 * 0.017453292519943295;
        const double east = (p.lon_deg() - prev[f.car].lon_deg()) * 111'195.08 * std::cos(mid);
        const double north = (p.lat_deg() - prev[f.car].lat_deg()) * 111'195.08;
        const double moved = std::sqrt(east * east + north * north);
        rp = route.Project(p, convoy::maps::ProjectHint::Near(along[f.car], 1.25 * moved + 30)
                                  .WithCourse(f.fix.course_deg()));
      } else {
        rp = route.Project(p);
        known[f.car] = true;
      }
      along[f.car] = rp.along_m;
      prev[f.car] = p;
      sink += rp.offset_m;
    }
    if (s >= kWarmupSteps) {
      seconds += CpuNow() - t0;
      fixes += steps[static_cast<size_t>(s)].size();
    }
  }
  if (sink == 12345.678) std::printf(" ");
  return static_cast<double>(fixes) / seconds;
}

struct Latency {
  std::vector<double> onfix_ms, tick_ms;
  size_t by_kind[convoy::hub::kAlertKinds] = {};
};

Latency RunLatency(std::shared_ptr<const Route> route,
                   const std::vector<std::vector<TimedFix>>& steps) {
  ConvoyModel model = MakeModel(route);
  Latency lat;
  for (int s = 0; s < kWarmupSteps + kSteps; ++s) {
    double t0 = Now();
    model.AdvanceTo(kT0 + s * 1000);
    std::vector<convoy::hub::AlertEvent> events = model.TakeEvents();
    double t1 = Now();
    for (const auto& e : events) {
      if (e.type != convoy::hub::AlertEventType::kRaised) continue;
      lat.tick_ms.push_back((t1 - t0) * 1000);
      ++lat.by_kind[static_cast<int>(e.alert.kind)];
    }
    for (const TimedFix& f : steps[static_cast<size_t>(s)]) {
      double a = Now();
      model.OnFix(f.car, f.fix, f.fix.time_ms);
      events = model.TakeEvents();
      double b = Now();
      for (const auto& e : events) {
        if (e.type != convoy::hub::AlertEventType::kRaised) continue;
        lat.onfix_ms.push_back((b - a) * 1000);
        ++lat.by_kind[static_cast<int>(e.alert.kind)];
      }
    }
  }
  return lat;
}

// The sample two-day tour with its incidents (40 cars, every alert kind): the same latency,
// for STRAGGLER, SPLIT and SOS too.
Latency RunTour(const convoy::maps::LoadedTour& tour) {
  Latency lat;
  convoy::tracker::TourScenario scenario =
      std::move(convoy::tracker::TourScenario::Create(tour, {}).value());
  std::vector<convoy::hub::ModelCar> cars(scenario.num_cars());
  cars.front().role = convoy::proto::CarRole::kLead;
  cars.back().role = convoy::proto::CarRole::kSweep;
  ConvoyModel model(std::move(cars), convoy::hub::PlanFromTour(tour), {});
  convoy::tracker::TourScenario::Stream stream = scenario.Events();
  convoy::tracker::ScenarioEvent e;
  auto record = [&](double since, std::vector<double>& into) {
    std::vector<convoy::hub::AlertEvent> events = model.TakeEvents();
    const double ms = (Now() - since) * 1000;
    for (const auto& ev : events) {
      if (ev.type != convoy::hub::AlertEventType::kRaised) continue;
      into.push_back(ms);
      ++lat.by_kind[static_cast<int>(ev.alert.kind)];
    }
  };
  while (stream.Next(e)) {
    double t0 = Now();
    model.AdvanceTo(e.time_ms);
    record(t0, lat.tick_ms);
    t0 = Now();
    if (e.kind == convoy::tracker::ScenarioEventKind::kFix) {
      model.OnFix(e.car, e.fix, e.time_ms);
    } else if (e.kind == convoy::tracker::ScenarioEventKind::kSos) {
      model.RaiseSos(e.car, e.time_ms, e.text);
    }
    record(t0, lat.onfix_ms);
  }
  return lat;
}

void PrintKinds(const Latency& lat) {
  for (int k = 0; k < convoy::hub::kAlertKinds; ++k) {
    if (lat.by_kind[k] > 0) {
      std::printf(" %s %zu", convoy::hub::AlertKindName(static_cast<convoy::hub::AlertKind>(k)),
                  lat.by_kind[k]);
    }
  }
}

}  // namespace

int main() {
  const std::string path = std::string(CONVOY_TEST_DATA) + "/tour/alt_virginia_us29.geojson";
  convoy::Result<convoy::maps::RouteFile> file = convoy::maps::LoadRouteFile(path);
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.message().c_str());
    return 1;
  }
  auto route = std::make_shared<const Route>(Densify(file->route, kVertices));
  std::printf("route: %zu vertices, %.1f km; %u cars; %d s of 1 Hz fixes after %d s warm-up\n",
              route->num_vertices(), route->length_m() / 1000, kCars, kSteps, kWarmupSteps);
  const auto steps = MakeFixes(*route);

  std::vector<double> project;
  for (int run = 0; run < kRuns; ++run) project.push_back(RunProjectOnly(*route, steps));
  std::printf("Route::Project alone, same fixes and windows: median %.0f fixes/s (%.2f us)\n",
              Median(project), 1e6 / Median(project));

  std::vector<double> onfix, with_tick, tick;
  size_t alerts = 0;
  for (int run = 0; run < kRuns; ++run) {
    Throughput t = RunThroughput(route, steps);
    onfix.push_back(t.onfix_per_s);
    with_tick.push_back(t.with_tick_per_s);
    tick.push_back(t.tick_ms);
    alerts = t.alerts;
    std::printf("  run %d: OnFix %.0f fixes/s, with Tick %.0f fixes/s, Tick %.2f ms\n", run + 1,
                t.onfix_per_s, t.with_tick_per_s, t.tick_ms);
  }
  std::printf(
      "OnFix: median %.0f fixes/s (%.2f us per fix); with the 1 Hz Tick: %.0f fixes/s; "
      "Tick (10,000 cars): median %.2f ms; %zu alerts raised per run\n",
      Median(onfix), 1e6 / Median(onfix), Median(with_tick), Median(tick), alerts);

  std::vector<double> p50_fix, p99_fix, max_fix, p99_tick;
  Latency last;
  for (int run = 0; run < kRuns; ++run) {
    last = RunLatency(route, steps);
    p50_fix.push_back(Percentile(last.onfix_ms, 0.5));
    p99_fix.push_back(Percentile(last.onfix_ms, 0.99));
    max_fix.push_back(Percentile(last.onfix_ms, 1.0));
    p99_tick.push_back(Percentile(last.tick_ms, 0.99));
  }
  std::printf("alerts per run:");
  PrintKinds(last);
  std::printf(
      "\nfix to alert published (OnFix + TakeEvents, %zu alerts): median p50 %.4f ms, "
      "p99 %.4f ms, max %.4f ms\n",
      last.onfix_ms.size(), Median(p50_fix), Median(p99_fix), Median(max_fix));
  std::printf("time-raised alerts (DARK; Tick + TakeEvents, %zu alerts): median p99 %.3f ms\n",
              last.tick_ms.size(), Median(p99_tick));

  convoy::Result<convoy::maps::LoadedTour> tour =
      convoy::maps::LoadTour(std::string(CONVOY_TEST_DATA) + "/tour/amalfi_two_days.tour");
  if (!tour.ok()) {
    std::fprintf(stderr, "%s\n", tour.message().c_str());
    return 1;
  }
  std::vector<double> tour_p99, tour_max;
  for (int run = 0; run < kRuns; ++run) {
    last = RunTour(*tour);
    std::vector<double> all = last.onfix_ms;
    all.insert(all.end(), last.tick_ms.begin(), last.tick_ms.end());
    tour_p99.push_back(Percentile(all, 0.99));
    tour_max.push_back(Percentile(all, 1.0));
  }
  std::printf("sample tour, 40 cars, alerts:");
  PrintKinds(last);
  std::printf(
      "\n  event to alert published (OnFix/RaiseSos or Tick, + TakeEvents): median p99 "
      "%.4f ms, max %.4f ms\n",
      Median(tour_p99), Median(tour_max));
  return 0;
}
