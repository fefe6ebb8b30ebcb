// ConvoyModel::Snapshot: the state as the map and the staff see it.
#include "hub/model/snapshot.h"

#include <algorithm>
#include <cmath>

#include "hub/model/car_state.h"
#include "hub/model/convoy_model.h"
#include "maps/route.h"

namespace convoy::hub {
namespace {

constexpr const char* kStateNames[] = {"not-started", "ok",   "straggler",    "split", "off-route",
                                       "stopped",     "dark", "behind-sweep", "sos",   "arrived"};

// Speed below which a joined car's ETA uses the convoy's speed instead of its own.
constexpr double kEtaMinSpeedMps = 3.0;
// A converging car must close in at least this fast for an ETA.
constexpr double kApproachMinMps = 2.0;

}  // namespace

const char* CarStateName(CarState state) {
  auto i = static_cast<size_t>(state);
  return i < std::size(kStateNames) ? kStateNames[i] : "unknown";
}

ConvoySnapshot ConvoyModel::Snapshot(int64_t now_ms) const {
  const int64_t now = std::max(now_ms, now_ms_);
  const maps::Route* r = route();
  ConvoySnapshot s;
  s.now_ms = now;
  s.leg = leg_;
  s.leg_name = leg().name;
  s.follow_the_lead = leg().route == nullptr;
  s.departed = departed_;
  s.order = order_;
  s.convoy_speed_mps = convoy_speed_mps_;
  if (!order_.empty()) {
    s.convoy_length_m = cars_[order_.front()].eff_along_m - cars_[order_.back()].eff_along_m;
  }
  const Car* lead = lead_ >= 0 ? &cars_[static_cast<size_t>(lead_)] : nullptr;
  if (lead != nullptr && lead->order_pos == kNoOrder) lead = nullptr;

  s.cars.resize(cars_.size());
  for (uint32_t i = 0; i < cars_.size(); ++i) {
    const Car& c = cars_[i];
    CarView& v = s.cars[i];
    v.car = i;
    v.has_fix = c.has_fix;
    if (c.has_fix) {
      v.last_fix_ms = c.fix_ms;
      v.age_s = static_cast<double>(now - c.fix_ms) / 1000.0;
      v.position = c.pos;
      v.speed_mps = c.speed_mps;
    }
    if (c.projected) {
      v.along_m = c.along_m;
      v.offset_m = c.offset_m;
      v.heading_diff_deg = c.HeadingDiff();
    }
    if (c.order_pos != kNoOrder) {
      v.order = c.order_pos + 1;
      v.gap_ahead_m = c.gap_ahead_m;
      v.gap_ahead_s = c.gap_ahead_s;
      if (lead != nullptr) {
        v.gap_lead_m = lead->eff_along_m - c.eff_along_m;
        double speed = std::max({lead->speed_ema_mps, c.speed_ema_mps, t_.min_gap_speed_mps});
        v.gap_lead_s = v.gap_lead_m / speed;
      }
    }
    if (c.estimated && c.order_pos != kNoOrder && r != nullptr) {
      v.estimated = true;
      v.estimate_along_m = c.eff_along_m;
      v.estimate_position = r->PointAt(c.eff_along_m);
    }
    if (c.phase == Phase::kNotStarted && c.has_meet) {
      v.meet_distance_m = c.meet_distance_m;
      if (c.approach_mps >= kApproachMinMps) v.meet_eta_s = c.meet_distance_m / c.approach_mps;
    }
    if (c.sos_alert != 0) {
      v.state = CarState::kSos;
    } else if (c.phase == Phase::kNotStarted) {
      v.state = CarState::kNotStarted;
    } else if (c.phase == Phase::kArrived) {
      v.state = CarState::kArrived;
    } else if (c.dark_alert != 0) {
      v.state = CarState::kDark;
    } else if (c.off_route_alert != 0) {
      v.state = CarState::kOffRoute;
    } else if (c.stopped_alert != 0) {
      v.state = CarState::kStopped;
    } else if (c.behind_sweep_alert != 0) {
      v.state = CarState::kBehindSweep;
    } else if (c.gap_alert != 0) {
      v.state = alerts_[c.gap_alert - 1].kind == AlertKind::kSplit ? CarState::kSplit
                                                                   : CarState::kStraggler;
    } else {
      v.state = CarState::kOk;
    }
  }

  // The next rally point: the meeting point until the convoy leaves it, then the first one the
  // front car has not left behind.
  const auto& rallies = this->rallies();
  int next = -1;
  if (!departed_ && MeetingRally() >= 0) {
    next = MeetingRally();
  } else if (!order_.empty()) {
    const double front_m = cars_[order_.front()].eff_along_m;
    for (size_t k = 0; k < rallies.size(); ++k) {
      if (rallies[k].along_m + rallies[k].radius_m + kRallyAlongSlackM >= front_m) {
        next = static_cast<int>(k);
        break;
      }
    }
  } else if (!rallies.empty()) {
    next = FinalRally() >= 0 ? FinalRally() : 0;
  }
  if (next >= 0) {
    const auto k = static_cast<size_t>(next);
    const maps::RallyPoint& rp = rallies[k];
    RallyView rv;
    rv.index = k;
    rv.name = rp.name;
    rv.along_m = rp.along_m;
    rv.arrive_utc_ms = rp.arrive_utc_ms;
    rv.depart_utc_ms = rp.depart_utc_ms;
    rv.arrived = arrival_order_[k];
    for (uint32_t i = 0; i < cars_.size(); ++i) {
      const Car& c = cars_[i];
      if (arrived_ms_[k][i] != 0 || c.phase == Phase::kArrived) continue;
      MissingCar m;
      m.car = i;
      if (c.phase == Phase::kActive && c.projected) {
        m.distance_m = std::max(0.0, rp.along_m - c.eff_along_m);
        double speed = c.speed_ema_mps >= kEtaMinSpeedMps ? c.speed_ema_mps : convoy_speed_mps_;
        if (speed >= kEtaMinSpeedMps) m.eta_s = m.distance_m / speed;
      } else if (c.has_fix) {
        if (next == MeetingRally() && c.has_meet) {
          m.distance_m = c.meet_distance_m;
          if (c.approach_mps >= kApproachMinMps) m.eta_s = c.meet_distance_m / c.approach_mps;
        } else {
          m.distance_m = maps::GeodesicDistanceM(c.pos, rp.position);
        }
      }
      rv.missing.push_back(m);
    }
    s.next_rally = std::move(rv);
  }

  for (const Alert& a : alerts_) {
    if (a.open()) s.open_alerts.push_back(a);
  }
  return s;
}

}  // namespace convoy::hub
