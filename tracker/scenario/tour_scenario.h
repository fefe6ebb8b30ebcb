// The two-day tour as a deterministic scenario: 40 cars on the real roads of a tour plan, 1 Hz
// fixes with GPS noise, and scripted incidents with the alerts they should raise. Drives the
// convoy model's tests (hub/) and convoy-sim's tour demo; pure (no I/O, no clock), so it links
// only maps and proto.
//
// How the cars move. The lead follows the plan: it waits at each rally point until the planned
// departure, drives to the next at a speed that meets the planned arrival (10..30 m/s,
// accelerating and braking at 1 m/s^2), and waits there. Car k drives where the lead was H_k(t)
// seconds earlier, H_k being the sum of the headways of cars 1..k (2-4 s each, each wandering
// +-20 % over 10-20 minutes): the convoy accordions as real ones do. At rally points the cars
// pull into spots around the rally's position and out again. Before the first departure each car
// drives from its home (along the route from its start, along the route from far ahead (against
// its direction), or across country) to the meeting point; after the last arrival it drives home
// again. An incident changes one car's or a group's pace (a time warp: slower, stopped, then
// catching up 30 % faster), moves a car off the road, or silences it.
//
// Fixes: time = the second + a per-car phase (trackers are not synchronised); position = truth +
// a slowly wandering error (AR(1), sigma gps_drift_m, 60 s) + white noise (gps_jitter_m) + now
// and then (about once an hour per car) a multipath excursion of 10-35 m for 5-20 s; speed and
// course from the true motion with noise (course is random below 1 m/s, as receivers do).
// Every fix passes proto::FixGate with default options.
//
// Thread-safe to read; copies share the generated plan (cheap).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "maps/latlon.h"
#include "maps/tour_plan.h"
#include "proto/fix.h"
#include "proto/result.h"

namespace convoy::tracker {

// The generated plan (tracker/scenario/scenario_plan.h); shared by copies and streams.
struct ScenarioPlan;

struct TourOptions {
  uint64_t seed = 1;
  size_t cars = 40;       // >= 8; car 0 leads, the last one sweeps
  bool incidents = true;  // false: the clean variant (no incident, still with GPS noise)
  // With incidents: only these (Incident::name: straggler, wrong-turn, breakdown, tunnel,
  // red-light, sos, late-arrival); empty = all. Other cars' motion and noise do not change.
  std::vector<std::string> only_incidents;
  double gps_drift_m = 3.0;
  double gps_jitter_m = 1.0;
};

enum class ScenarioEventKind : uint8_t {
  kFix,          // `fix` from `car`
  kSos,          // the car's SOS button (convoy.v1.CarMessage SOS); text may be empty
  kSosResolved,  // staff close that SOS at the hub (not something a car sends)
  kRadio,        // a canned reply from the car (CarMessage CANNED_REPLY), `text`
};
const char* ScenarioEventKindName(ScenarioEventKind kind);
// The names TourOptions::only_incidents accepts.
const std::vector<std::string>& TourIncidentNames();

struct ScenarioEvent {
  int64_t time_ms = 0;  // UTC
  uint32_t car = 0;     // roster index
  ScenarioEventKind kind = ScenarioEventKind::kFix;
  proto::Fix fix;    // kFix
  std::string text;  // kSos, kRadio
};

// An alert the convoy model should raise for an incident: exactly one of this kind for these
// cars, raised within 30 s after start_ms, still open at end_ms (the incident is over then), and
// cleared by clear_by_ms.
struct ExpectedAlert {
  std::string kind;            // hub::AlertKindName: "STRAGGLER", "SPLIT", "OFF_ROUTE", ...
  std::vector<uint32_t> cars;  // SPLIT: the group behind the gap, front first; else one car
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  int64_t clear_by_ms = 0;
};

struct Incident {
  std::string name;  // straggler, wrong-turn, breakdown, tunnel, red-light, sos, late-arrival
  std::string description;
  size_t leg = 0;  // index into LoadedTour::legs
  std::vector<uint32_t> cars;
  int64_t start_ms = 0, end_ms = 0;
  std::vector<ExpectedAlert> alerts;  // empty: no alert is right (arriving late, before departure)
};

// A car's true state at a moment (no GPS noise), for tests.
struct CarTruth {
  bool reporting = false;  // its tracker sends a fix now
  bool on_tour = false;    // between arriving at the meeting point and leaving for home
  size_t leg = 0;          // the leg it is on (on_tour)
  double along_m = 0;      // where it is along that leg's route (on_tour)
  maps::LatLon position;
  double speed_mps = 0;
};

class TourScenario {
 public:
  // tour: at least one leg; each leg's first rally point needs a planned departure. Errors name
  // the leg. Cost: tens of milliseconds (it traces each car through the tunnel once).
  static Result<TourScenario> Create(const maps::LoadedTour& tour, const TourOptions& options);

  const TourOptions& options() const;
  size_t num_cars() const;
  int64_t start_ms() const;  // the first event
  int64_t end_ms() const;    // after the last
  const std::vector<Incident>& incidents() const;
  CarTruth TruthAt(uint32_t car, int64_t time_ms) const;

  // The events in time order (ties: specials first, then cars in a fixed order). Keeps O(cars)
  // state; about 0.5 us per fix. A Stream holds a share of the scenario (it may outlive it).
  class Stream {
   public:
    // False at the end.
    bool Next(ScenarioEvent& out);
    // Skips to the first event at or after time_ms (only forwards). The events are those of a
    // full stream from there, but the GPS noise differs (its state starts afresh).
    void SkipTo(int64_t time_ms);

   private:
    friend class TourScenario;
    struct State;
    explicit Stream(std::shared_ptr<const ScenarioPlan> impl);
    std::shared_ptr<const ScenarioPlan> impl_;
    std::shared_ptr<State> state_;
  };
  Stream Events() const;

 private:
  explicit TourScenario(std::shared_ptr<const ScenarioPlan> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const ScenarioPlan> impl_;
};

}  // namespace convoy::tracker
