// Test helpers for the convoy model: a scripted convoy on a text-format route, driven one second
// at a time with the fixes' own time as the model's clock.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "hub/model/convoy_model.h"
#include "maps/route.h"
#include "maps/text_format.h"

namespace convoy::hub::testing {

inline constexpr int64_t kT0 = 1'716'019'200'000;  // 2024-05-18 08:00 UTC

// A car of the scripted convoy: where it is along the route and how it moves. Each Step it
// advances speed_mps * 1 s along the route (negative: against it) and reports a fix unless
// silent.
struct ScriptCar {
  double along_m = 0;
  double speed_mps = 0;
  double offset_m = 0;         // + left of the route
  double course_turn_deg = 0;  // added to the route's direction for the reported course
  bool silent = false;
};

// Cars 0..n-1: car 0 leads, car n-1 sweeps (when sweep is true), ids "car0".. .
inline std::vector<ModelCar> Cars(size_t n, bool sweep = true) {
  std::vector<ModelCar> cars(n);
  for (size_t i = 0; i < n; ++i) {
    cars[i].id = "car" + std::to_string(i);
    cars[i].role = i == 0                  ? proto::CarRole::kLead
                   : (sweep && i == n - 1) ? proto::CarRole::kSweep
                                           : proto::CarRole::kCar;
  }
  return cars;
}

inline std::shared_ptr<const maps::Route> TextRoute(const std::string& text) {
  return std::make_shared<const maps::Route>(maps::MakeRouteOrDie(text));
}

// A route due north from 41.9:12.5, `km` long, as text.
inline std::string NorthRoute(double km) {
  maps::LatLon a = maps::LatLon::FromDegrees(41.9, 12.5).value();
  std::vector<maps::LatLon> pts;
  for (int i = 0; i <= 10; ++i) pts.push_back(maps::GeodesicDirect(a, 0, km * 100.0 * i));
  return maps::ToText(pts);
}

class ScriptedConvoy {
 public:
  ScriptedConvoy(std::shared_ptr<const maps::Route> route, size_t n, Thresholds t = {},
                 std::vector<maps::RallyPoint> rallies = {})
      : route_(route),
        model_(Cars(n), ModelPlan::SingleRoute(route, std::move(rallies)), t),
        cars_(n) {}
  // Positions along `route`, the model following `plan` (follow the lead, several legs).
  ScriptedConvoy(std::shared_ptr<const maps::Route> route, size_t n, Thresholds t, ModelPlan plan)
      : route_(route), model_(Cars(n), std::move(plan), t), cars_(n) {}

  ScriptCar& car(size_t i) { return cars_[i]; }
  ConvoyModel& model() { return model_; }
  int64_t now_ms() const { return now_ms_; }
  const std::vector<AlertEvent>& events() const { return events_; }

  // The fix car i reports now (course: the route's direction, reversed when driving back).
  proto::Fix FixFor(size_t i) const {
    const ScriptCar& c = cars_[i];
    double heading = route_->HeadingAt(c.along_m);
    double course = heading + (c.speed_mps < 0 ? 180 : 0) + c.course_turn_deg;
    maps::LatLon p = route_->PointAt(c.along_m);
    if (c.offset_m != 0) p = maps::GeodesicDirect(p, heading - 90, c.offset_m);
    proto::Fix f;
    f.time_ms = now_ms_;
    f.lat_e7 = p.lat_e7();
    f.lon_e7 = p.lon_e7();
    f.speed_cmps = static_cast<uint32_t>(std::lround(std::fabs(c.speed_mps) * 100));
    f.course_cdeg =
        static_cast<uint32_t>(std::lround(std::fmod(course + 720.0, 360.0) * 100)) % 36000;
    f.quality = proto::FixQuality::k3D;
    return f;
  }

  // Reports the current positions (every car not silent), then moves the cars 1 s on; repeats.
  void Step(int seconds = 1) {
    for (int s = 0; s < seconds; ++s) {
      model_.AdvanceTo(now_ms_);
      for (size_t i = 0; i < cars_.size(); ++i) {
        if (!cars_[i].silent) model_.OnFix(i, FixFor(i), now_ms_);
      }
      Collect();
      for (ScriptCar& c : cars_) c.along_m += c.speed_mps;
      now_ms_ += 1000;
    }
  }
  void Collect() {
    for (AlertEvent& e : model_.TakeEvents()) events_.push_back(std::move(e));
  }

  // Alerts raised so far, of one kind.
  std::vector<Alert> Raised(AlertKind kind) const {
    std::vector<Alert> out;
    for (const Alert& a : model_.alerts()) {
      if (a.kind == kind) out.push_back(a);
    }
    return out;
  }

 private:
  std::shared_ptr<const maps::Route> route_;
  ConvoyModel model_;
  std::vector<ScriptCar> cars_;
  std::vector<AlertEvent> events_;
  int64_t now_ms_ = kT0;
};

// "STRAGGLER#1[3] SPLIT#2[4,5,6]" for failure messages.
inline std::string Summary(const std::vector<Alert>& alerts) {
  std::string s;
  for (const Alert& a : alerts) {
    s += std::string(AlertKindName(a.kind)) + "#" + std::to_string(a.id) + "[";
    for (size_t i = 0; i < a.cars.size(); ++i) s += (i ? "," : "") + std::to_string(a.cars[i]);
    s += "]@" + std::to_string((a.raised_ms - kT0) / 1000) + "s ";
  }
  return s;
}

}  // namespace convoy::hub::testing
