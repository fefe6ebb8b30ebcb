// Internal to tracker/scenario: the generated tour, everything decided up front so that any car's
// position at any moment is a pure function of time (tour_truth.cc) and the event stream only
// adds GPS noise (tour_stream.cc). Built by tour_scenario.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "tracker/scenario/motion.h"
#include "tracker/scenario/tour_scenario.h"

namespace convoy::tracker {

struct ScenarioPlan {
  struct Leg {
    scenario::GeoPath path;  // the leg's route; along here = along on the maps::Route
    scenario::LegTimeline timeline;
    double begins_tau = -scenario::kInf;  // lead time from which this leg is the current one
    std::vector<maps::LatLon> rally_positions;
    std::vector<double> rally_radius_m;
  };
  // A sideways excursion in real time: 0 -> offset_m over ramp_s (a sine ramp), held hold_s,
  // back over ramp_s.
  struct Lateral {
    double t0 = 0, ramp_s = 0, hold_s = 0, offset_m = 0;
    double At(double t) const;
  };
  // Stay behind `leader` (lead time behind_s) while [from_s, to_s): the sweep waiting behind a
  // broken-down car.
  struct Follow {
    uint32_t leader = 0;
    double from_s = 0, to_s = 0, behind_s = 2;
  };
  struct Car {
    scenario::Headway headway;  // behind the car ahead; h0 = 0 for the lead
    scenario::Warp warp;
    std::vector<Lateral> laterals;
    std::optional<Follow> follow;
    scenario::GeoPath home;  // home -> its spot at the meeting point
    scenario::DriveProfile home_drive;
    double home_start_s = 0, home_arrive_s = 0;
    double evening_start_s = scenario::kInf;       // leaves the last rally for home (path reversed)
    std::vector<std::pair<int64_t, int64_t>> on;   // tracker reporting, [from, to) UTC ms
    int64_t phase_ms = 0;                          // fix time within each second
    std::vector<std::vector<maps::LatLon>> spots;  // [leg][rally] where it parks
  };
  struct Pose {
    bool on_tour = false;
    size_t leg = 0;
    double along_m = 0;
    maps::LatLon position;
  };

  TourOptions options;
  int64_t origin_ms = 0;  // t = 0 of the doubles
  double meet_at_s = 0;   // when the cars are expected at the meeting point
  std::vector<Leg> legs;
  std::vector<Car> cars;
  std::vector<uint32_t> slot_order;  // cars in order of phase within a second
  std::vector<Incident> incidents;
  std::vector<ScenarioEvent> specials;  // SOS, resolutions, radio; by time
  int64_t start_ms = 0, end_ms = 0;

  double Seconds(int64_t ms) const { return static_cast<double>(ms - origin_ms) / 1000.0; }
  int64_t Ms(double t) const;
  // Sum of the headways of cars 1..car at t (the lead: 0). O(car).
  double HeadwaySum(uint32_t car, double t) const;
  // The car's lead time at t (where the lead was then is where the car is now).
  double TauAt(uint32_t car, double t) const;
  double TauAt(uint32_t car, double t, double headway_sum) const;
  // First t with TauAt(car, t) >= tau, and with t - HeadwaySum(car, t) >= u.
  double SolveTau(uint32_t car, double tau) const;
  double SolveU(uint32_t car, double u) const;
  Pose PoseAt(uint32_t car, double t, double headway_sum) const;
  Pose PoseAt(uint32_t car, double t) const { return PoseAt(car, t, HeadwaySum(car, t)); }
  bool Reporting(uint32_t car, int64_t time_ms) const;
};

}  // namespace convoy::tracker
