#include "hub/convoy_service.h"

#include <cmath>

#include "convoy/v1/journal.pb.h"
#include "proto/clock.h"

namespace convoy::hub {

Result<ModelClock> ParseModelClock(std::string_view text) {
  if (text == "wall") return ModelClock::kWall;
  if (text == "fix-time") return ModelClock::kFixTime;
  return Error{"--clock: '" + std::string(text) + "' is not wall or fix-time"};
}

std::string EncodeJournalAlert(const AlertEvent& event, std::span<const std::string> car_ids) {
  const Alert& alert = event.alert;
  v1::JournalAlert record;
  record.set_event(static_cast<v1::JournalAlert::Event>(event.type));
  record.set_time_ms(event.time_ms);
  record.set_alert_id(alert.id);
  record.set_kind(AlertKindName(alert.kind));
  for (uint32_t car : alert.cars) {
    record.add_car_ids(car < car_ids.size() ? car_ids[car] : "#" + std::to_string(car));
  }
  record.set_lat_e7(static_cast<int32_t>(std::lround(alert.position.lat_deg() * 1e7)));
  record.set_lon_e7(static_cast<int32_t>(std::lround(alert.position.lon_deg() * 1e7)));
  record.set_along_m(alert.along_m);
  record.set_gap_m(alert.gap_m);
  record.set_gap_s(alert.gap_s);
  record.set_offset_m(alert.offset_m);
  record.set_heading_diff_deg(alert.heading_diff_deg);
  record.set_speed_mps(alert.speed_mps);
  record.set_duration_s(alert.duration_s);
  record.set_text(alert.text);
  record.set_raised_ms(alert.raised_ms);
  record.set_cleared_ms(alert.cleared_ms.value_or(0));
  record.set_cleared_by(alert.cleared_by);
  record.set_acknowledged_by(alert.acknowledged_by);
  record.set_acknowledged_ms(alert.acknowledged_ms.value_or(0));
  return record.SerializeAsString();
}

ConvoyService::ConvoyService(asio::io_context& io, const proto::Roster& roster, ConvoyModel model,
                             Journal* journal, ModelClock clock, uint64_t first_alert_id, LogFn log)
    : strand_(asio::make_strand(io)),
      tick_(strand_),
      roster_(roster),
      model_(std::move(model)),
      journal_(journal),
      clock_(clock),
      alert_id_offset_(first_alert_id > 0 ? first_alert_id - 1 : 0),
      log_(std::move(log)) {
  for (const proto::RosterCar& car : roster_.cars()) car_ids_.push_back(car.id);
  snapshot_ = std::make_shared<ConvoySnapshot>();
}

int64_t ConvoyService::WallNow() const { return SystemClock::Instance().NowUtcMs(); }

int64_t ConvoyService::ModelNow() const {
  return clock_ == ModelClock::kWall ? WallNow() : fix_time_ms_;
}

void ConvoyService::Start() {
  asio::co_spawn(
      strand_,
      [this]() -> asio::awaitable<void> {
        while (!stopped_) {
          tick_.expires_after(std::chrono::seconds(1));
          boost::system::error_code ec;
          co_await tick_.async_wait(NoThrow(ec));
          if (stopped_) break;
          if (clock_ == ModelClock::kWall) model_.Tick(WallNow());
          Publish(ModelNow());
        }
      },
      asio::detached);
}

void ConvoyService::Stop() {
  asio::dispatch(strand_, [this] {
    stopped_ = true;
    tick_.cancel();
  });
}

void ConvoyService::OnDurableFixes(size_t car, std::span<const proto::SequencedFix> fixes,
                                   std::span<const proto::FixVerdict> verdicts) {
  std::vector<proto::Fix> good;
  for (size_t i = 0; i < fixes.size(); ++i) {
    if (i < verdicts.size() && verdicts[i] == proto::FixVerdict::kGood)
      good.push_back(fixes[i].fix);
  }
  if (good.empty()) return;
  asio::post(strand_, [this, car, good = std::move(good)] {
    for (const proto::Fix& fix : good) {
      if (clock_ == ModelClock::kFixTime) {
        fix_time_ms_ = std::max(fix_time_ms_, fix.time_ms);
        model_.AdvanceTo(fix.time_ms);
        model_.OnFix(car, fix, fix.time_ms);
      } else {
        model_.OnFix(car, fix, WallNow());
      }
    }
    for (AlertEvent& event : model_.TakeEvents()) Record(std::move(event));
  });
}

void ConvoyService::RaiseSos(size_t car, std::string text) {
  asio::post(strand_, [this, car, text = std::move(text)] {
    model_.RaiseSos(car, ModelNow(), text);
    for (AlertEvent& event : model_.TakeEvents()) Record(std::move(event));
  });
}

void ConvoyService::Record(AlertEvent event) {
  event.alert.id += alert_id_offset_;
  log_("alert " + std::string(AlertEventTypeName(event.type)) + ": " +
       DescribeAlert(event.alert, car_ids_));
  unwritten_.push_back(EncodeJournalAlert(event, car_ids_));
  // Oldest first; what the journal turns back now is retried at the next tick.
  while (!unwritten_.empty()) {
    auto on_done = [log = log_](const Status& status) {
      if (!status.ok()) log("recording an alert failed: " + status.message());
    };
    if (!journal_->Append(RecordType::kAlert, unwritten_.front(), on_done)) break;
    unwritten_.erase(unwritten_.begin());
  }
  {
    std::lock_guard guard(history_mu_);
    history_[event.alert.id] = event.alert;
  }
  if (on_event) on_event(event);
}

std::vector<Alert> ConvoyService::Alerts() const {
  std::lock_guard guard(history_mu_);
  std::vector<Alert> alerts;
  alerts.reserve(history_.size());
  for (auto it = history_.rbegin(); it != history_.rend(); ++it) alerts.push_back(it->second);
  return alerts;
}

std::optional<Alert> ConvoyService::FindAlert(uint64_t alert_id) const {
  std::lock_guard guard(history_mu_);
  auto it = history_.find(alert_id);
  if (it == history_.end()) return std::nullopt;
  return it->second;
}

void ConvoyService::Acknowledge(uint64_t alert_id, std::string who,
                                std::function<void(AckResult)> done) {
  asio::post(strand_, [this, alert_id, who = std::move(who), done = std::move(done)] {
    AckResult result;
    // Alerts of an earlier run (ids at or below the offset) are not in this model.
    if (alert_id <= alert_id_offset_ || !FindAlert(alert_id)) {
      done(std::move(result));
      return;
    }
    Status status = model_.Acknowledge(alert_id - alert_id_offset_, who, ModelNow());
    for (AlertEvent& event : model_.TakeEvents()) Record(std::move(event));
    result.alert = FindAlert(alert_id);
    if (status.ok()) {
      result.outcome = AckResult::Outcome::kAcknowledged;
    } else {
      result.outcome = AckResult::Outcome::kRefused;
      result.message = status.message();
      // The model counts from 1; say the id the staff see.
      result.message = "alert " + std::to_string(alert_id) + ": " + status.message();
    }
    done(std::move(result));
  });
}

void ConvoyService::Publish(int64_t now_ms) {
  for (AlertEvent& event : model_.TakeEvents()) Record(std::move(event));
  auto snapshot = std::make_shared<ConvoySnapshot>(model_.Snapshot(now_ms));
  for (Alert& alert : snapshot->open_alerts) alert.id += alert_id_offset_;
  std::shared_ptr<const ConvoySnapshot> shared = std::move(snapshot);
  {
    std::lock_guard guard(snapshot_mu_);
    snapshot_ = shared;
  }
  if (on_snapshot) on_snapshot(shared);
}

std::shared_ptr<const ConvoySnapshot> ConvoyService::snapshot() const {
  std::lock_guard guard(snapshot_mu_);
  return snapshot_;
}

}  // namespace convoy::hub
