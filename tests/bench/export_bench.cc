// Writes the export benchmark's recording (not a test): a hub journal of a two-day tour, 40 cars
// at 1 Hz along the real Rome-Positano route (tests/data/tour/day1_rome_to_positano.geojson),
// about 2.9 million fixes, plus a roster with the cars' names. export_bench.sh times
// `convoy-replay export` and ogr2ogr on it.
//
//   export_bench --out DIR [--cars 40] [--days 2] [--hours 10]
//
// Each day every car leaves its own home (2-6 km from the route's start on day 1; the hotel at
// the end on day 2), drives 15 minutes to the route, follows it 80 m behind the car in front with
// a one-hour lunch stop, and drives 15 minutes to the hotel (day 1) or home (day 2). The journal
// looks like the hub's: one record per fix as cars report live, interleaved by second, except a
// 10-minute dead zone per car on day 1 that arrives as one backfill record; one fix in 5,000 is
// flagged as a jump (5 km off).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "hub/ingest.h"
#include "hub/journal.h"
#include "maps/latlon.h"
#include "maps/route_file.h"

namespace {

using namespace convoy;

constexpr int64_t kTourStartMs = 1716012000000;  // 2024-05-18T06:00:00Z
constexpr int64_t kDayMs = 86'400'000;
constexpr int kDriveToRouteS = 900;
constexpr double kSpacingM = 80;

struct Args {
  std::string out;
  int cars = 40;
  int days = 2;
  double hours = 10;
};

// Deterministic noise in [-1, 1].
double Noise(uint64_t a, uint64_t b) {
  uint64_t x = a * 0x9E3779B97F4A7C15ull ^ (b + 0x632BE59BD9B4E019ull);
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return static_cast<double>(x % 2000001) / 1000000.0 - 1.0;
}

maps::LatLon Lerp(maps::LatLon a, maps::LatLon b, double f) {
  return *maps::LatLon::FromDegrees(a.lat_deg() + (b.lat_deg() - a.lat_deg()) * f,
                                    a.lon_deg() + (b.lon_deg() - a.lon_deg()) * f);
}

void Append(hub::Journal& journal, std::string payload) {
  // The queue is bounded: wait for the commit thread when it is full.
  while (!journal.Append(hub::RecordType::kFixes, payload, [](const Status&) {})) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--out") {
      args.out = argv[i + 1];
    } else if (flag == "--cars") {
      args.cars = std::atoi(argv[i + 1]);
    } else if (flag == "--days") {
      args.days = std::atoi(argv[i + 1]);
    } else if (flag == "--hours") {
      args.hours = std::atof(argv[i + 1]);
    }
  }
  if (args.out.empty() || args.cars < 1 || args.days < 1 || args.hours < 1) {
    std::fprintf(stderr, "usage: export_bench --out DIR [--cars 40] [--days 2] [--hours 10]\n");
    return 2;
  }
  auto route_file =
      maps::LoadRouteFile(std::string(CONVOY_TEST_DATA) + "/tour/day1_rome_to_positano.geojson");
  if (!route_file.ok()) {
    std::fprintf(stderr, "%s\n", route_file.message().c_str());
    return 1;
  }
  const maps::Route& forward = route_file->route;
  const maps::Route backward = forward.Reversed();
  const double length_m = forward.length_m();
  const int day_s = static_cast<int>(args.hours * 3600);
  const int lunch_from_s = day_s * 45 / 100, lunch_s = std::min(3600, day_s / 10);

  std::filesystem::create_directories(args.out);
  {
    std::ofstream roster(std::filesystem::path(args.out) / "cars.csv");
    roster << "id,name,role,secret\n";
    for (int c = 0; c < args.cars; ++c) {
      char id[16];
      std::snprintf(id, sizeof id, "car%03d", c + 1);
      const char* role = c == 0 ? "lead" : c == args.cars - 1 ? "sweep" : "car";
      roster << id << ",Car " << (c + 1) << " - family " << id << "," << role << ",secret-" << id
             << "-0123456789\n";
    }
  }
  hub::JournalOptions options;
  options.dir = std::filesystem::path(args.out) / "data";
  std::filesystem::remove_all(options.dir);
  auto journal = hub::Journal::Open(options, nullptr, nullptr);
  if (!journal.ok()) {
    std::fprintf(stderr, "%s\n", journal.message().c_str());
    return 1;
  }

  // Homes: around the route's start, each car its own; the hotel is at the route's end.
  std::vector<maps::LatLon> homes;
  for (int c = 0; c < args.cars; ++c) {
    homes.push_back(maps::GeodesicDirect(forward.PointAt(0), 360.0 * c / args.cars + 7,
                                         2000 + 4000 * (0.5 + 0.5 * Noise(c, 1))));
  }
  const maps::LatLon hotel = maps::GeodesicDirect(forward.PointAt(length_m), 200, 1500);

  std::vector<uint64_t> seq(args.cars, 0);
  std::vector<std::vector<proto::SequencedFix>> dead_zone(args.cars);
  std::vector<std::vector<proto::FixVerdict>> dead_verdicts(args.cars);
  uint64_t fixes = 0, flagged = 0;
  const proto::FixVerdict good = proto::FixVerdict::kGood;
  const proto::FixVerdict jump = proto::FixVerdict::kJump;
  for (int day = 0; day < args.days; ++day) {
    const maps::Route& route = day % 2 == 0 ? forward : backward;
    const int64_t day_start_ms = kTourStartMs + day * kDayMs;
    const int drive_s = day_s - 2 * kDriveToRouteS - lunch_s;
    std::vector<maps::LatLon> previous(args.cars);
    for (int t = 0; t < day_s; ++t) {
      for (int c = 0; c < args.cars; ++c) {
        const maps::LatLon from = day % 2 == 0 ? homes[c] : hotel;
        const maps::LatLon to = day % 2 == 0 ? hotel : homes[c];
        maps::LatLon p;
        if (t < kDriveToRouteS) {
          p = Lerp(from, route.PointAt(0), double(t) / kDriveToRouteS);
        } else if (t >= day_s - kDriveToRouteS) {
          p = Lerp(route.PointAt(length_m), to,
                   double(t - (day_s - kDriveToRouteS)) / kDriveToRouteS);
        } else {
          int moving_s = t - kDriveToRouteS;
          if (t >= lunch_from_s)
            moving_s = std::max(lunch_from_s - kDriveToRouteS, moving_s - lunch_s);
          const double lead_along = length_m * std::min(1.0, double(moving_s) / drive_s);
          const double along = std::clamp(lead_along - kSpacingM * c, 0.0, length_m);
          p = route.PointAt(along);
        }
        // A few metres of receiver noise.
        const uint64_t key = uint64_t(day) << 40 | uint64_t(t) << 8 | uint64_t(c);
        p = maps::GeodesicDirect(p, 180 * (1 + Noise(key, 2)), 3 * std::fabs(Noise(key, 3)));
        proto::SequencedFix f;
        f.seq = ++seq[c];
        f.fix.time_ms = day_start_ms + int64_t(t) * 1000;
        f.fix.lat_e7 = p.lat_e7();
        f.fix.lon_e7 = p.lon_e7();
        f.fix.altitude_dm = static_cast<int32_t>(800 + 600 * std::sin(t / 900.0 + c));
        const maps::GeodesicLine step =
            t > 0 ? maps::GeodesicInverse(previous[c], p) : maps::GeodesicLine{};
        previous[c] = p;
        f.fix.speed_cmps = static_cast<uint32_t>(std::lround(step.distance_m * 100));
        f.fix.course_cdeg = static_cast<uint32_t>(std::lround(step.azimuth2_deg * 100)) % 36000;
        f.fix.hdop_c = 90 + static_cast<uint32_t>(40 * std::fabs(Noise(key, 4)));
        f.fix.satellites = 8 + static_cast<uint32_t>(4 * std::fabs(Noise(key, 5)));
        f.fix.quality = proto::FixQuality::k3D;
        proto::FixVerdict verdict = good;
        if (f.seq % 5000 == 0) {  // a glitch 5 km off
          const maps::LatLon off = maps::GeodesicDirect(p, 90, 5000);
          f.fix.lat_e7 = off.lat_e7();
          f.fix.lon_e7 = off.lon_e7();
          verdict = jump;
          ++flagged;
        }
        ++fixes;
        const int64_t received_ms = f.fix.time_ms + 300;
        char id[16];
        std::snprintf(id, sizeof id, "car%03d", c + 1);
        const int dead_from_s = 10000 + 100 * c;
        if (day == 0 && t >= dead_from_s && t < dead_from_s + 600) {
          // Out of coverage: spooled, and sent as one backfill batch when the car is back.
          dead_zone[c].push_back(f);
          dead_verdicts[c].push_back(verdict);
          if (t == dead_from_s + 599) {
            Append(**journal,
                   hub::EncodeJournalFixes(id, received_ms + 2000, dead_zone[c], dead_verdicts[c],
                                           v1::JournalFixes::SOURCE_UNIT));
          }
          continue;
        }
        Append(**journal,
               hub::EncodeJournalFixes(id, received_ms, std::span(&f, 1), std::span(&verdict, 1),
                                       v1::JournalFixes::SOURCE_UNIT));
      }
    }
  }
  (*journal)->Flush();
  std::printf("wrote %llu fixes (%llu flagged) of %d cars over %d days to %s\n",
              static_cast<unsigned long long>(fixes), static_cast<unsigned long long>(flagged),
              args.cars, args.days, options.dir.c_str());
  return 0;
}
