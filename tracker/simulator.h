// convoy-sim's engine: many simulated cars in one process, each a full uplink stack (its own
// spool, delta coder, connection and handshake) reporting to a hub.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "proto/host_port.h"
#include "proto/log.h"
#include "proto/roster.h"

namespace convoy::tracker {

enum class SimMode {
  kLive,        // one fix per interval per car, in real time: the demo
  kClosedLoop,  // each car keeps `window` fixes in flight and makes a new one per ack: ingest load
  kBackfill,    // each car starts with `backfill_fixes` spooled (a long dead zone), then reports
};

struct SimOptions {
  proto::HostPort hub;
  SimMode mode = SimMode::kLive;
  std::chrono::milliseconds fix_interval{1000};
  size_t window = 4;                // kClosedLoop
  uint64_t backfill_fixes = 0;      // kBackfill
  uint64_t fixes_per_car = 0;       // stop making fixes after this many; 0 = no limit
  double duration_s = 0;            // stop after this long; 0 = until all done or a signal
  bool exit_when_acked = false;     // stop once every car's fixes are all acknowledged
  std::filesystem::path spool_dir;  // empty: in-memory spools
  int threads = 1;
  double warmup_s = 0;  // latency and rate count only after this long (connections settle)
  // The default circuit: a circle the convoy drives, the lead in front.
  double center_lat_deg = 41.9028, center_lon_deg = 12.4964, radius_m = 3000;
  double speed_mps = 16.7;  // 60 km/h
  double spacing_m = 120;
};

struct SimCarReport {
  std::string car_id;
  uint64_t made = 0;   // fixes made, numbered 1..made without gaps
  uint64_t acked = 0;  // highest seq the hub acknowledged as durable
  uint64_t connects = 0;
  uint64_t live_fixes = 0, live_bytes = 0, backfill_fixes = 0, backfill_bytes = 0;
};

struct SimReport {
  std::vector<SimCarReport> cars;
  double elapsed_s = 0;
  double steady_acked_per_s = 0;  // acknowledgements per second after the warm-up
  double ack_latency_p50_ms = 0, ack_latency_p99_ms = 0;  // fix made to its ack (closed loop, live)
};

// Runs the cars of `roster` (all of them) until the options say stop, or SIGINT/SIGTERM.
SimReport RunSimulation(const proto::Roster& roster, const SimOptions& options, LogFn log);

// Writes a roster of `cars` simulated cars (car001 is the lead, the last one the sweep) with
// random secrets.
Status WriteSimRoster(const std::string& path, size_t cars);

}  // namespace convoy::tracker
