#include "hub/model/alert.h"

#include <cmath>
#include <cstdio>

namespace convoy::hub {
namespace {

constexpr const char* kKindNames[kAlertKinds] = {
    "STRAGGLER", "SPLIT", "OFF_ROUTE", "STOPPED", "DARK", "BEHIND_SWEEP", "SOS"};

std::string CarName(uint32_t car, std::span<const std::string> ids) {
  if (car < ids.size() && !ids[car].empty()) return ids[car];
  return "#" + std::to_string(car);
}

std::string Quote(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Num(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Time(const std::optional<int64_t>& t) { return t ? std::to_string(*t) : ""; }

}  // namespace

const char* AlertKindName(AlertKind kind) {
  auto i = static_cast<size_t>(kind);
  return i < kAlertKinds ? kKindNames[i] : "UNKNOWN";
}

std::optional<AlertKind> AlertKindFromName(std::string_view name) {
  for (int i = 0; i < kAlertKinds; ++i) {
    if (name == kKindNames[i]) return static_cast<AlertKind>(i);
  }
  return std::nullopt;
}

const char* AlertEventTypeName(AlertEventType type) {
  switch (type) {
    case AlertEventType::kRaised:
      return "raised";
    case AlertEventType::kCleared:
      return "cleared";
    case AlertEventType::kAcknowledged:
      return "acknowledged";
  }
  return "unknown";
}

std::string AlertCsvHeader() {
  return "id,kind,cars,raised_ms,cleared_ms,lat,lon,along_m,gap_m,gap_s,offset_m,"
         "heading_diff_deg,speed_mps,duration_s,acknowledged_by,acknowledged_ms,cleared_by,text";
}

std::string AlertCsvRow(const Alert& a, std::span<const std::string> car_ids) {
  std::string cars;
  for (size_t i = 0; i < a.cars.size(); ++i) {
    if (i > 0) cars += ';';
    cars += CarName(a.cars[i], car_ids);
  }
  std::string row = std::to_string(a.id);
  for (const std::string& cell :
       {std::string(AlertKindName(a.kind)), Quote(cars), std::to_string(a.raised_ms),
        Time(a.cleared_ms), Num(a.position.lat_deg(), 7), Num(a.position.lon_deg(), 7),
        Num(a.along_m, 1), Num(a.gap_m, 1), Num(a.gap_s, 1), Num(a.offset_m, 1),
        Num(a.heading_diff_deg, 1), Num(a.speed_mps, 2), Num(a.duration_s, 1),
        Quote(a.acknowledged_by), Time(a.acknowledged_ms), Quote(a.cleared_by), Quote(a.text)}) {
    row += ',';
    row += cell;
  }
  return row;
}

std::string DescribeAlert(const Alert& a, std::span<const std::string> car_ids) {
  std::string s = std::string(AlertKindName(a.kind)) + " #" + std::to_string(a.id);
  for (size_t i = 0; i < a.cars.size(); ++i) {
    s += i == 0 ? " " : ",";
    s += CarName(a.cars[i], car_ids);
  }
  char buf[160];
  switch (a.kind) {
    case AlertKind::kStraggler:
    case AlertKind::kSplit:
      std::snprintf(buf, sizeof buf, ": gap %.0f m / %.0f s", a.gap_m, a.gap_s);
      break;
    case AlertKind::kOffRoute:
      std::snprintf(buf, sizeof buf, ": %.0f m off the route, heading %+.0f deg", a.offset_m,
                    a.heading_diff_deg);
      break;
    case AlertKind::kStopped:
      std::snprintf(buf, sizeof buf, ": stopped %.0f s", a.duration_s);
      break;
    case AlertKind::kDark:
      std::snprintf(buf, sizeof buf, ": silent %.0f s", a.duration_s);
      break;
    case AlertKind::kBehindSweep:
      std::snprintf(buf, sizeof buf, ": %.0f m behind the sweep", a.gap_m);
      break;
    case AlertKind::kSos:
      std::snprintf(buf, sizeof buf, "%s%s", a.text.empty() ? "" : ": ", a.text.c_str());
      break;
  }
  s += buf;
  std::snprintf(buf, sizeof buf, " at km %.1f", a.along_m / 1000);
  return s + buf;
}

}  // namespace convoy::hub
