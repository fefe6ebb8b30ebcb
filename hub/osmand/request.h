// The OsmAnd protocol's requests, as the Traccar Client apps send them, parsed into reports.
// Pure functions: no I/O, no clock, no roster; errors as values. The two forms (field notes in
// tests/data/osmand/NOTES.md):
//
//   query form  GET or POST /?id=SECRET&timestamp=1377177267&lat=60.0&lon=30.0&speed=0.0&...
//               (parameters in the URI, or, when the URI has none, in an
//               application/x-www-form-urlencoded body)
//   JSON form   POST / with Content-Type: application/json and the body
//               {"location":{"timestamp":"2025-06-15T13:45:12.862Z","coords":{"latitude":37.42,
//                "longitude":-122.08,"accuracy":5,"speed":0,"heading":-1,"altitude":5},
//                "battery":{"level":1,"is_charging":false},...},"device_id":"SECRET"}
//               ("location" may also be an array of such objects: the app's batch mode)
//
// Query-form fields: id | deviceid (required); timestamp (timestamp.h); lat, lon or
// location=lat,lon; speed in knots; bearing | heading in degrees; altitude, accuracy in metres;
// hdop; batt in percent; charge, valid, mock as true/false (or 1/0); alarm. Every other
// parameter is kept as an attribute (a repeated one, such as cell= and wifi=, joined with ';').
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/osmand/timestamp.h"
#include "proto/fix.h"
#include "proto/result.h"

namespace convoy::hub::osmand {

// Name and value as the phone sent them (valid UTF-8, numbers as written).
using Attributes = std::vector<std::pair<std::string, std::string>>;

// One position report. Every optional field is nullopt when the phone did not send it (or sent
// its "unknown" value: a negative JSON speed, heading or battery level, a zero accuracy).
struct PhoneFix {
  std::optional<int64_t> time_ms;     // UTC; nullopt: the hub stamps its receive time
  std::optional<double> lat_deg;      // [-90, 90]; lat and lon are both set or both unset
  std::optional<double> lon_deg;      // [-180, 180]
  std::optional<double> speed_mps;    // >= 0 (the query form's knots converted)
  std::optional<double> course_deg;   // [0, 360)
  std::optional<double> altitude_m;   // finite
  std::optional<double> accuracy_m;   // > 0, the 68 % radius the phone reports
  std::optional<double> hdop;         // >= 0
  std::optional<double> battery_pct;  // [0, 100]
  std::optional<bool> charging;
  bool valid = true;      // the phone's "valid" flag; false records the fix as "no fix"
  bool mock = false;      // Android's mock-location flag: a faked position
  std::string alarm;      // "" or the app's alarm name ("sos")
  Attributes attributes;  // every other field, never the device id

  bool has_position() const { return lat_deg.has_value() && lon_deg.has_value(); }
};

enum class RequestForm { kQuery, kJson };

struct PhoneReport {
  RequestForm form = RequestForm::kQuery;
  // What the driver typed into the app: the car's secret. Never log it or echo it back.
  std::string device_id;
  // The query form carries exactly one; the JSON form one per location. A fix may lack a
  // position (a report of cell towers or Wi-Fi only).
  std::vector<PhoneFix> fixes;
};

struct ParseOptions {
  LocalToUtcFn local_to_utc;    // for "yyyy-MM-dd HH:mm:ss" timestamps; empty: UTC
  size_t max_parameters = 100;  // query form
  size_t max_locations = 100;   // JSON batch
};

// The request as it came off the wire; views into the caller's buffers.
struct RequestView {
  std::string_view method;        // "GET", "POST", ...
  std::string_view target;        // origin-form: "/path?query"
  std::string_view content_type;  // the header's value, possibly empty
  std::string_view body;
};

// The form a request is in: JSON when Content-Type is application/json (parameters such as
// "; charset=utf-8" allowed), the query form otherwise. Decides 400 versus 404 for an unknown id.
RequestForm FormOf(std::string_view content_type);

// Parses either form. Errors (answered 400) name the field and what is wrong with it, never the
// device id: missing id, a number that does not parse or is out of range, bad percent-encoding,
// invalid UTF-8, malformed JSON, too many parameters or locations.
Result<PhoneReport> ParseRequest(const RequestView& request, const ParseOptions& options);

// The query form's parameter string ("id=1&lat=2", no '?'), from a URI or a form body.
Result<PhoneReport> ParseQueryForm(std::string_view parameters, const ParseOptions& options);
// The JSON form's body.
Result<PhoneReport> ParseJsonForm(std::string_view body, const ParseOptions& options);

// A fix as the rest of the hub handles it. Precondition: fix.has_position(). A fix without a
// timestamp gets `received_ms`. Quality: kNone when the phone said valid=false, kSimulated for
// a mock location, kUnknown otherwise (phones report no fix type). Altitude, speed and hdop are
// clamped into the Fix's integer ranges; satellites stay 0 (not reported).
proto::Fix ToFix(const PhoneFix& fix, int64_t received_ms);

}  // namespace convoy::hub::osmand
