// Per car, what the desk shows about a phone used as a tracker: that the car reports from a phone
// (no radio delivery to it), when it last did, and its battery, with a warning when it runs low
// (a two-day tour drains phones). Kept in memory only; a restart forgets it until the next report.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <vector>

#include "hub/osmand/request.h"

namespace convoy::hub::osmand {

// Below this battery level (percent) a phone is flagged low.
inline constexpr double kLowBatteryPct = 20;

struct PhoneStatus {
  bool reports_from_phone = false;  // an authenticated OsmAnd report arrived since the hub started
  int64_t last_report_ms = 0;       // hub clock (UTC ms) of the latest such report; 0: never
  int64_t fixes_reported = 0;       // in authenticated reports, resends included
  // Battery: the newest by the phone's fix time, so a buffered backlog sent after a dead zone
  // does not overwrite the current level with an old one.
  std::optional<double> battery_pct;  // [0, 100]
  std::optional<bool> charging;
  int64_t battery_time_ms = 0;  // fix time (UTC ms) of the report that set battery_pct
  bool low_battery = false;     // battery_pct < kLowBatteryPct, whether charging or not
  int64_t last_sos_ms = 0;      // hub clock of the latest alarm=sos; 0: never
  Attributes attributes;        // the latest report's other fields, as sent
};

// Thread-safe: connections update it from their strands, the API reads it. Cost: one lock, a
// copy of the car's entry.
class PhoneStatusTable {
 public:
  explicit PhoneStatusTable(size_t car_count) : cars_(car_count) {}

  // One authenticated report's fix (with or without a position). received_ms: the hub clock.
  // Precondition: car_index < car_count.
  void Update(size_t car_index, const PhoneFix& fix, int64_t received_ms);

  PhoneStatus Get(size_t car_index) const;
  std::vector<PhoneStatus> All() const;  // by roster index

 private:
  mutable std::mutex mu_;
  std::vector<PhoneStatus> cars_;
};

}  // namespace convoy::hub::osmand
