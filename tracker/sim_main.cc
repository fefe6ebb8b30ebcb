// convoy-sim: many simulated cars reporting to a hub. The demo's convoy and the benchmarks' load.
#include <cstdio>
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>

#include "proto/cli.h"

#include "tracker/simulator.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  convoy::tracker::SimOptions options;
  std::string hub, roster_path, mode, report_path, make_roster;
  size_t car_limit = 0, roster_cars = 40;
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
      "roster-cars", po::value(&roster_cars)->default_value(40), "cars in a --make-roster roster");
  if (auto exit_code = convoy::ParseFlags(argc, argv, flags, "convoy-sim")) return *exit_code;
  auto log = convoy::LogToStderr("sim");
  if (!make_roster.empty()) {
    if (auto status = convoy::tracker::WriteSimRoster(make_roster, roster_cars); !status.ok()) {
      std::cerr << "convoy-sim: " << status.message() << "\n";
      return 1;
    }
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
