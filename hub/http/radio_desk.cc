#include "hub/http/radio_desk.h"

#include <algorithm>

#include "convoy/v1/journal.pb.h"
#include "hub/tracker_session.h"

namespace convoy::hub::api {

std::vector<uint32_t> RadioEntry::pending() const {
  std::vector<uint32_t> out;
  for (uint32_t car : cars) {
    if (std::find(delivered.begin(), delivered.end(), car) == delivered.end() &&
        std::find(phones.begin(), phones.end(), car) == phones.end()) {
      out.push_back(car);
    }
  }
  return out;
}

RadioDesk::RadioDesk(const proto::Roster& roster, TrackerRegistry& registry, hub::Journal* journal,
                     std::function<bool(size_t car)> reports_from_phone,
                     std::function<int64_t()> now_ms, LogFn log, size_t max_entries)
    : roster_(roster),
      registry_(registry),
      journal_(journal),
      reports_from_phone_(std::move(reports_from_phone)),
      now_ms_(std::move(now_ms)),
      log_(std::move(log)),
      max_entries_(max_entries) {}

namespace {

RadioRequest::To RadioToFromName(std::string_view name) {
  for (RadioRequest::To to :
       {RadioRequest::To::kAll, RadioRequest::To::kCar, RadioRequest::To::kSplit}) {
    if (name == RadioToName(to)) return to;
  }
  return RadioRequest::To::kAll;
}

}  // namespace

std::vector<uint32_t> RadioDesk::IndicesOf(
    const google::protobuf::RepeatedPtrField<std::string>& car_ids) const {
  std::vector<uint32_t> out;
  for (const std::string& id : car_ids) {
    // A car no longer on the roster (edited between runs) is left out.
    if (const proto::RosterCar* car = roster_.Find(id))
      out.push_back(static_cast<uint32_t>(car->index));
  }
  return out;
}

void RadioDesk::InsertLocked(RadioEntry entry) {
  // Ids are taken under the lock but journaled after it, so two senders' records may come
  // back out of order: keep entries_ sorted by id.
  auto at = std::upper_bound(entries_.begin(), entries_.end(), entry.id,
                             [](uint64_t id, const RadioEntry& e) { return id < e.id; });
  entries_.insert(at, std::move(entry));
  if (entries_.size() > max_entries_) entries_.erase(entries_.begin());
}

void RadioDesk::Replay(RecordType type, std::string_view payload) {
  std::lock_guard guard(mu_);
  if (type == RecordType::kRadio) {
    v1::JournalRadio record;
    if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
    next_id_ = std::max(next_id_, record.message_id() + 1);
    if (record.event() == v1::JournalRadio::EVENT_SENT) {
      RadioEntry entry;
      entry.id = record.message_id();
      entry.from = record.from();
      entry.to = RadioToFromName(record.to());
      entry.text = record.text();
      entry.sent_ms = record.time_ms();
      entry.cars = IndicesOf(record.car_ids());
      entry.phones = IndicesOf(record.phone_car_ids());
      InsertLocked(std::move(entry));
      return;
    }
    auto it = std::lower_bound(entries_.begin(), entries_.end(), record.message_id(),
                               [](const RadioEntry& e, uint64_t id) { return e.id < id; });
    if (it == entries_.end() || it->id != record.message_id() || it->from_car) return;
    for (uint32_t car : IndicesOf(record.car_ids())) {
      if (std::find(it->delivered.begin(), it->delivered.end(), car) != it->delivered.end()) {
        continue;
      }
      it->delivered.push_back(car);
      std::erase(it->phones, car);
    }
  } else if (type == RecordType::kCarMessage) {
    v1::JournalCarMessage record;
    if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) return;
    next_id_ = std::max(next_id_, record.message_id() + 1);
    const proto::RosterCar* car = roster_.Find(record.car_id());
    if (!car) return;
    car_messages_.emplace(static_cast<uint32_t>(car->index), record.tracker_message_id());
    RadioEntry entry;
    entry.id = record.message_id();
    entry.from_car = true;
    entry.car = static_cast<uint32_t>(car->index);
    entry.kind = record.kind();
    entry.text = record.text();
    entry.time_ms = record.time_ms();
    InsertLocked(std::move(entry));
  }
}

void RadioDesk::Journal(RecordType type, const std::string& payload) {
  if (!journal_) return;
  auto on_done = [log = log_](const Status& status) {
    if (!status.ok()) log("recording a radio message failed: " + status.message());
  };
  if (!journal_->Append(type, payload, on_done)) {
    log_("recording a radio message failed: the journal's queue is full");
  }
}

v1::Downlink RadioDesk::Downlink(const RadioEntry& entry) const {
  v1::Downlink downlink;
  v1::RadioText* radio = downlink.mutable_radio();
  radio->set_message_id(entry.id);
  radio->set_text(entry.text);
  radio->set_sent_ms(entry.sent_ms);
  radio->set_from(entry.from);
  return downlink;
}

RadioEntry RadioDesk::Send(std::string from, RadioRequest::To to, std::vector<uint32_t> cars,
                           std::string text) {
  RadioEntry entry;
  entry.from = std::move(from);
  entry.to = to;
  entry.text = std::move(text);
  entry.sent_ms = now_ms_();
  entry.cars = std::move(cars);
  for (uint32_t car : entry.cars) {
    // A car whose unit is connected hears it even if it also has a phone.
    if (!registry_.Find(car) && reports_from_phone_ && reports_from_phone_(car)) {
      entry.phones.push_back(car);
    }
  }
  {
    std::lock_guard guard(mu_);
    entry.id = next_id_++;
    InsertLocked(entry);
  }
  v1::JournalRadio record;
  record.set_event(v1::JournalRadio::EVENT_SENT);
  record.set_message_id(entry.id);
  record.set_time_ms(entry.sent_ms);
  record.set_from(entry.from);
  record.set_to(RadioToName(entry.to));
  record.set_text(entry.text);
  for (uint32_t car : entry.cars) record.add_car_ids(roster_.cars()[car].id);
  for (uint32_t car : entry.phones) record.add_phone_car_ids(roster_.cars()[car].id);
  Journal(RecordType::kRadio, record.SerializeAsString());
  log_("radio " + std::to_string(entry.id) + " from " + entry.from + " to " +
       RadioToName(entry.to) + " (" + std::to_string(entry.cars.size()) + " cars)");

  const v1::Downlink downlink = Downlink(entry);
  for (uint32_t car : entry.pending()) {
    if (auto session = registry_.Find(car)) session->Send(downlink);
  }
  if (on_change) on_change(entry);
  return entry;
}

void RadioDesk::OnDelivered(size_t car, uint64_t message_id) {
  RadioEntry changed;
  {
    std::lock_guard guard(mu_);
    auto it = std::lower_bound(entries_.begin(), entries_.end(), message_id,
                               [](const RadioEntry& e, uint64_t id) { return e.id < id; });
    if (it == entries_.end() || it->id != message_id || it->from_car) return;
    const uint32_t index = static_cast<uint32_t>(car);
    if (std::find(it->cars.begin(), it->cars.end(), index) == it->cars.end() ||
        std::find(it->delivered.begin(), it->delivered.end(), index) != it->delivered.end()) {
      return;  // not addressed to it, or a repeated receipt
    }
    it->delivered.push_back(index);
    // A car that reports from a phone and from a unit confirmed through the unit.
    std::erase(it->phones, index);
    changed = *it;
  }
  v1::JournalRadio record;
  record.set_event(v1::JournalRadio::EVENT_DELIVERED);
  record.set_message_id(message_id);
  record.set_time_ms(now_ms_());
  record.add_car_ids(roster_.cars()[car].id);
  Journal(RecordType::kRadio, record.SerializeAsString());
  if (on_change) on_change(changed);
}

void RadioDesk::OnCarMessage(size_t car, const v1::CarMessage& message) {
  RadioEntry entry;
  entry.from_car = true;
  entry.car = static_cast<uint32_t>(car);
  const bool sos = message.kind() == v1::CarMessage::SOS;
  entry.kind = sos ? "sos" : "reply";
  // The text comes from a car: keep it printable and short, like staff texts.
  entry.text = ValidateRadioText(message.text()).ok() ? message.text()
                                                      : (sos ? "SOS" : "(unreadable message)");
  entry.time_ms = message.time_ms() > 0 ? message.time_ms() : now_ms_();
  const int64_t received_ms = now_ms_();
  {
    std::lock_guard guard(mu_);
    if (message.message_id() != 0 &&
        !car_messages_.emplace(entry.car, message.message_id()).second) {
      return;  // a resend after a reconnect
    }
    entry.id = next_id_++;
    InsertLocked(entry);
  }
  v1::JournalCarMessage record;
  record.set_message_id(entry.id);
  record.set_car_id(roster_.cars()[car].id);
  record.set_kind(entry.kind);
  record.set_text(entry.text);
  record.set_time_ms(entry.time_ms);
  record.set_received_ms(received_ms);
  record.set_tracker_message_id(message.message_id());
  Journal(RecordType::kCarMessage, record.SerializeAsString());
  log_("car " + roster_.cars()[car].id + " sent " + (sos ? "an SOS" : "a reply") + ": " +
       entry.text);
  if (sos && on_sos) on_sos(car, entry.text);
  if (on_change) on_change(entry);
}

void RadioDesk::OnCarConnected(size_t car) {
  auto session = registry_.Find(car);
  if (!session) return;
  std::vector<v1::Downlink> due;
  {
    std::lock_guard guard(mu_);
    for (const RadioEntry& entry : entries_) {
      if (entry.from_car) continue;
      const uint32_t index = static_cast<uint32_t>(car);
      if (std::find(entry.cars.begin(), entry.cars.end(), index) == entry.cars.end()) continue;
      if (std::find(entry.delivered.begin(), entry.delivered.end(), index) !=
          entry.delivered.end()) {
        continue;
      }
      due.push_back(Downlink(entry));
    }
  }
  for (v1::Downlink& downlink : due) session->Send(std::move(downlink));
}

std::vector<RadioEntry> RadioDesk::Entries() const {
  std::lock_guard guard(mu_);
  return entries_;
}

}  // namespace convoy::hub::api
