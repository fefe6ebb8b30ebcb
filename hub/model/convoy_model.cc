// ConvoyModel: construction, legs, fixes and ticks. The rules are in rules.cc and gaps.cc, the
// order in order.cc, alert bookkeeping in alerts.cc, the snapshot in snapshot.cc.
#include "hub/model/convoy_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "hub/model/car_state.h"
#include "maps/route.h"

namespace convoy::hub {
namespace {

constexpr int64_t kTickMs = 1000;
// Follow the lead: the convoy has left once the lead's track is this long.
constexpr double kFollowDepartM = 100.0;

// Bounds of the projection hint after a long silence (Project).
constexpr double kLongSilenceS = 10.0;
constexpr double kDetourFactor = 4.0;
constexpr double kBendFactor = 1.25;
// Following the lead: a stop of the lead this long is a planned stop (a rally point) of that
// radius.
constexpr double kLeadStopS = 120.0;
constexpr double kFollowStopRadiusM = 300.0;
// Following the lead, a car joins on the lead's track within this distance behind the lead.
constexpr double kFollowJoinM = 2000.0;
// How far along a car against the route may be moved to a part of it going its way.
constexpr double kTurnaroundJumpM = 500.0;

// Smallest angle between two directions, [0, 180].
double AngleBetween(double a_deg, double b_deg) {
  double d = std::fabs(std::fmod(a_deg - b_deg, 360.0));
  return d > 180 ? 360 - d : d;
}

// Metres on a local flat approximation: cheap, good to 0.5 % over tens of km.
double FlatDistanceM(const maps::LatLon& a, const maps::LatLon& b) {
  constexpr double kMetresPerDegree = 111'195.08;
  const double mid = (a.lat_deg() + b.lat_deg()) / 2 * 0.017453292519943295;
  const double east = (b.lon_deg() - a.lon_deg()) * kMetresPerDegree * std::cos(mid);
  const double north = (b.lat_deg() - a.lat_deg()) * kMetresPerDegree;
  return std::sqrt(east * east + north * north);
}

// Geodesic: only for cars near a rally point or converging on the meeting point (~1 us).
double DistanceM(const maps::LatLon& a, const maps::LatLon& b) {
  return maps::GeodesicDistanceM(a, b);
}

}  // namespace

double ConvoyModel::Car::HeadingDiff() const {
  if (std::isnan(course_deg) || !projected) return kNaN;
  double d = std::fmod(course_deg - route_heading_deg, 360.0);
  if (d <= -180) d += 360;
  if (d > 180) d -= 360;
  return d;
}

ConvoyModel::ConvoyModel(std::vector<ModelCar> cars, ModelPlan plan, Thresholds thresholds)
    : plan_(std::move(plan)), t_(thresholds) {
  if (plan_.legs.empty()) plan_ = ModelPlan::FollowTheLead();
  cars_.resize(cars.size());
  for (size_t i = 0; i < cars.size(); ++i) {
    Car& c = cars_[i];
    c.info = std::move(cars[i]);
    if (c.info.role == proto::CarRole::kLead && lead_ < 0) {
      lead_ = static_cast<int>(i);
      c.is_lead = true;
    }
    if (c.info.role == proto::CarRole::kSweep && sweep_ < 0) {
      sweep_ = static_cast<int>(i);
      c.is_sweep = true;
    }
  }
  StartLeg(0, 0);
}

ConvoyModel::~ConvoyModel() = default;
ConvoyModel::ConvoyModel(ConvoyModel&&) noexcept = default;
ConvoyModel& ConvoyModel::operator=(ConvoyModel&&) noexcept = default;

size_t ConvoyModel::num_cars() const { return cars_.size(); }

const maps::Route* ConvoyModel::route() const {
  if (leg().route) return leg().route.get();
  return builder_ ? builder_->route() : nullptr;
}

int ConvoyModel::MeetingRally() const {
  if (!leg().route) return -1;
  const auto& r = leg().rallies;
  if (r.size() >= 2) return 0;
  if (r.size() == 1 && route() != nullptr && r[0].along_m < route()->length_m() / 2) return 0;
  return -1;
}

int ConvoyModel::FinalRally() const {
  if (!leg().route) return -1;
  const auto& r = leg().rallies;
  if (r.size() >= 2) return static_cast<int>(r.size()) - 1;
  if (r.size() == 1 && MeetingRally() < 0) return 0;
  return -1;
}

int64_t ConvoyModel::Now(int64_t now_ms) {
  now_ms_ = std::max(now_ms_, now_ms);
  return now_ms_;
}

void ConvoyModel::StartLeg(size_t k, int64_t now_ms) {
  for (Car& c : cars_) ClearCarAlerts(c, now_ms, "leg ended");
  while (!groups_.empty()) CloseGroup(groups_.back().alert_id, now_ms, "leg ended");
  leg_ = k;
  ++route_version_;
  builder_.reset();
  stops_.clear();
  lead_stopped_since_ms_ = INT64_MIN;
  if (!leg().route) builder_ = std::make_unique<maps::RouteBuilder>();
  departed_ = leg().route != nullptr && MeetingRally() < 0;
  const size_t n = cars_.size();
  arrived_ms_.assign(rallies().size(), std::vector<int64_t>(n, 0));
  arrival_order_.assign(rallies().size(), {});
  order_.clear();
  for (uint32_t i = 0; i < n; ++i) {
    Car& old = cars_[i];
    Car c;
    c.info = std::move(old.info);
    c.is_lead = old.is_lead;
    c.is_sweep = old.is_sweep;
    c.has_fix = old.has_fix;
    c.fix_ms = old.fix_ms;
    c.pos = old.pos;
    c.speed_mps = old.speed_mps;
    c.course_deg = old.course_deg;
    c.speed_ema_mps = old.speed_ema_mps;
    c.sos_alert = old.sos_alert;
    old = std::move(c);
  }
  ++stats_.legs_started;
  // Cars already where the new leg begins (parked at the hotel overnight) check in at once.
  for (uint32_t i = 0; i < n; ++i) {
    Car& c = cars_[i];
    if (!c.has_fix) continue;
    Project(c, 0, c.pos);
    UpdateRallies(i, c, now_ms, 0);
    if (c.phase == Phase::kNotStarted) TryJoin(i, c, now_ms);
  }
}

void ConvoyModel::MaybeAdvanceLeg(int64_t now_ms) {
  while (leg_ + 1 < plan_.legs.size()) {
    const ModelLeg& next = plan_.legs[leg_ + 1];
    if (next.starts_ms) {
      if (now_ms < *next.starts_ms) return;
    } else {
      bool any_arrived = false;
      for (const Car& c : cars_) {
        if (c.phase == Phase::kActive) return;
        any_arrived = any_arrived || c.phase == Phase::kArrived;
      }
      if (!any_arrived) return;
    }
    StartLeg(leg_ + 1, now_ms);
  }
}

void ConvoyModel::Project(Car& c, double dt_s, const maps::LatLon& prev_pos) {
  const maps::Route* r = route();
  if (r == nullptr) {
    c.projected = false;
    return;
  }
  maps::RoutePosition rp;
  if (c.projected && c.route_version == route_version_) {
    // How far along the road the car can have gone: the straight line it moved, somewhat more
    // where the road bends, never more than the fastest car. A tight window keeps a car on its
    // own carriageway and keeps the scan short. After a night parked the time alone would allow
    // any distance, and a switchback nearer than the road the car stands on would win; a road
    // winds, but rarely to more than kDetourFactor times the straight line.
    const double detour = dt_s > kLongSilenceS ? kDetourFactor : kBendFactor;
    const double travel_m = std::min(kMaxSpeedMps * dt_s, detour * FlatDistanceM(prev_pos, c.pos));
    maps::ProjectHint hint = maps::ProjectHint::Near(c.along_m, travel_m + kHintSlackM);
    if (!std::isnan(c.course_deg)) hint = hint.WithCourse(c.course_deg);
    rp = r->Project(c.pos, hint);
    if (!std::isnan(c.course_deg) && AngleBetween(c.course_deg, rp.heading_deg) > 150) {
      // Against the route where it held the car. Where a part of the route going the car's
      // way is as near and close by along it (an out-and-back road whose two halves are one
      // line, joined by a turning place the hint does not reach), the car is on that part;
      // otherwise it is driving the wrong way.
      maps::ProjectHint any = maps::ProjectHint::AtOrAfter(-std::numeric_limits<double>::infinity())
                                  .WithCourse(c.course_deg);
      maps::RoutePosition alt = r->Project(c.pos, any);
      if (AngleBetween(c.course_deg, alt.heading_deg) < 90 &&
          std::fabs(alt.offset_m) <= std::fabs(rp.offset_m) + kHintSlackM &&
          std::fabs(alt.along_m - rp.along_m) <= kTurnaroundJumpM) {
        rp = alt;
      }
    }
  } else if (const int m = MeetingRally(); m >= 0 && c.phase == Phase::kNotStarted && !departed_) {
    // Before departure a car is expected at the meeting point: where a road winds back past
    // it (a switchback, or an out-and-back leg that starts and ends there) the place near the
    // meeting point is the right one.
    const maps::RallyPoint& rally = leg().rallies[static_cast<size_t>(m)];
    rp = r->Project(c.pos,
                    maps::ProjectHint::Near(rally.along_m, rally.radius_m + kRallyAlongSlackM));
  } else {
    // No idea where it is: the nearest place, and of two carriageways the one it drives along.
    maps::ProjectHint any = maps::ProjectHint::AtOrAfter(-std::numeric_limits<double>::infinity());
    if (!std::isnan(c.course_deg)) any = any.WithCourse(c.course_deg);
    rp = r->Project(c.pos, any);
  }
  c.projected = true;
  c.route_version = route_version_;
  c.along_m = rp.along_m;
  c.offset_m = rp.offset_m;
  c.route_heading_deg = rp.heading_deg;
  // Following the lead, a car ahead of the lead's track projects onto its end: it is not off
  // the route, the route is not there yet.
  c.beyond_end = !leg().route && !c.is_lead && rp.along_m >= r->length_m() - 0.01;
}

void ConvoyModel::UpdateRallies(uint32_t i, Car& c, int64_t now_ms, double dt_s) {
  c.near_rally = -1;
  const auto& stops = rallies();
  if (c.projected) {
    for (size_t k = 0; k < stops.size(); ++k) {
      const maps::RallyPoint& r = stops[k];
      if (std::fabs(c.along_m - r.along_m) > r.radius_m + kRallyAlongSlackM) continue;
      if (DistanceM(c.pos, r.position) > r.radius_m) continue;
      c.near_rally = static_cast<int>(k);
      break;
    }
  }
  if (c.near_rally >= 0) {
    auto k = static_cast<size_t>(c.near_rally);
    if (arrived_ms_[k][i] == 0) {
      arrived_ms_[k][i] = std::max<int64_t>(now_ms, 1);
      arrival_order_[k].push_back(i);
    }
    if (c.near_rally == FinalRally() && c.phase != Phase::kArrived) Arrive(i, now_ms);
  }
  const int m = MeetingRally();
  if (c.phase == Phase::kNotStarted && m >= 0) {
    double d = DistanceM(c.pos, stops[static_cast<size_t>(m)].position);
    if (c.has_meet && dt_s > 0) {
      double rate = (c.meet_distance_m - d) / dt_s;
      c.approach_mps = c.has_approach ? c.approach_mps + (rate - c.approach_mps) *
                                                             (dt_s / (kApproachTauS + dt_s))
                                      : rate;
      c.has_approach = true;
    }
    c.meet_distance_m = d;
    c.has_meet = true;
  }
}

void ConvoyModel::NoteLeadStop(Car& lead, int64_t now_ms) {
  if (lead.speed_mps >= t_.stopped_speed_mps || !lead.projected) {
    lead_stopped_since_ms_ = INT64_MIN;
    return;
  }
  if (lead_stopped_since_ms_ == INT64_MIN) lead_stopped_since_ms_ = now_ms;
  if (lead.near_rally >= 0 || now_ms - lead_stopped_since_ms_ < Ms(kLeadStopS)) return;
  maps::RallyPoint stop;
  stop.name = "Stop " + std::to_string(stops_.size() + 1);
  stop.kind = "stop";
  stop.position = lead.pos;
  stop.along_m = lead.along_m;
  stop.radius_m = kFollowStopRadiusM;
  stops_.push_back(std::move(stop));
  arrived_ms_.emplace_back(cars_.size(), 0);
  arrival_order_.emplace_back();
  // The cars already there (the lead, those parked around it) have arrived, and join.
  for (uint32_t i = 0; i < cars_.size(); ++i) {
    Car& c = cars_[i];
    if (c.has_fix && c.near_rally < 0) UpdateRallies(i, c, now_ms, 0);
  }
  for (uint32_t i = 0; i < cars_.size(); ++i) {
    Car& c = cars_[i];
    if (c.has_fix && c.phase == Phase::kNotStarted) TryJoin(i, c, now_ms);
  }
}

void ConvoyModel::TryJoin(uint32_t i, Car& c, int64_t now_ms) {
  if (!c.projected) return;
  const int m = MeetingRally();
  if (m >= 0 && c.near_rally == m) {
    Join(i, now_ms);
    return;
  }
  const Car* lead = lead_ >= 0 ? &cars_[static_cast<size_t>(lead_)] : nullptr;
  if (builder_ && lead != nullptr && c.near_rally >= 0 && lead->near_rally == c.near_rally) {
    Join(i, now_ms);  // following the lead: parked where it stopped
    return;
  }
  if (!departed_) return;
  // Following the lead, on its track only close behind it: a car on the same road an hour
  // earlier or later is on its own way, not in the convoy.
  if (builder_ && !c.is_lead &&
      (lead == nullptr || !lead->projected || lead->along_m - c.along_m > kFollowJoinM)) {
    c.join_since_ms = kNever;
    return;
  }
  // Joining on the road: on the route, driving along it, past the meeting point.
  const double hd = c.HeadingDiff();
  bool on = std::fabs(c.offset_m) <= t_.off_route_clear_m && !c.beyond_end && !std::isnan(hd) &&
            std::fabs(hd) < 90;
  if (m >= 0) {
    const maps::RallyPoint& r = leg().rallies[static_cast<size_t>(m)];
    on = on && c.along_m >= r.along_m - r.radius_m;
  }
  if (!on) {
    c.join_since_ms = kNever;
    return;
  }
  if (c.join_since_ms == kNever) c.join_since_ms = now_ms;
  if (now_ms - c.join_since_ms >= Ms(t_.join_sustain_s)) Join(i, now_ms);
}

void ConvoyModel::Join(uint32_t i, int64_t now_ms) {
  Car& c = cars_[i];
  c.phase = Phase::kActive;
  c.join_since_ms = kNever;
  c.eff_along_m = c.along_m;
  c.estimated = false;
  c.lost = false;
  InsertInOrder(i);
}

void ConvoyModel::Arrive(uint32_t i, int64_t now_ms) {
  Car& c = cars_[i];
  c.phase = Phase::kArrived;
  RemoveFromOrder(i, now_ms);
  ClearCarAlerts(c, now_ms, "");
}

ConvoyModel::FixResult ConvoyModel::OnFix(size_t car, const proto::Fix& fix, int64_t now_ms) {
  if (car >= cars_.size()) {
    ++stats_.unknown_car;
    return FixResult::kUnknownCar;
  }
  const int64_t now = Now(now_ms);
  if (leg_ + 1 < plan_.legs.size() && plan_.legs[leg_ + 1].starts_ms) MaybeAdvanceLeg(now);
  const auto i = static_cast<uint32_t>(car);
  Car& c = cars_[i];
  if (c.has_fix && fix.time_ms <= c.fix_ms) {
    ++stats_.late_fixes;
    return FixResult::kLate;
  }
  Result<maps::LatLon> p = maps::LatLon::FromFix(fix);
  if (!p.ok()) {
    ++stats_.bad_position;
    return FixResult::kBadPosition;
  }
  ++stats_.fixes;
  const double dt_s = c.has_fix ? static_cast<double>(fix.time_ms - c.fix_ms) / 1000.0 : 0.0;
  const double speed = fix.speed_mps();
  c.speed_ema_mps = c.has_fix
                        ? c.speed_ema_mps + (speed - c.speed_ema_mps) * (dt_s / (kSpeedTauS + dt_s))
                        : speed;
  const maps::LatLon prev_pos = c.pos;
  c.has_fix = true;
  c.fix_ms = fix.time_ms;
  c.pos = *p;
  c.speed_mps = speed;
  c.course_deg = speed >= kCourseMinSpeedMps ? fix.course_deg() : kNaN;
  if (builder_ && c.is_lead && speed >= kCourseMinSpeedMps) {
    builder_->Append(*p);
    if (!departed_ && route() != nullptr && route()->length_m() >= kFollowDepartM) {
      departed_ = true;
    }
  }
  Project(c, dt_s, prev_pos);
  UpdateRallies(i, c, now, dt_s);
  if (builder_ && c.is_lead) NoteLeadStop(c, now);
  if (c.dark_alert != 0 && now - c.fix_ms <= Ms(t_.dark_after_s)) {
    ClearAlert(c.dark_alert, now);
    c.recovery_until_ms = now + Ms(t_.recovery_s);
  }
  if (c.phase == Phase::kNotStarted) TryJoin(i, c, now);
  if (c.phase != Phase::kActive || !c.projected) return FixResult::kApplied;

  c.eff_along_m = c.along_m;
  c.estimated = false;
  c.lost = false;
  if (c.order_pos == kNoOrder) {
    InsertInOrder(i);
  } else {
    Reposition(i);
  }
  if (!departed_) {
    const int m = MeetingRally();
    if (m >= 0) {
      const maps::RallyPoint& r = leg().rallies[static_cast<size_t>(m)];
      departed_ = c.eff_along_m > r.along_m + r.radius_m + kRallyAlongSlackM &&
                  c.speed_mps >= t_.moving_speed_mps;
    }
  }
  CarRules(i, c, now);
  const size_t pos = c.order_pos;
  EvaluateGapAt(pos, now);
  EvaluateGapAt(pos + 1, now);
  EvaluateBehindSweep(i, now);
  return FixResult::kApplied;
}

// How long after the planned departure a convoy nobody saw leave counts as gone.
constexpr int64_t kPlannedDepartureGraceMs = 10 * 60'000;

void ConvoyModel::Tick(int64_t now_ms) {
  const int64_t now = Now(now_ms);
  if (next_tick_ms_ != INT64_MIN && now < next_tick_ms_) return;
  next_tick_ms_ = (now / kTickMs + 1) * kTickMs;
  ++stats_.ticks;
  MaybeAdvanceLeg(now);
  if (!departed_) {
    // A hub started (or restarted) after the convoy left has seen no car at the meeting point:
    // the planned departure, well past, stands for the convoy's, and cars join on the road.
    const int m = MeetingRally();
    if (m >= 0) {
      const std::optional<int64_t>& depart = leg().rallies[static_cast<size_t>(m)].depart_utc_ms;
      departed_ = depart.has_value() && now >= *depart + kPlannedDepartureGraceMs;
    }
  }

  scratch_.clear();
  for (uint32_t i : order_) {
    const Car& c = cars_[i];
    if (c.Fresh(now) && c.near_rally < 0) scratch_.push_back(c.speed_ema_mps);
  }
  if (scratch_.empty()) {
    convoy_speed_mps_ = 0;
  } else {
    auto mid = scratch_.begin() + static_cast<std::ptrdiff_t>(scratch_.size() / 2);
    std::nth_element(scratch_.begin(), mid, scratch_.end());
    convoy_speed_mps_ = *mid;
  }
  convoy_moving_ = convoy_speed_mps_ > t_.moving_speed_mps;

  DarkRules(now);
  RepairOrder();
  for (size_t pos = 0; pos < order_.size(); ++pos) EvaluateGapAt(pos, now);
  for (size_t pos = 0; pos < order_.size(); ++pos) EvaluateBehindSweep(order_[pos], now);
}

void ConvoyModel::AdvanceTo(int64_t now_ms) {
  if (next_tick_ms_ == INT64_MIN) {
    Tick(now_ms);
    return;
  }
  while (next_tick_ms_ <= now_ms) Tick(next_tick_ms_);
}

}  // namespace convoy::hub
