// Route::Project throughput on a 100,000-vertex route (US-29 in Virginia densified), one core.
//
//   route_bench                      1,000 cars x 1,000 fixes, with and without continuity hints
//   route_bench --dump DIR N         also writes DIR/route.wkt and DIR/points.csv (the first N
//                                    fixes) for tests/bench/route_bench.sh's PostGIS side, and
//                                    times Project on exactly those N points
//
// Prints the median of 5 runs. Target: >= 500,000 projections/s with hints.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "maps/route.h"
#include "maps/route_file.h"

namespace {

using convoy::maps::GeodesicDirect;
using convoy::maps::LatLon;
using convoy::maps::ProjectHint;
using convoy::maps::Route;
using convoy::maps::RoutePosition;

constexpr size_t kVertices = 100'000;
constexpr int kCars = 1000;
constexpr int kSteps = 1000;
constexpr double kStepM = 20;     // 1 Hz at 72 km/h
constexpr double kNoiseM = 8;     // lateral GPS noise, uniform +-
constexpr double kCarGapM = 300;  // cars start 300 m apart
constexpr int kRuns = 5;

struct Fix {
  LatLon p;
  double course_deg;
  double truth_m;
};

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

Route Densify(const Route& r, size_t n) {
  std::vector<LatLon> pts;
  pts.reserve(n);
  for (size_t i = 0; i < n; ++i) pts.push_back(r.PointAt(r.length_m() * i / (n - 1)));
  return std::move(Route::FromLatLons(pts).value());
}

// Fixes in arrival order: step-major, as the hub receives them from many cars.
std::vector<Fix> MakeFixes(const Route& r) {
  std::vector<Fix> fixes;
  fixes.reserve(size_t{kCars} * kSteps);
  uint64_t state = 12345;
  auto noise = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53) * 2 - 1;
  };
  double span_m = r.length_m() - kSteps * kStepM;
  for (int step = 0; step < kSteps; ++step) {
    for (int car = 0; car < kCars; ++car) {
      double truth = std::fmod(car * kCarGapM, span_m) + step * kStepM;
      double heading = r.HeadingAt(truth);
      fixes.push_back(
          {GeodesicDirect(r.PointAt(truth), heading + 90, kNoiseM * noise()), heading, truth});
    }
  }
  return fixes;
}

struct Timing {
  double per_s = 0;
  double mean_error_m = 0;
  double max_error_m = 0;
};

Timing Time(const Route& r, const std::vector<Fix>& fixes, bool hints, int cars) {
  std::vector<double> rates;
  Timing t;
  for (int run = 0; run < kRuns; ++run) {
    std::vector<double> prev(cars);
    for (int c = 0; c < cars; ++c) prev[c] = fixes[c].truth_m;
    double sum_err = 0, max_err = 0;
    auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < fixes.size(); ++i) {
      int car = static_cast<int>(i % cars);
      RoutePosition pos =
          hints
              ? r.Project(fixes[i].p,
                          ProjectHint::Near(prev[car], kStepM + 50).WithCourse(fixes[i].course_deg))
              : r.Project(fixes[i].p);
      prev[car] = pos.along_m;
      double err = std::fabs(pos.along_m - fixes[i].truth_m);
      sum_err += err;
      max_err = std::max(max_err, err);
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rates.push_back(fixes.size() / s);
    t.mean_error_m = sum_err / fixes.size();
    t.max_error_m = max_err;
  }
  t.per_s = Median(rates);
  return t;
}

void Print(const char* what, const Timing& t) {
  std::printf("%-44s %12.0f projections/s  (along error vs truth: mean %.2f m, max %.1f m)\n", what,
              t.per_s, t.mean_error_m, t.max_error_m);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dump_dir;
  size_t dump_n = 0;
  if (argc == 4 && std::string(argv[1]) == "--dump") {
    dump_dir = argv[2];
    dump_n = std::strtoul(argv[3], nullptr, 10);
  } else if (argc != 1) {
    std::fprintf(stderr, "usage: %s [--dump DIR N]\n", argv[0]);
    return 2;
  }
  std::string path = std::string(CONVOY_TEST_DATA) + "/tour/alt_virginia_us29.geojson";
  convoy::Result<convoy::maps::RouteFile> file = convoy::maps::LoadRouteFile(path);
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.message().c_str());
    return 1;
  }
  auto t0 = std::chrono::steady_clock::now();
  Route route = Densify(file->route, kVertices);
  double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("route: %s densified to %zu vertices, %.1f km (built in %.2f s)\n", path.c_str(),
              route.num_vertices(), route.length_m() / 1000, build_s);
  std::vector<Fix> fixes = MakeFixes(route);
  std::printf(
      "fixes: %d cars x %d steps, %.0f m apart, +-%.0f m lateral noise; median of %d runs\n", kCars,
      kSteps, kStepM, kNoiseM, kRuns);
  Print("Project(p, hint) [continuity, the hub's path]", Time(route, fixes, true, kCars));
  Print("Project(p) [no hint]", Time(route, fixes, false, kCars));

  if (!dump_dir.empty()) {
    dump_n = std::min(dump_n, fixes.size());
    std::vector<Fix> subset(fixes.begin(), fixes.begin() + dump_n);
    std::ofstream wkt(dump_dir + "/route.wkt");
    wkt << "LINESTRING(";
    char buf[64];
    for (size_t i = 0; i < route.num_vertices(); ++i) {
      std::snprintf(buf, sizeof buf, "%s%.8f %.8f", i ? "," : "", route.vertex(i).lon_deg(),
                    route.vertex(i).lat_deg());
      wkt << buf;
    }
    wkt << ")\n";
    std::ofstream csv(dump_dir + "/points.csv");
    for (size_t i = 0; i < subset.size(); ++i) {
      std::snprintf(buf, sizeof buf, "%zu,%.8f,%.8f\n", i, subset[i].p.lon_deg(),
                    subset[i].p.lat_deg());
      csv << buf;
    }
    // The same N points, repeated so that one run lasts long enough to time.
    std::vector<Fix> repeated;
    for (int k = 0; k < 200; ++k) repeated.insert(repeated.end(), subset.begin(), subset.end());
    Timing same = Time(route, repeated, false, static_cast<int>(std::min<size_t>(dump_n, kCars)));
    std::printf("same-points %zu Project(p) [no hint]: %.0f projections/s\n", dump_n, same.per_s);
  }
  return 0;
}
