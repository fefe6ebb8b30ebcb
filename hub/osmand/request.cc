#include "hub/osmand/request.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

#include "proto/json.h"

namespace convoy::hub::osmand {
namespace {

using proto::IsValidUtf8;
using proto::JsonValue;
using proto::ParseJson;

constexpr double kMpsPerKnot = 1852.0 / 3600.0;

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = Lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// application/x-www-form-urlencoded: '+' is a space, %XX a byte. The result must be UTF-8.
Result<std::string> DecodeComponent(std::string_view in, std::string_view what) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%') {
      const int high = i + 2 < in.size() ? HexValue(in[i + 1]) : -1;
      const int low = high >= 0 ? HexValue(in[i + 2]) : -1;
      if (low < 0) return Error{std::string(what) + ": bad percent-encoding"};
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  if (!IsValidUtf8(out)) return Error{std::string(what) + ": not valid UTF-8"};
  return out;
}

Result<double> ParseNumber(std::string_view text, std::string_view field) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return Error{std::string(field) + ": not a number"};
  }
  return value;
}

Result<bool> ParseBool(std::string_view text, std::string_view field) {
  if (EqualsNoCase(text, "true") || text == "1") return true;
  if (EqualsNoCase(text, "false") || text == "0") return false;
  return Error{std::string(field) + ": expected true or false"};
}

Status CheckPosition(const PhoneFix& fix, std::string_view where) {
  if (fix.lat_deg.has_value() != fix.lon_deg.has_value()) {
    return Error{std::string(where) +
                 (fix.lat_deg ? "latitude without longitude" : "longitude without latitude")};
  }
  if (fix.lat_deg && (*fix.lat_deg < -90 || *fix.lat_deg > 90)) {
    return Error{std::string(where) + "latitude outside [-90, 90]"};
  }
  if (fix.lon_deg && (*fix.lon_deg < -180 || *fix.lon_deg > 180)) {
    return Error{std::string(where) + "longitude outside [-180, 180]"};
  }
  return Status::Ok();
}

// The "unknown" conventions: negative speed, course, hdop or battery, and zero accuracy (the
// legacy app's GPS provider) mean "not reported".
void SetSpeed(PhoneFix* fix, double mps) {
  fix->speed_mps = mps >= 0 ? std::optional(mps) : std::nullopt;
}
void SetCourse(PhoneFix* fix, double deg) {
  if (deg < 0) return;
  deg = std::fmod(deg, 360.0);
  fix->course_deg = deg;
}
void SetAccuracy(PhoneFix* fix, double m) {
  if (m > 0) fix->accuracy_m = m;
}
void SetBattery(PhoneFix* fix, double pct) {
  if (pct >= 0) fix->battery_pct = std::min(pct, 100.0);
}

void AddAttribute(Attributes* attributes, std::string key, std::string value) {
  for (auto& [name, old] : *attributes) {
    if (name == key) {
      old += ';';
      old += value;
      return;
    }
  }
  attributes->emplace_back(std::move(key), std::move(value));
}

// One query-form parameter into the report.
Status ApplyParameter(const std::string& key, const std::string& value, PhoneReport* report,
                      const ParseOptions& options) {
  PhoneFix& fix = report->fixes.front();
  const auto number = [&]() { return ParseNumber(value, key); };
  if (key == "id" || key == "deviceid") {
    report->device_id = value;
  } else if (key == "timestamp") {
    auto time = ParseTimestamp(value, options.local_to_utc);
    if (!time.ok()) return time.status();
    fix.time_ms = *time;
  } else if (key == "lat" || key == "lon") {
    auto degrees = number();
    if (!degrees.ok()) return degrees.status();
    (key == "lat" ? fix.lat_deg : fix.lon_deg) = *degrees;
  } else if (key == "location") {
    const size_t comma = value.find(',');
    if (comma == std::string::npos) return Error{"location: expected lat,lon"};
    auto lat = ParseNumber(std::string_view(value).substr(0, comma), "location");
    auto lon = ParseNumber(std::string_view(value).substr(comma + 1), "location");
    if (!lat.ok()) return lat.status();
    if (!lon.ok()) return lon.status();
    fix.lat_deg = *lat;
    fix.lon_deg = *lon;
  } else if (key == "speed") {
    auto knots = number();
    if (!knots.ok()) return knots.status();
    SetSpeed(&fix, *knots * kMpsPerKnot);
  } else if (key == "bearing" || key == "heading") {
    auto degrees = number();
    if (!degrees.ok()) return degrees.status();
    SetCourse(&fix, *degrees);
  } else if (key == "altitude") {
    auto metres = number();
    if (!metres.ok()) return metres.status();
    fix.altitude_m = *metres;
  } else if (key == "accuracy") {
    auto metres = number();
    if (!metres.ok()) return metres.status();
    SetAccuracy(&fix, *metres);
  } else if (key == "hdop") {
    auto hdop = number();
    if (!hdop.ok()) return hdop.status();
    if (*hdop >= 0) fix.hdop = *hdop;
  } else if (key == "batt") {
    auto pct = number();
    if (!pct.ok()) return pct.status();
    SetBattery(&fix, *pct);
  } else if (key == "charge" || key == "valid" || key == "mock") {
    auto flag = ParseBool(value, key);
    if (!flag.ok()) return flag.status();
    if (key == "charge") fix.charging = *flag;
    if (key == "valid") fix.valid = *flag;
    if (key == "mock") fix.mock = *flag;
  } else if (key == "alarm") {
    fix.alarm = value;
  } else {
    AddAttribute(&fix.attributes, key, value);
  }
  return Status::Ok();
}

// JSON helpers: a member that must have a given kind when present (null counts as absent).
Result<std::optional<double>> NumberMember(const JsonValue& object, std::string_view key,
                                           std::string_view where) {
  const JsonValue* member = object.Find(key);
  if (!member || member->kind == JsonValue::Kind::kNull) return std::optional<double>();
  if (member->kind != JsonValue::Kind::kNumber) {
    return Error{std::string(where) + std::string(key) + ": expected a number"};
  }
  return std::optional<double>(member->number);
}

std::string AttributeText(const JsonValue& value) {
  if (value.kind == JsonValue::Kind::kBool) return value.boolean ? "true" : "false";
  return value.text;  // strings decoded, numbers as written
}

bool IsScalar(const JsonValue& value) {
  return value.kind == JsonValue::Kind::kBool || value.kind == JsonValue::Kind::kNumber ||
         value.kind == JsonValue::Kind::kString;
}

Status ParseJsonLocation(const JsonValue& location, const std::string& where, PhoneFix* fix,
                         const ParseOptions& options) {
  if (!location.is_object()) return Error{where + ": expected an object"};
  if (const JsonValue* time = location.Find("timestamp");
      time && time->kind != JsonValue::Kind::kNull) {
    if (time->kind != JsonValue::Kind::kString && time->kind != JsonValue::Kind::kNumber) {
      return Error{where + ".timestamp: expected a string"};
    }
    auto ms = ParseTimestamp(time->text, options.local_to_utc);
    if (!ms.ok()) return Error{where + "." + ms.message()};
    fix->time_ms = *ms;
  }
  if (const JsonValue* coords = location.Find("coords");
      coords && coords->kind != JsonValue::Kind::kNull) {
    const std::string at = where + ".coords.";
    if (!coords->is_object()) return Error{where + ".coords: expected an object"};
    std::optional<double> values[6];
    const char* keys[6] = {"latitude", "longitude", "altitude", "accuracy", "speed", "heading"};
    for (int i = 0; i < 6; ++i) {
      auto value = NumberMember(*coords, keys[i], at);
      if (!value.ok()) return value.status();
      values[i] = *value;
    }
    fix->lat_deg = values[0];
    fix->lon_deg = values[1];
    fix->altitude_m = values[2];
    if (values[3]) SetAccuracy(fix, *values[3]);
    if (values[4]) SetSpeed(fix, *values[4]);  // m/s already
    if (values[5]) SetCourse(fix, *values[5]);
    if (Status status = CheckPosition(*fix, at); !status.ok()) return status;
    if (!fix->has_position()) return Error{at + "latitude and longitude: missing"};
  }
  if (const JsonValue* battery = location.Find("battery"); battery && battery->is_object()) {
    auto level = NumberMember(*battery, "level", where + ".battery.");
    if (!level.ok()) return level.status();
    if (*level) SetBattery(fix, **level * 100);
    if (const JsonValue* charging = battery->Find("is_charging");
        charging && charging->kind == JsonValue::Kind::kBool) {
      fix->charging = charging->boolean;
    }
  }
  if (const JsonValue* mock = location.Find("mock"); mock && mock->kind == JsonValue::Kind::kBool) {
    fix->mock = mock->boolean;
  }
  if (const JsonValue* alarm = location.Find("alarm");
      alarm && alarm->kind == JsonValue::Kind::kString) {
    fix->alarm = alarm->text;
  }
  // Kept for people reading the desk; "_" is left out: it repeats the device id.
  for (const char* key : {"is_moving", "odometer", "event"}) {
    if (const JsonValue* value = location.Find(key); value && IsScalar(*value)) {
      AddAttribute(&fix->attributes, key, AttributeText(*value));
    }
  }
  if (const JsonValue* activity = location.Find("activity"); activity && activity->is_object()) {
    if (const JsonValue* type = activity->Find("type"); type && IsScalar(*type)) {
      AddAttribute(&fix->attributes, "activity", AttributeText(*type));
    }
  }
  if (const JsonValue* extras = location.Find("extras"); extras && extras->is_object()) {
    for (size_t i = 0; i < extras->keys.size(); ++i) {
      if (IsScalar(extras->items[i])) {
        AddAttribute(&fix->attributes, extras->keys[i], AttributeText(extras->items[i]));
      }
    }
  }
  return Status::Ok();
}

}  // namespace

RequestForm FormOf(std::string_view content_type) {
  constexpr std::string_view kJson = "application/json";
  const size_t start = content_type.find_first_not_of(" \t");
  if (start == std::string_view::npos) return RequestForm::kQuery;
  content_type.remove_prefix(start);
  if (content_type.size() < kJson.size() ||
      !EqualsNoCase(content_type.substr(0, kJson.size()), kJson)) {
    return RequestForm::kQuery;
  }
  const std::string_view rest = content_type.substr(kJson.size());
  return rest.empty() || rest[0] == ';' || rest[0] == ' ' || rest[0] == '\t' ? RequestForm::kJson
                                                                             : RequestForm::kQuery;
}

Result<PhoneReport> ParseQueryForm(std::string_view parameters, const ParseOptions& options) {
  PhoneReport report;
  report.form = RequestForm::kQuery;
  report.fixes.emplace_back();
  size_t count = 0;
  while (!parameters.empty()) {
    const size_t amp = parameters.find('&');
    const std::string_view piece = parameters.substr(0, amp);
    parameters = amp == std::string_view::npos ? std::string_view() : parameters.substr(amp + 1);
    if (piece.empty()) continue;  // "&&", a leading or trailing '&'
    if (++count > options.max_parameters) {
      return Error{"more than " + std::to_string(options.max_parameters) + " parameters"};
    }
    const size_t eq = piece.find('=');
    auto key = DecodeComponent(piece.substr(0, eq), "a parameter name");
    if (!key.ok()) return key.status();
    const std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1);
    auto value = DecodeComponent(raw_value, *key == "id" || *key == "deviceid" ? "id" : *key);
    if (!value.ok()) return value.status();
    if (key->empty()) continue;
    if (Status status = ApplyParameter(*key, *value, &report, options); !status.ok()) {
      return status;
    }
  }
  if (report.device_id.empty()) return Error{"id: missing"};
  if (Status status = CheckPosition(report.fixes.front(), ""); !status.ok()) return status;
  return report;
}

Result<PhoneReport> ParseJsonForm(std::string_view body, const ParseOptions& options) {
  auto root = ParseJson(body);
  if (!root.ok()) return root.status();
  if (!root->is_object()) return Error{"JSON: expected an object"};
  PhoneReport report;
  report.form = RequestForm::kJson;
  const JsonValue* id = root->Find("device_id");
  if (id && (id->kind == JsonValue::Kind::kString || id->kind == JsonValue::Kind::kNumber)) {
    report.device_id = id->text;
  }
  if (report.device_id.empty()) return Error{"device_id: missing"};
  const JsonValue* location = root->Find("location");
  if (!location) return Error{"location: missing"};
  if (location->kind == JsonValue::Kind::kArray) {
    if (location->items.empty()) return Error{"location: empty array"};
    if (location->items.size() > options.max_locations) {
      return Error{"location: more than " + std::to_string(options.max_locations) + " locations"};
    }
    for (size_t i = 0; i < location->items.size(); ++i) {
      PhoneFix fix;
      const std::string where = "location[" + std::to_string(i) + "]";
      if (Status status = ParseJsonLocation(location->items[i], where, &fix, options);
          !status.ok()) {
        return status;
      }
      report.fixes.push_back(std::move(fix));
    }
  } else {
    PhoneFix fix;
    if (Status status = ParseJsonLocation(*location, "location", &fix, options); !status.ok()) {
      return status;
    }
    report.fixes.push_back(std::move(fix));
  }
  return report;
}

Result<PhoneReport> ParseRequest(const RequestView& request, const ParseOptions& options) {
  if (FormOf(request.content_type) == RequestForm::kJson) {
    return ParseJsonForm(request.body, options);
  }
  const size_t question = request.target.find('?');
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : request.target.substr(question + 1);
  // Traccar's rule: the URI's parameters, or the body's when the URI has none.
  if (query.find_first_not_of('&') == std::string_view::npos) query = request.body;
  return ParseQueryForm(query, options);
}

proto::Fix ToFix(const PhoneFix& fix, int64_t received_ms) {
  const auto clamped = [](double value, double low, double high) {
    return std::llround(std::clamp(value, low, high));
  };
  proto::Fix out;
  out.time_ms = fix.time_ms.value_or(received_ms);
  out.lat_e7 = static_cast<int32_t>(clamped(*fix.lat_deg * 1e7, -9e8, 9e8));
  out.lon_e7 = static_cast<int32_t>(clamped(*fix.lon_deg * 1e7, -1.8e9, 1.8e9));
  constexpr double kInt32Max = std::numeric_limits<int32_t>::max();
  constexpr double kUint32Max = std::numeric_limits<uint32_t>::max();
  if (fix.altitude_m) {
    out.altitude_dm = static_cast<int32_t>(clamped(*fix.altitude_m * 10, -kInt32Max, kInt32Max));
  }
  if (fix.speed_mps)
    out.speed_cmps = static_cast<uint32_t>(clamped(*fix.speed_mps * 100, 0, kUint32Max));
  if (fix.course_deg) {
    out.course_cdeg = static_cast<uint32_t>(clamped(*fix.course_deg * 100, 0, 36000)) % 36000;
  }
  if (fix.hdop) out.hdop_c = static_cast<uint32_t>(clamped(*fix.hdop * 100, 0, kUint32Max));
  out.quality = !fix.valid ? proto::FixQuality::kNone
                : fix.mock ? proto::FixQuality::kSimulated
                           : proto::FixQuality::kUnknown;
  return out;
}

}  // namespace convoy::hub::osmand
