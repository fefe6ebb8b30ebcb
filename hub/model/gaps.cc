// STRAGGLER and SPLIT: the gap in front of each car in the order.
//
// A gap opens in front of car X (the car ahead is A). It becomes a candidate when it exceeds the
// raise thresholds in metres AND seconds while X is eligible: fresh, on the route, not at a rally
// point, not stopped/dark/off-route/behind the sweep (those alerts describe the incident), past
// its recovery time, and not catching up. When the candidate has held for the sustain time, the
// group behind the gap is collected (X and the cars following it up to the next such gap): one
// counted car (the sweep does not count) is a STRAGGLER for X; two or more are one SPLIT naming
// the group. The members are tracked, so the gaps inside the group do not raise their own
// alerts for the same incident. The front-most member still in the group measures the gap; when
// it is below a clear threshold the member has rejoined and leaves, and the next member (now
// directly behind a car outside the group) is checked at once. The alert clears when no counted
// member is left.
#include <algorithm>
#include <cmath>

#include "hub/model/car_state.h"
#include "hub/model/convoy_model.h"

namespace convoy::hub {
ConvoyModel::Gap ConvoyModel::GapBetween(const Car& ahead, const Car& behind) const {
  const double m = std::max(0.0, ahead.eff_along_m - behind.eff_along_m);
  const double v = std::max({ahead.speed_ema_mps, behind.speed_ema_mps, t_.min_gap_speed_mps});
  return {m, m / v};
}

bool ConvoyModel::GapEligible(const Car& a, const Car& x, int64_t now_ms) const {
  if (!x.Fresh(now_ms) || x.estimated || x.near_rally >= 0) return false;
  if (x.off_route_alert != 0 || x.off_since_ms != kNever) return false;
  if (x.behind_sweep_alert != 0 || x.behind_since_ms != kNever) return false;
  if (x.dark_alert != 0 || x.stopped_alert != 0 || now_ms < x.recovery_until_ms) return false;
  const double a_speed = a.Fresh(now_ms) ? a.speed_mps : a.speed_ema_mps;
  // Both standing: a jam or a wait, nothing is opening.
  if (std::max(a_speed, x.speed_mps) < kCourseMinSpeedMps) return false;
  // Catching up.
  if (x.speed_mps - a_speed > t_.closing_mps) return false;
  return true;
}

void ConvoyModel::EvaluateGapAt(size_t pos, int64_t now_ms) {
  if (pos >= order_.size()) return;
  Car& x = cars_[order_[pos]];
  if (pos == 0) {
    x.gap_ahead_m = x.gap_ahead_s = kNaN;
    // Nobody ahead any more (they arrived): the gap is gone.
    if (x.gap_alert != 0) LeaveGroup(pos, now_ms);
    return;
  }
  Car& a = cars_[order_[pos - 1]];
  const Gap g = GapBetween(a, x);
  x.gap_ahead_m = g.m;
  x.gap_ahead_s = g.s;
  if (x.gap_alert != 0) {
    if (a.gap_alert == x.gap_alert) return;  // inside its group
    if (g.m < t_.straggler_clear_m || g.s < t_.straggler_clear_s) LeaveGroup(pos, now_ms);
    return;
  }
  const bool over = g.m > std::min(t_.straggler_gap_m, t_.split_gap_m) &&
                    g.s > std::min(t_.straggler_gap_s, t_.split_gap_s);
  if (!over || !GapEligible(a, x, now_ms)) {
    a.gap_behind_since_ms = kNever;
    return;
  }
  const uint32_t xi = order_[pos];
  if (a.gap_behind_since_ms != kNever && a.gap_follower != xi) {
    // Another car now heads the gap: the same gap if the old head is right behind it.
    const bool swapped = pos + 1 < order_.size() && order_[pos + 1] == a.gap_follower;
    if (!swapped) a.gap_behind_since_ms = kNever;
  }
  if (a.gap_behind_since_ms == kNever) a.gap_behind_since_ms = now_ms;
  a.gap_follower = xi;
  if (now_ms - a.gap_behind_since_ms >= Ms(t_.straggler_sustain_s)) RaiseGap(pos, now_ms);
}

void ConvoyModel::RaiseGap(size_t pos, int64_t now_ms) {
  const uint32_t xi = order_[pos];
  Car& x = cars_[xi];
  Car& ahead = cars_[order_[pos - 1]];
  const double raise_m = std::min(t_.straggler_gap_m, t_.split_gap_m);
  const double raise_s = std::min(t_.straggler_gap_s, t_.split_gap_s);
  GapGroup group;
  int counted = 0;
  for (size_t p = pos; p < order_.size(); ++p) {
    const uint32_t yi = order_[p];
    const Car& y = cars_[yi];
    if (y.gap_alert != 0) break;  // another incident's group
    if (p > pos) {
      const Gap g = GapBetween(cars_[order_[p - 1]], y);
      if (g.m > raise_m && g.s > raise_s) break;  // the next gap: its own incident
    }
    group.members.push_back(yi);
    if (!y.is_sweep) ++counted;
  }
  // A STRAGGLER names the one car that counts (the sweep may head the gap in GPS noise).
  uint32_t named = xi;
  for (uint32_t m : group.members) {
    if (!cars_[m].is_sweep) {
      named = m;
      break;
    }
  }
  const AlertKind kind = counted >= 2 ? AlertKind::kSplit : AlertKind::kStraggler;
  const double gap_m = x.gap_ahead_m, gap_s = x.gap_ahead_s;
  if (kind == AlertKind::kSplit && !(gap_m > t_.split_gap_m && gap_s > t_.split_gap_s)) return;
  if (kind == AlertKind::kStraggler) {
    if (!(gap_m > t_.straggler_gap_m && gap_s > t_.straggler_gap_s)) return;
    // One car standing still behind a gap is a STOPPED matter (or a red light for one car).
    if (cars_[named].speed_mps < t_.stopped_speed_mps) return;
  }
  Alert a = BaseAlert(kind, kind == AlertKind::kSplit ? xi : named, now_ms);
  a.gap_m = gap_m;
  a.gap_s = gap_s;
  a.duration_s = static_cast<double>(now_ms - ahead.gap_behind_since_ms) / 1000.0;
  if (kind == AlertKind::kSplit) a.cars = group.members;
  group.sweep_counts = counted == 0;
  group.counted = counted > 0 ? counted : static_cast<int>(group.members.size());
  group.alert_id = Raise(std::move(a));
  ahead.gap_behind_since_ms = kNever;
  for (uint32_t m : group.members) cars_[m].gap_alert = group.alert_id;
  groups_.push_back(std::move(group));
}

ConvoyModel::GapGroup* ConvoyModel::FindGroup(uint64_t alert_id) {
  for (GapGroup& g : groups_) {
    if (g.alert_id == alert_id) return &g;
  }
  return nullptr;
}

void ConvoyModel::CloseGroup(uint64_t alert_id, int64_t now_ms, std::string_view by) {
  auto it = std::find_if(groups_.begin(), groups_.end(),
                         [&](const GapGroup& g) { return g.alert_id == alert_id; });
  if (it == groups_.end()) return;
  for (uint32_t m : it->members) {
    if (cars_[m].gap_alert == alert_id) cars_[m].gap_alert = 0;
  }
  groups_.erase(it);
  uint64_t id = alert_id;
  ClearAlert(id, now_ms, by);
}

void ConvoyModel::LeaveGroup(size_t pos, int64_t now_ms) {
  const uint64_t id = cars_[order_[pos]].gap_alert;
  GapGroup* g = FindGroup(id);
  while (true) {
    Car& y = cars_[order_[pos]];
    y.gap_alert = 0;
    if (g == nullptr) return;
    if (!y.is_sweep || g->sweep_counts) --g->counted;
    if (g->counted <= 0) {
      CloseGroup(id, now_ms);
      return;
    }
    // The next member now follows a car outside the group: has it rejoined too?
    if (pos + 1 >= order_.size()) return;
    const Car& z = cars_[order_[pos + 1]];
    if (z.gap_alert != id) return;
    const Gap gap = GapBetween(y, z);
    if (!(gap.m < t_.straggler_clear_m || gap.s < t_.straggler_clear_s)) return;
    ++pos;
  }
}

void ConvoyModel::DropFromGroup(uint32_t i, int64_t now_ms) {
  Car& c = cars_[i];
  if (c.gap_alert == 0) return;
  const uint64_t id = c.gap_alert;
  c.gap_alert = 0;
  GapGroup* g = FindGroup(id);
  if (g == nullptr) return;
  if (!c.is_sweep || g->sweep_counts) --g->counted;
  if (g->counted <= 0) CloseGroup(id, now_ms);
}

}  // namespace convoy::hub
