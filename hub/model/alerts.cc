// Alert bookkeeping: ids, events, SOS, acknowledgement.
#include <string>

#include "hub/model/car_state.h"
#include "hub/model/convoy_model.h"

namespace convoy::hub {

Alert ConvoyModel::BaseAlert(AlertKind kind, uint32_t car, int64_t now_ms) const {
  const Car& c = cars_[car];
  Alert a;
  a.kind = kind;
  a.cars = {car};
  a.position = c.pos;
  a.along_m = c.projected ? c.eff_along_m : 0;
  a.speed_mps = c.has_fix ? c.speed_mps : kNoFigure;
  a.raised_ms = now_ms;
  return a;
}

uint64_t ConvoyModel::Raise(Alert alert) {
  alert.id = alerts_.size() + 1;
  alerts_.push_back(std::move(alert));
  const Alert& a = alerts_.back();
  events_.push_back({AlertEventType::kRaised, a.raised_ms, a});
  return a.id;
}

void ConvoyModel::ClearAlert(uint64_t& id, int64_t now_ms, std::string_view by) {
  if (id == 0) return;
  Alert& a = alerts_[id - 1];
  id = 0;
  if (!a.open()) return;
  a.cleared_ms = now_ms;
  a.cleared_by = std::string(by);
  events_.push_back({AlertEventType::kCleared, now_ms, a});
}

void ConvoyModel::ClearCarAlerts(Car& c, int64_t now_ms, std::string_view by) {
  ClearAlert(c.off_route_alert, now_ms, by);
  ClearAlert(c.stopped_alert, now_ms, by);
  ClearAlert(c.dark_alert, now_ms, by);
  ClearAlert(c.behind_sweep_alert, now_ms, by);
  c.off_since_ms = c.back_since_ms = c.stop_since_ms = c.move_since_ms = kNever;
  c.behind_since_ms = c.gap_behind_since_ms = kNever;
}

const Alert* ConvoyModel::FindAlert(uint64_t id) const {
  return id >= 1 && id <= alerts_.size() ? &alerts_[id - 1] : nullptr;
}

std::vector<AlertEvent> ConvoyModel::TakeEvents() {
  std::vector<AlertEvent> out;
  out.swap(events_);
  return out;
}

uint64_t ConvoyModel::RaiseSos(size_t car, int64_t now_ms, std::string_view text) {
  if (car >= cars_.size()) return 0;
  const int64_t now = Now(now_ms);
  Car& c = cars_[car];
  if (c.sos_alert != 0) return c.sos_alert;
  Alert a = BaseAlert(AlertKind::kSos, static_cast<uint32_t>(car), now);
  a.text = std::string(text);
  c.sos_alert = Raise(std::move(a));
  return c.sos_alert;
}

Status ConvoyModel::Acknowledge(uint64_t alert_id, std::string_view who, int64_t now_ms) {
  if (FindAlert(alert_id) == nullptr) return Error{"no alert " + std::to_string(alert_id)};
  Alert& a = alerts_[alert_id - 1];
  if (a.acknowledged_ms) {
    return Error{"alert " + std::to_string(alert_id) + " was acknowledged by " + a.acknowledged_by};
  }
  const int64_t now = Now(now_ms);
  a.acknowledged_by = std::string(who);
  a.acknowledged_ms = now;
  events_.push_back({AlertEventType::kAcknowledged, now, a});
  return Status::Ok();
}

Status ConvoyModel::Resolve(uint64_t alert_id, std::string_view who, int64_t now_ms) {
  if (FindAlert(alert_id) == nullptr) return Error{"no alert " + std::to_string(alert_id)};
  Alert& a = alerts_[alert_id - 1];
  if (a.kind != AlertKind::kSos) {
    return Error{"alert " + std::to_string(alert_id) + " is " + AlertKindName(a.kind) +
                 ": it clears by itself when its condition ends"};
  }
  if (!a.open()) return Error{"alert " + std::to_string(alert_id) + " is already cleared"};
  const int64_t now = Now(now_ms);
  uint64_t& held = cars_[a.cars.front()].sos_alert;
  if (held == alert_id) held = 0;
  uint64_t id = alert_id;
  ClearAlert(id, now, who);
  return Status::Ok();
}

}  // namespace convoy::hub
