// convoy-sim --scenario tour: the two-day tour (tracker/scenario/) played against a real hub over
// the real links. Each car is what it would be in the field: a tracker unit (its own spool,
// uplink and car-message outbox, over the Convoy protocol) or a phone running Traccar Client
// (OsmAnd protocol over HTTP, tracker/phone_uplink.h). Simulated time runs `speedup` times
// faster than the wall clock; every fix carries its simulated time, so a hub run with
// --clock fix-time raises the same alerts at the same simulated moments as at 1x.
//
// What the cars do besides reporting their fixes:
//  * in the tunnel a car's link is down from 5 s before its first silent second to the exit: its
//    last fixes before the tunnel reach the hub late (backfill), as after any dead zone;
//  * the scenario's SOS is a CarMessage SOS from the unit (alarm=sos on a phone's next report);
//    its radio line (the breakdown) a CANNED_REPLY; once staff resolve the SOS (the scenario's
//    kSosResolved) the car answers "OK" (a canned reply);
//  * a phone keeps its reports while offline and sends them, oldest first, when back.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "proto/host_port.h"
#include "proto/log.h"
#include "proto/result.h"
#include "proto/roster.h"
#include "tracker/scenario/tour_scenario.h"

namespace convoy::tracker {

struct TourSimOptions {
  proto::HostPort hub;                    // the hub's tracker port
  std::optional<proto::HostPort> osmand;  // the hub's OsmAnd port (needed when phones > 0)
  std::string plan_path;                  // the tour plan (maps::LoadTour)
  double speedup = 60;                    // simulated seconds per wall second, > 0
  TourOptions tour;                       // seed, incidents; `cars` is the roster's size
  size_t phones = 0;                      // cars reporting as phones, spread along the convoy
  std::vector<uint32_t> phone_cars;       // ... and these roster indices too
  int64_t from_ms = 0;                    // simulated UTC ms to start at; 0: the first event
  int64_t until_ms = 0;                   // ... to stop after; 0: the last event
  // At the end, wait this long (wall) for the hub to acknowledge every fix and message.
  std::chrono::milliseconds drain_timeout{60'000};
};

struct TourSimReport {
  uint64_t fixes = 0;             // fixes made (units and phones)
  uint64_t unit_fixes_acked = 0;  // acknowledged by the hub as durable
  uint64_t phone_reports_ok = 0;  // answered 200 by the hub
  uint64_t car_messages = 0;      // SOS and replies sent
  uint64_t car_messages_delivered = 0;
  int64_t first_ms = 0, last_ms = 0;  // simulated time played
  double elapsed_s = 0;               // wall
  bool drained = false;               // everything acknowledged before the drain timeout
};

// Which roster indices report as phones: `phones` cars spread evenly over the convoy, never the
// lead (0) or the sweep (cars - 1) while other cars are left.
std::vector<bool> PhoneCars(size_t cars, size_t phones);

// Plays the tour with every car of `roster` (index = scenario car; 0 leads, the last sweeps).
// Blocks until the end, SIGINT/SIGTERM, or an error starting (the plan, the options).
Result<TourSimReport> RunTourSimulation(const proto::Roster& roster, const TourSimOptions& options,
                                        LogFn log);

// The hub's fix-quality gate refuses fix times more than 8 days old or ahead of its clock, so a
// tour dated in the past (the sample is dated 2024) cannot be played through a hub as it is.
// Writes a copy of the plan to out_dir with every `date =` moved by whole days so that its first
// day is `days_ago` days before now_ms (the whole tour is then in the recent past whatever the
// speedup), and its `route =` / `waypoints =` files pointing at the originals. Returns the copy's
// path. Times of day, and so the scenario and its incidents, are otherwise the same.
Result<std::string> WriteDatedPlanCopy(const std::string& plan_path,
                                       const std::filesystem::path& out_dir, int64_t now_ms,
                                       int days_ago = 3);

// The scenario's incidents as text lines (for --list-incidents and the demo).
Result<std::vector<std::string>> DescribeTourIncidents(const std::string& plan_path,
                                                       const TourOptions& tour);

}  // namespace convoy::tracker
