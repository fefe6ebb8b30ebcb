// The convoy radio desk: staff messages to all cars, one car, or the group behind a split; the
// delivery of each to each car (RadioDelivered receipts from the trackers); the messages cars
// send (SOS, canned replies). Every message, receipt and car message is journaled (record types
// kRadio and kCarMessage, convoy.v1.JournalRadio / JournalCarMessage).
//
// Delivery: a message goes to each addressed car that is connected now; a car that is not gets
// it when it next connects (OnCarConnected), until it confirms. Cars reporting only from a phone
// have no way to hear or confirm: they are listed as `phones`. A restarted hub rebuilds the list
// from the journal (Replay), so the history stays on the desk and the previous run's messages
// still go to the cars that have not confirmed them when they connect.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "convoy/v1/convoy.pb.h"
#include "hub/http/router.h"
#include "hub/journal.h"
#include "proto/log.h"
#include "proto/roster.h"

namespace convoy::hub {
class TrackerRegistry;
}

namespace convoy::hub::api {

// One entry of the radio list: a staff message (from_car false) or a car's message.
struct RadioEntry {
  uint64_t id = 0;
  bool from_car = false;
  // Staff message.
  std::string from;  // staff name
  RadioRequest::To to = RadioRequest::To::kAll;
  std::string text;
  int64_t sent_ms = 0;
  std::vector<uint32_t> cars;       // roster indices addressed
  std::vector<uint32_t> delivered;  // in the order receipts came
  std::vector<uint32_t> phones;     // addressed cars that report from a phone
  // Car message (text above too).
  uint32_t car = 0;
  std::string kind;  // "sos" or "reply"
  int64_t time_ms = 0;

  // Addressed cars that have neither confirmed nor are phones, in `cars` order.
  std::vector<uint32_t> pending() const;
};

inline constexpr const char* kCannedStaffTexts[] = {
    "Regroup at the next service area", "Slow down, the convoy has split",
    "Stop at the next safe place and call the organizer", "Lunch stop ahead: follow the lead car"};

// Thread-safe. The callbacks (on_change, on_sos) are set before the hub runs and are called
// outside the desk's lock, on whatever thread made the change.
class RadioDesk {
 public:
  // roster, registry and journal must outlive the desk. reports_from_phone(car): whether the
  // car's reports come from a phone (not a unit). now_ms: the hub's UTC clock. max_entries: the
  // oldest entries are forgotten beyond this.
  RadioDesk(const proto::Roster& roster, TrackerRegistry& registry, Journal* journal,
            std::function<bool(size_t car)> reports_from_phone, std::function<int64_t()> now_ms,
            LogFn log, size_t max_entries = 5000);

  // Startup: the journal is attached once it is open (Replay runs while it opens).
  void set_journal(hub::Journal* journal) { journal_ = journal; }
  // Startup, before anything else: a journal record of an earlier run. Rebuilds the entry (a
  // message, a delivery, a car's message), so that the history, the pending deliveries and the
  // ids continue, and a car's resent message is recorded once.
  void Replay(RecordType type, std::string_view payload);

  // Sends `text` (already validated) from staff member `from` to `cars` (roster indices).
  RadioEntry Send(std::string from, RadioRequest::To to, std::vector<uint32_t> cars,
                  std::string text);
  // A tracker confirmed message `message_id`.
  void OnDelivered(size_t car, uint64_t message_id);
  // A tracker's CarMessage; recorded once per (car, tracker message id).
  void OnCarMessage(size_t car, const v1::CarMessage& message);
  // Car `car` (a unit) has just connected: sends what it has not confirmed yet.
  void OnCarConnected(size_t car);

  std::vector<RadioEntry> Entries() const;  // oldest first

  std::function<void(const RadioEntry&)> on_change;  // sent, delivered, or from a car
  std::function<void(size_t car, std::string text)> on_sos;

 private:
  void Journal(RecordType type, const std::string& payload);
  v1::Downlink Downlink(const RadioEntry& entry) const;
  // Roster indices of the ids that are on the roster.
  std::vector<uint32_t> IndicesOf(
      const google::protobuf::RepeatedPtrField<std::string>& car_ids) const;
  void InsertLocked(RadioEntry entry);  // mu_ held; keeps entries_ by id and at most max_entries_

  const proto::Roster& roster_;
  TrackerRegistry& registry_;
  hub::Journal* journal_;
  std::function<bool(size_t)> reports_from_phone_;
  std::function<int64_t()> now_ms_;
  LogFn log_;
  size_t max_entries_;

  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::vector<RadioEntry> entries_;                       // oldest first, ids ascending
  std::set<std::pair<uint32_t, uint64_t>> car_messages_;  // (car, tracker id) recorded
};

}  // namespace convoy::hub::api
