#include "hub/osmand/phone_status.h"

namespace convoy::hub::osmand {

void PhoneStatusTable::Update(size_t car_index, const PhoneFix& fix, int64_t received_ms) {
  const int64_t fix_time_ms = fix.time_ms.value_or(received_ms);
  std::lock_guard lock(mu_);
  PhoneStatus& car = cars_.at(car_index);
  car.reports_from_phone = true;
  car.last_report_ms = std::max(car.last_report_ms, received_ms);
  ++car.fixes_reported;
  if (fix.battery_pct && fix_time_ms >= car.battery_time_ms) {
    car.battery_pct = fix.battery_pct;
    car.charging = fix.charging;
    car.battery_time_ms = fix_time_ms;
    car.low_battery = *fix.battery_pct < kLowBatteryPct;
  }
  if (fix.alarm == "sos") car.last_sos_ms = received_ms;
  car.attributes = fix.attributes;
}

PhoneStatus PhoneStatusTable::Get(size_t car_index) const {
  std::lock_guard lock(mu_);
  return cars_.at(car_index);
}

std::vector<PhoneStatus> PhoneStatusTable::All() const {
  std::lock_guard lock(mu_);
  return cars_;
}

}  // namespace convoy::hub::osmand
