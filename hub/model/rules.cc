// Per-car rules (OFF_ROUTE, STOPPED), BEHIND_SWEEP, and what only time reveals (DARK, dead
// reckoning). Gap rules (STRAGGLER, SPLIT) are in gaps.cc.
#include <algorithm>
#include <cmath>

#include "hub/model/car_state.h"
#include "hub/model/convoy_model.h"
#include "maps/route.h"

namespace convoy::hub {
void ConvoyModel::CarRules(uint32_t i, Car& c, int64_t now_ms) {
  const bool near = c.near_rally >= 0;

  // OFF_ROUTE: off the route, or against it. Following the lead, the lead defines the route and
  // a car ahead of its track cannot be judged.
  const double hd = c.HeadingDiff();
  const bool wrong_way = !std::isnan(hd) && c.speed_mps >= t_.wrong_way_min_speed_mps &&
                         std::fabs(hd) > t_.wrong_way_deg;
  const bool exempt = !leg().route && (c.is_lead || c.beyond_end);
  const bool off = !exempt && (std::fabs(c.offset_m) > t_.off_route_m || wrong_way);
  if (c.off_route_alert != 0) {
    const bool back =
        near || exempt || (std::fabs(c.offset_m) < t_.off_route_clear_m && !wrong_way);
    if (!back) {
      c.back_since_ms = kNever;
    } else {
      if (c.back_since_ms == kNever) c.back_since_ms = now_ms;
      if (near || now_ms - c.back_since_ms >= Ms(t_.off_route_clear_s)) {
        ClearAlert(c.off_route_alert, now_ms);
        c.back_since_ms = kNever;
        c.recovery_until_ms = now_ms + Ms(t_.recovery_s);
      }
    }
  } else if (off && !near) {
    if (c.off_since_ms == kNever) c.off_since_ms = now_ms;
    if (now_ms - c.off_since_ms >= Ms(t_.off_route_sustain_s)) {
      Alert a = BaseAlert(AlertKind::kOffRoute, i, now_ms);
      a.offset_m = c.offset_m;
      a.heading_diff_deg = hd;
      a.duration_s = static_cast<double>(now_ms - c.off_since_ms) / 1000.0;
      c.off_route_alert = Raise(std::move(a));
      c.off_since_ms = kNever;
      c.back_since_ms = kNever;
    }
  } else {
    c.off_since_ms = kNever;
  }

  // STOPPED: standing still, alone, away from rally points, while the convoy moves.
  const bool stopped = c.speed_mps < t_.stopped_speed_mps;
  if (!stopped) {
    c.stop_since_ms = kNever;
  } else if (c.stop_since_ms == kNever) {
    c.stop_since_ms = now_ms;
  }
  if (c.stopped_alert != 0) {
    if (near) {
      ClearAlert(c.stopped_alert, now_ms);
    } else if (c.speed_mps < t_.moving_speed_mps) {
      c.move_since_ms = kNever;
    } else {
      if (c.move_since_ms == kNever) c.move_since_ms = now_ms;
      if (now_ms - c.move_since_ms >= Ms(t_.moving_clear_s)) {
        ClearAlert(c.stopped_alert, now_ms);
        c.move_since_ms = kNever;
        c.recovery_until_ms = now_ms + Ms(t_.recovery_s);
      }
    }
  } else if (stopped && !near && convoy_moving_ &&
             now_ms - c.stop_since_ms >= Ms(t_.stopped_after_s) && !InQueue(i, now_ms)) {
    Alert a = BaseAlert(AlertKind::kStopped, i, now_ms);
    a.duration_s = static_cast<double>(now_ms - c.stop_since_ms) / 1000.0;
    c.stopped_alert = Raise(std::move(a));
    c.move_since_ms = kNever;
  }
}

bool ConvoyModel::InQueue(uint32_t i, int64_t now_ms) const {
  const Car& c = cars_[i];
  if (c.order_pos == kNoOrder) return false;
  const size_t pos = c.order_pos;
  for (size_t p = pos >= 3 ? pos - 3 : 0; p <= pos + 3 && p < order_.size(); ++p) {
    if (p == pos) continue;
    const Car& o = cars_[order_[p]];
    // The sweep stopping behind a broken-down car is not a queue.
    if (o.is_sweep && !c.is_sweep) continue;
    if (!o.Fresh(now_ms)) continue;
    if (std::fabs(o.eff_along_m - c.eff_along_m) <= t_.queue_m &&
        o.speed_mps < t_.stopped_speed_mps) {
      return true;
    }
  }
  return false;
}

void ConvoyModel::EvaluateBehindSweep(uint32_t i, int64_t now_ms) {
  if (sweep_ < 0 || static_cast<int>(i) == sweep_) return;
  Car& c = cars_[i];
  const Car& s = cars_[static_cast<size_t>(sweep_)];
  // Measured between two fresh fixes only: a dead-reckoned estimate is not evidence.
  // And only while the sweep drives: parked at a rally point it is not sweeping (a car
  // arriving after it is late, which the gap rules judge).
  const bool measurable = c.order_pos != kNoOrder && s.order_pos != kNoOrder && c.Fresh(now_ms) &&
                          s.Fresh(now_ms) && !c.estimated && !s.estimated && s.near_rally < 0;
  if (!measurable) {
    c.behind_since_ms = kNever;
    return;
  }
  const double behind_m = s.eff_along_m - c.eff_along_m;
  if (c.behind_sweep_alert != 0) {
    if (behind_m < t_.behind_sweep_clear_m || c.near_rally >= 0) {
      ClearAlert(c.behind_sweep_alert, now_ms);
    }
    return;
  }
  // A car already reported off the route or stopped is that incident; the sweep passing it is
  // in the order for all to see.
  const bool explained = c.off_route_alert != 0 || c.off_since_ms != kNever ||
                         c.stopped_alert != 0 || now_ms < c.recovery_until_ms;
  if (behind_m > t_.behind_sweep_m && c.near_rally < 0 && !explained) {
    if (c.behind_since_ms == kNever) c.behind_since_ms = now_ms;
    if (now_ms - c.behind_since_ms >= Ms(t_.behind_sweep_sustain_s)) {
      Alert a = BaseAlert(AlertKind::kBehindSweep, i, now_ms);
      a.gap_m = behind_m;
      c.behind_sweep_alert = Raise(std::move(a));
      c.behind_since_ms = kNever;
    }
  } else {
    c.behind_since_ms = kNever;
  }
}

void ConvoyModel::DarkRules(int64_t now_ms) {
  const maps::Route* r = route();
  const double length_m = r != nullptr ? r->length_m() : 0;
  const int64_t dark_ms = Ms(t_.dark_after_s);
  const int64_t reckon_ms = Ms(t_.dead_reckon_max_s);
  for (uint32_t i = 0; i < cars_.size(); ++i) {
    Car& c = cars_[i];
    if (c.phase != Phase::kActive || !c.has_fix || !c.projected) continue;
    const int64_t age_ms = now_ms - c.fix_ms;
    // A car last seen at a rally point is parked: trackers powered by the ignition go quiet there.
    if (c.near_rally >= 0) continue;
    if (age_ms > dark_ms && c.dark_alert == 0) {
      Alert a = BaseAlert(AlertKind::kDark, i, now_ms);
      a.duration_s = static_cast<double>(age_ms) / 1000.0;
      c.dark_alert = Raise(std::move(a));
    }
    if (age_ms <= kDeadReckonAfterMs) continue;
    if (age_ms > reckon_ms) {
      if (!c.lost) {
        c.lost = true;
        RemoveFromOrder(i, now_ms);
      }
      continue;
    }
    c.estimated = true;
    c.eff_along_m =
        std::min(length_m, c.along_m + c.speed_ema_mps * static_cast<double>(age_ms) / 1000.0);
  }
}

}  // namespace convoy::hub
