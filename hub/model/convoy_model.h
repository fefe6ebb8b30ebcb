// The convoy model: where every car is along the route, the order and the gaps, the next rally
// point, and the alerts. Pure logic: no I/O, no threads, no clock of its own. The caller feeds
// good fixes (those the fix-quality gate passed) and the time:
//
//   ConvoyModel model(CarsFromRoster(roster), PlanFromTour(std::move(tour)), thresholds);
//   model.OnFix(car, fix, now_ms);     // each good fix, as it arrives
//   model.Tick(now_ms);                // at least once a second (time-based rules: DARK, ...)
//   for (AlertEvent& e : model.TakeEvents()) journal(e);
//   ConvoySnapshot s = model.Snapshot(now_ms);
//
// The clock. now_ms is the hub's wall clock in the field. In simulation and when a recorded tour
// is run through the model again it is the fixes' own time: call AdvanceTo(fix.time_ms) before
// each OnFix(car, fix, fix.time_ms), which runs Tick once for every whole second the stream
// passes, so a tour played at 60x raises the same alerts at the same simulated moments as at 1x,
// and the same stream always gives the same alerts (the model is deterministic). The model's
// clock never goes back: a now_ms earlier than one already seen counts as the latest seen.
//
// Alerts are raised by OnFix as soon as the fix that completes a condition arrives (per-car
// rules, and the gaps in front of and behind the reporting car), and by Tick for what only time
// reveals (a car gone dark) and as a sweep over every gap. Each incident raises one alert: a
// condition must hold for a sustain time to raise, and clears only below a lower threshold
// (thresholds.h). Rules that would describe the same incident twice defer to one another: a
// stopped, dark, off-route or behind-the-sweep car is not also a straggler; a group behind a
// gap is one SPLIT, not a STRAGGLER per car; a car catching up is not a straggler.
//
// Not thread-safe: one owner (the hub's model strand) calls everything.
//
// Cost. OnFix: one Route::Project with the car's previous place as hint (about 1 us) plus O(1)
// bookkeeping; the order is kept sorted incrementally (a car moves past its neighbours). Tick:
// O(n) in the cars, once per tick interval (1 s). Snapshot: O(n). Memory: ~300 bytes per car.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "hub/model/alert.h"
#include "hub/model/plan.h"
#include "hub/model/snapshot.h"
#include "hub/model/thresholds.h"
#include "proto/fix.h"
#include "proto/result.h"

namespace convoy::maps {
class RouteBuilder;
}

namespace convoy::hub {

struct ModelStats {
  uint64_t fixes = 0;         // applied
  uint64_t late_fixes = 0;    // older than the car's latest: history only
  uint64_t unknown_car = 0;   // car index out of range
  uint64_t bad_position = 0;  // not a valid LatLon (the gate should have stopped it)
  uint64_t ticks = 0;
  uint64_t legs_started = 0;
};

class ConvoyModel {
 public:
  // cars: by roster index (0..n-1). At most one lead and one sweep are used: the first of each.
  // plan: at least one leg (an empty plan follows the lead). The route objects are shared, not
  // copied.
  ConvoyModel(std::vector<ModelCar> cars, ModelPlan plan, Thresholds thresholds = {});
  ~ConvoyModel();
  ConvoyModel(ConvoyModel&&) noexcept;
  ConvoyModel& operator=(ConvoyModel&&) noexcept;
  ConvoyModel(const ConvoyModel&) = delete;
  ConvoyModel& operator=(const ConvoyModel&) = delete;

  enum class FixResult {
    kApplied,
    kLate,        // not newer than the car's latest fix: live state unchanged
    kUnknownCar,  // car >= number of cars
    kBadPosition,
  };
  // A good fix of car `car`. Late fixes (a backfill after a dead zone arriving after newer ones)
  // never move the live state backwards; the journal keeps them as history.
  FixResult OnFix(size_t car, const proto::Fix& fix, int64_t now_ms);

  // Time-based rules; does its work at most once per second of model time (earlier calls
  // return at once). Call at least once a second.
  void Tick(int64_t now_ms);
  // Runs Tick at every whole second after the last tick up to now_ms: the fix-time clock.
  void AdvanceTo(int64_t now_ms);

  // An SOS from a car: raises an SOS alert, or returns the id of the car's open one (a car
  // pressing the button again is the same incident). 0 for an unknown car.
  uint64_t RaiseSos(size_t car, int64_t now_ms, std::string_view text = {});
  // Staff saw the alert. Errors: unknown id, already acknowledged (names who did).
  Status Acknowledge(uint64_t alert_id, std::string_view who, int64_t now_ms);
  // Staff closed an SOS. Other kinds clear by themselves when their condition ends (error).
  Status Resolve(uint64_t alert_id, std::string_view who, int64_t now_ms);

  // Alert events (raised, cleared, acknowledged) since the last call, in the order they
  // happened. Cost: O(events).
  std::vector<AlertEvent> TakeEvents();

  // Cost: O(cars + rally points).
  ConvoySnapshot Snapshot(int64_t now_ms) const;
  // Every alert so far, open or cleared; alerts()[id - 1] is alert `id`.
  const std::vector<Alert>& alerts() const { return alerts_; }
  const Alert* FindAlert(uint64_t id) const;

  size_t num_cars() const;
  size_t current_leg() const { return leg_; }
  const ModelPlan& plan() const { return plan_; }
  const Thresholds& thresholds() const { return t_; }
  const ModelStats& stats() const { return stats_; }

 private:
  struct Car;
  struct GapGroup;

  // Legs and routes (convoy_model.cc).
  const maps::Route* route() const;
  const ModelLeg& leg() const { return plan_.legs[leg_]; }
  // The current leg's rally points; following the lead, the stops it has made.
  const std::vector<maps::RallyPoint>& rallies() const {
    return leg().route ? leg().rallies : stops_;
  }
  void NoteLeadStop(Car& lead, int64_t now_ms);
  void StartLeg(size_t leg, int64_t now_ms);
  void MaybeAdvanceLeg(int64_t now_ms);
  int64_t Now(int64_t now_ms);
  void Project(Car& c, double dt_s, const maps::LatLon& prev_pos);
  void UpdateRallies(uint32_t i, Car& c, int64_t now_ms, double dt_s);
  void TryJoin(uint32_t i, Car& c, int64_t now_ms);
  void Join(uint32_t i, int64_t now_ms);
  void Arrive(uint32_t i, int64_t now_ms);
  int MeetingRally() const;
  int FinalRally() const;

  // Order (order.cc).
  bool Ahead(uint32_t a, uint32_t b) const;  // a is ahead of b in the order
  void InsertInOrder(uint32_t i);
  void RemoveFromOrder(uint32_t i, int64_t now_ms);
  void Reposition(uint32_t i);
  void RepairOrder();

  // Rules (rules.cc, gaps.cc).
  void CarRules(uint32_t i, Car& c, int64_t now_ms);
  bool InQueue(uint32_t i, int64_t now_ms) const;
  void EvaluateBehindSweep(uint32_t i, int64_t now_ms);
  void DarkRules(int64_t now_ms);
  struct Gap {
    double m, s;
  };
  Gap GapBetween(const Car& ahead, const Car& behind) const;
  bool GapEligible(const Car& ahead, const Car& x, int64_t now_ms) const;
  void EvaluateGapAt(size_t pos, int64_t now_ms);
  void RaiseGap(size_t pos, int64_t now_ms);
  void LeaveGroup(size_t pos, int64_t now_ms);
  void DropFromGroup(uint32_t i, int64_t now_ms);
  GapGroup* FindGroup(uint64_t alert_id);
  void CloseGroup(uint64_t alert_id, int64_t now_ms, std::string_view by = {});

  // Alerts (alerts.cc).
  Alert BaseAlert(AlertKind kind, uint32_t car, int64_t now_ms) const;
  uint64_t Raise(Alert alert);
  void ClearAlert(uint64_t& id, int64_t now_ms, std::string_view by = {});
  void ClearCarAlerts(Car& c, int64_t now_ms, std::string_view by);

  ModelPlan plan_;
  Thresholds t_;
  std::vector<Car> cars_;
  int lead_ = -1, sweep_ = -1;  // roster indices, -1 when none
  size_t leg_ = 0;
  std::unique_ptr<maps::RouteBuilder> builder_;  // follow-the-lead legs
  // Following the lead: where it stopped for kLeadStopS or longer (lunch, the hotel), kept as
  // rally points so that the cars parked there are neither stopped nor dark.
  std::vector<maps::RallyPoint> stops_;
  int64_t lead_stopped_since_ms_ = INT64_MIN;
  uint64_t route_version_ = 0;  // bumped when the projection base changes
  bool departed_ = false;
  std::vector<std::vector<int64_t>> arrived_ms_;      // [rally][car], 0 = not arrived
  std::vector<std::vector<uint32_t>> arrival_order_;  // [rally]: cars in order of arrival
  std::vector<uint32_t> order_;                       // joined cars with a known place, front first
  std::vector<GapGroup> groups_;                      // open STRAGGLER / SPLIT alerts being tracked
  std::vector<Alert> alerts_;
  std::vector<AlertEvent> events_;
  double convoy_speed_mps_ = 0;
  bool convoy_moving_ = false;
  int64_t now_ms_ = INT64_MIN;
  int64_t next_tick_ms_ = INT64_MIN;
  std::vector<double> scratch_;
  ModelStats stats_;
};

}  // namespace convoy::hub
