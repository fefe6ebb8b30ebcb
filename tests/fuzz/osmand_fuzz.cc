// The OsmAnd request parser (hub/osmand/request.h): what a phone, or anyone on the internet,
// sends to the hub's --osmand port, after the HTTP layer has framed it. The first byte picks the
// shape (method, Content-Type, target or body); the rest is the text. Every report that parses
// must keep the parser's documented ranges, since its fixes go on to the gate and the journal.
#include <cmath>
#include <string>
#include <string_view>

#include "hub/osmand/request.h"
#include "hub/osmand/timestamp.h"

namespace osmand = convoy::hub::osmand;

namespace {

void CheckRanges(const osmand::PhoneReport& report) {
  for (const osmand::PhoneFix& fix : report.fixes) {
    if (fix.lat_deg.has_value() != fix.lon_deg.has_value()) __builtin_trap();
    if (fix.lat_deg && !(*fix.lat_deg >= -90 && *fix.lat_deg <= 90)) __builtin_trap();
    if (fix.lon_deg && !(*fix.lon_deg >= -180 && *fix.lon_deg <= 180)) __builtin_trap();
    if (fix.speed_mps && !(*fix.speed_mps >= 0)) __builtin_trap();
    if (fix.course_deg && !(*fix.course_deg >= 0 && *fix.course_deg < 360)) __builtin_trap();
    if (fix.altitude_m && !std::isfinite(*fix.altitude_m)) __builtin_trap();
    if (fix.accuracy_m && !(*fix.accuracy_m > 0)) __builtin_trap();
    if (fix.hdop && !(*fix.hdop >= 0)) __builtin_trap();
    if (fix.battery_pct && !(*fix.battery_pct >= 0 && *fix.battery_pct <= 100)) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  osmand::ParseOptions options;
  // A fixed offset instead of the process's zone: deterministic, and it exercises the hook.
  options.local_to_utc = [](int64_t civil_ms) { return civil_ms - 7'200'000; };
  osmand::RequestView request;
  request.method = (mode & 1) ? "POST" : "GET";
  const std::string target = "/?" + text;
  switch ((mode >> 1) % 4) {
    case 0:  // the query form in the URI
      request.target = target;
      break;
    case 1:  // the query form in a form body (the legacy Android app)
      request.target = "/";
      request.content_type = "application/x-www-form-urlencoded";
      request.body = text;
      break;
    case 2:  // the JSON form
      request.target = "/";
      request.content_type = "application/json; charset=utf-8";
      request.body = text;
      break;
    case 3:  // a timestamp alone, in every format the parser knows
      (void)osmand::ParseTimestamp(text, options.local_to_utc);
      (void)osmand::ParseTimestamp(text, {});
      return 0;
  }
  convoy::Result<osmand::PhoneReport> report = osmand::ParseRequest(request, options);
  if (report.ok()) CheckRanges(*report);
  return 0;
}
