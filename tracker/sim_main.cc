// convoy-sim: many simulated cars reporting to a hub. The demo's convoy and the benchmarks' load.
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <optional>

#include <boost/program_options.hpp>

#include "proto/cli.h"
#include "proto/clock.h"

#include "tracker/simulator.h"
#include "tracker/tour_sim.h"

namespace po = boost::program_options;

namespace {

// --from / --until: UTC milliseconds, or YYYY-MM-DDTHH:MM[:SS]Z.
std::optional<int64_t> ParseSimTime(const std::string& text) {
  if (text.empty()) return 0;
  if (text.find_first_not_of("0123456789") == std::string::npos) return std::stoll(text);
  std::tm tm{};
  int year, month, day, hour, minute, second = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%dZ", &year, &month, &day, &hour, &minute,
                  &second) < 5 ||
      text.back() != 'Z') {
    return std::nullopt;
  }
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    if (comma > start) items.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return items;
}

}  // namespace

int main(int argc, char** argv) {
  convoy::tracker::SimOptions options;
  std::string hub, roster_path, mode, report_path, make_roster;
  size_t car_limit = 0, roster_cars = 40;
  std::string scenario, incidents = "all", from_text, until_text, osmand_hub;
  bool list_incidents = false;
  std::string dated_plan_dir;
  convoy::tracker::TourSimOptions tour;
  int interval_ms = 1000;
  po::options_description flags("convoy-sim flags");
  flags.add_options()("help", "print this help")("hub", po::value(&hub),
                                                 "HOST:PORT of the hub's tracker port")(
      "roster", po::value(&roster_path), "the cars: CSV with id,name,role,secret")(
      "mode", po::value(&mode)->default_value("live"),
      "live (one fix per interval, real time) | closed-loop (each car keeps --window fixes in "
      "flight) | backfill (each car starts with --backfill fixes spooled)")(
      "cars", po::value(&car_limit), "drive only the first N cars of the roster")(
      "interval-ms", po::value(&interval_ms)->default_value(1000), "time between a car's fixes")(
      "window", po::value(&options.window)->default_value(4),
      "closed-loop: fixes in flight per car")(
      "backfill", po::value(&options.backfill_fixes)->default_value(3600),
      "backfill: fixes per car")("fixes-per-car",
                                 po::value(&options.fixes_per_car)->default_value(0),
                                 "stop making fixes after N (0: never)")(
      "duration", po::value(&options.duration_s)->default_value(0),
      "seconds to run (0: until done or Ctrl-C)")("exit-when-acked",
                                                  po::bool_switch(&options.exit_when_acked),
                                                  "exit once every fix made is acknowledged")(
      "spool-dir", po::value(&options.spool_dir),
      "keep each car's spool on disk under DIR/<car id> (default: memory)")(
      "threads", po::value(&options.threads)->default_value(1), "network threads")(
      "warmup", po::value(&options.warmup_s)->default_value(0),
      "seconds before ack latency and rate are measured")(
      "report", po::value(&report_path), "write per-car figures as CSV to FILE ('-': stdout)")(
      "make-roster", po::value(&make_roster),
      "write a roster of --roster-cars simulated cars to FILE and exit")(
      "roster-cars", po::value(&roster_cars)->default_value(40), "cars in a --make-roster roster")(
      "scenario", po::value(&scenario),
      "tour: play the two-day tour of --plan (real roads, GPS noise, scripted incidents) "
      "instead of --mode")("plan", po::value(&tour.plan_path), "tour: the tour plan file")(
      "speedup", po::value(&tour.speedup)->default_value(60),
      "tour: simulated seconds per wall second (run the hub with --clock fix-time)")(
      "seed", po::value(&tour.tour.seed)->default_value(1), "tour: the scenario's random seed")(
      "incidents", po::value(&incidents)->default_value("all"),
      "tour: all | none | a comma list of straggler, wrong-turn, breakdown, tunnel, red-light, "
      "sos, late-arrival")("phones", po::value(&tour.phones)->default_value(0),
                           "tour: N cars report as phones (Traccar Client, OsmAnd protocol)")(
      "osmand-hub", po::value(&osmand_hub), "tour: HOST:PORT of the hub's OsmAnd port (--phones)")(
      "from", po::value(&from_text),
      "tour: start at this simulated time (UTC ms or YYYY-MM-DDTHH:MM[:SS]Z)")(
      "until", po::value(&until_text), "tour: stop after this simulated time")(
      "write-dated-plan", po::value(&dated_plan_dir),
      "tour: write a copy of --plan dated 3 days ago into DIR (the hub refuses fix times over 8 "
      "days old), print its path and exit")(
      "list-incidents", po::bool_switch(&list_incidents),
      "tour: print the scripted incidents with their times and the alerts they should raise");
  if (auto exit_code = convoy::ParseFlags(argc, argv, flags, "convoy-sim")) return *exit_code;
  auto log = convoy::LogToStderr("sim");
  if (!make_roster.empty()) {
    if (auto status = convoy::tracker::WriteSimRoster(make_roster, roster_cars); !status.ok()) {
      std::cerr << "convoy-sim: " << status.message() << "\n";
      return 1;
    }
    return 0;
  }
  if (!scenario.empty() && scenario != "tour") {
    std::cerr << "convoy-sim: --scenario must be tour\n";
    return 2;
  }
  if (scenario == "tour") {
    if (tour.plan_path.empty()) {
      std::cerr << "convoy-sim: --scenario tour needs --plan FILE\n";
      return 2;
    }
    tour.tour.incidents = incidents != "none";
    if (incidents != "all" && incidents != "none") tour.tour.only_incidents = SplitList(incidents);
    const auto from = ParseSimTime(from_text), until = ParseSimTime(until_text);
    if (!from || !until) {
      std::cerr << "convoy-sim: --from/--until: UTC milliseconds or YYYY-MM-DDTHH:MM[:SS]Z\n";
      return 2;
    }
    tour.from_ms = *from;
    tour.until_ms = *until;
  }
  if (!dated_plan_dir.empty()) {
    auto copy = convoy::tracker::WriteDatedPlanCopy(tour.plan_path, dated_plan_dir,
                                                    convoy::SystemClock::Instance().NowUtcMs());
    if (!copy.ok()) {
      std::cerr << "convoy-sim: " << copy.message() << "\n";
      return 1;
    }
    std::cout << *copy << "\n";
    return 0;
  }
  if (list_incidents) {
    if (scenario != "tour") {
      std::cerr << "convoy-sim: --list-incidents needs --scenario tour\n";
      return 2;
    }
    if (!roster_path.empty()) {
      auto roster = convoy::proto::Roster::Load(roster_path);
      if (!roster.ok()) {
        std::cerr << "convoy-sim: " << roster.message() << "\n";
        return 1;
      }
      tour.tour.cars = roster->cars().size();
    }
    auto lines = convoy::tracker::DescribeTourIncidents(tour.plan_path, tour.tour);
    if (!lines.ok()) {
      std::cerr << "convoy-sim: " << lines.message() << "\n";
      return 1;
    }
    for (const std::string& line : *lines) std::cout << line << "\n";
    return 0;
  }
  if (hub.empty() || roster_path.empty()) {
    std::cerr << "convoy-sim: --hub and --roster are required\n" << flags << "\n";
    return 2;
  }
  auto hub_address = convoy::proto::ParseHostPort(hub, "--hub");
  if (!hub_address.ok()) {
    std::cerr << "convoy-sim: " << hub_address.message() << "\n";
    return 2;
  }
  options.hub = *hub_address;
  options.fix_interval = std::chrono::milliseconds(std::max(1, interval_ms));
  if (mode == "live") {
    options.mode = convoy::tracker::SimMode::kLive;
  } else if (mode == "closed-loop") {
    options.mode = convoy::tracker::SimMode::kClosedLoop;
  } else if (mode == "backfill") {
    options.mode = convoy::tracker::SimMode::kBackfill;
  } else {
    std::cerr << "convoy-sim: --mode must be live, closed-loop or backfill\n";
    return 2;
  }
  auto roster = convoy::proto::Roster::Load(roster_path);
  if (!roster.ok()) {
    std::cerr << "convoy-sim: " << roster.message() << "\n";
    return 1;
  }
  if (car_limit > 0 && car_limit < roster->cars().size()) roster->Truncate(car_limit);

  if (scenario == "tour") {
    tour.hub = options.hub;
    if (!osmand_hub.empty()) {
      auto address = convoy::proto::ParseHostPort(osmand_hub, "--osmand-hub");
      if (!address.ok()) {
        std::cerr << "convoy-sim: " << address.message() << "\n";
        return 2;
      }
      tour.osmand = *address;
    }
    auto result = convoy::tracker::RunTourSimulation(*roster, tour, log);
    if (!result.ok()) {
      std::cerr << "convoy-sim: " << result.message() << "\n";
      return 1;
    }
    return result->drained ? 0 : 3;
  }

  const auto report = convoy::tracker::RunSimulation(*roster, options, log);

  uint64_t made = 0, acked = 0, live_fixes = 0, live_bytes = 0, backfill_fixes = 0,
           backfill_bytes = 0;
  for (const auto& car : report.cars) {
    made += car.made;
    acked += car.acked;
    live_fixes += car.live_fixes;
    live_bytes += car.live_bytes;
    backfill_fixes += car.backfill_fixes;
    backfill_bytes += car.backfill_bytes;
  }
  std::fprintf(stderr,
               "sim: %zu cars, %.1f s: %llu fixes made, %llu acknowledged (%.0f/s, %.0f/s after "
               "warm-up); ack latency p50 %.2f ms p99 %.2f ms; link bytes per fix: live %.1f, "
               "backfill %.1f\n",
               report.cars.size(), report.elapsed_s, static_cast<unsigned long long>(made),
               static_cast<unsigned long long>(acked), acked / std::max(report.elapsed_s, 1e-9),
               report.steady_acked_per_s, report.ack_latency_p50_ms, report.ack_latency_p99_ms,
               live_fixes ? double(live_bytes) / live_fixes : 0.0,
               backfill_fixes ? double(backfill_bytes) / backfill_fixes : 0.0);
  if (!report_path.empty()) {
    std::ofstream file;
    if (report_path != "-") file.open(report_path);
    std::ostream& out = report_path == "-" ? std::cout : file;
    out << "car,made,acked,connects,live_fixes,live_bytes,backfill_fixes,backfill_bytes\n";
    for (const auto& car : report.cars) {
      out << car.car_id << "," << car.made << "," << car.acked << "," << car.connects << ","
          << car.live_fixes << "," << car.live_bytes << "," << car.backfill_fixes << ","
          << car.backfill_bytes << "\n";
    }
  }
  return 0;
}
