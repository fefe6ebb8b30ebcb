// The pure part of the HTTP API: which endpoint a request names, who may call it, and the
// parsing of everything a client sends (paths, queries, headers, the radio body, WebSocket
// messages). No I/O and no hub state, so the fuzzer runs it alone (tests/fuzz/http_fuzz.cc).
// Every function is thread-safe and linear in its input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/http/staff.h"
#include "proto/result.h"

namespace convoy::hub::api {

enum class Endpoint : uint8_t {
  kNotFound,
  kStatic,  // "/", "/index.html", "/assets/..." and other files of the web dir
  kLogin,   // GET /login?token=
  kMe,
  kConvoy,
  kRoute,
  kAlerts,
  kAck,  // POST /api/v1/alerts/{id}/ack
  kRoster,
  kRadio,
  kReplay,  // /api/v1/replay/...
  kLive,    // the WebSocket
};
const char* EndpointName(Endpoint endpoint);

struct RouteMatch {
  Endpoint endpoint = Endpoint::kNotFound;
  bool method_allowed = true;  // false: 405
  bool bad_target = false;     // not origin-form, bad escapes, NUL: 400
  uint64_t alert_id = 0;       // kAck
  std::string path;            // percent-decoded path ("/assets/app.js")
  std::string query;           // raw, after '?'
  std::string replay_path;     // kReplay: what follows "/api/v1/replay" ("/range")
};

// method: "GET", "POST", ...; target: the request line's target ("/api/v1/me?x=1").
RouteMatch MatchRoute(std::string_view method, std::string_view target);

// Whether `role` may call `endpoint` (api.md, "Endpoints"). kStatic and kLogin need no role.
bool Allowed(StaffRole role, Endpoint endpoint);
// Whether the endpoint needs a staff member at all (every /api/v1/ call does).
bool NeedsStaff(Endpoint endpoint);

// The file a static request names, relative to the web dir ("index.html", "assets/app.js"), or
// nullopt for anything that could leave it: "..", "." segments, hidden names, backslashes, NUL,
// empty segments (which includes "//" that would read as absolute), over 512 bytes.
// `decoded_path` is RouteMatch::path. "/" names index.html.
std::optional<std::string> StaticRelativePath(std::string_view decoded_path);
// A Content-Type for a file name by its extension; application/octet-stream otherwise.
const char* ContentTypeFor(std::string_view file_name);

// Percent-decodes `text` ('+' is a space when form is true); nullopt on a bad escape or NUL.
std::optional<std::string> PercentDecode(std::string_view text, bool form);
// The decoded value of the first `name=` in an application/x-www-form-urlencoded query.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name);
// The token of "Bearer TOKEN" (scheme case-insensitive), or empty.
std::string_view BearerToken(std::string_view authorization);
// The value of cookie `name` in a Cookie header, or empty.
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

// Radio text rules: 1..280 characters (Unicode code points), valid UTF-8, no control
// characters (C0, DEL, C1; line breaks included: one line on a tracker's console).
inline constexpr size_t kMaxRadioChars = 280;
Status ValidateRadioText(std::string_view text);

struct RadioRequest {
  enum class To : uint8_t { kAll, kCar, kSplit };
  To to = To::kAll;
  std::string car;  // kCar: the roster id
  std::string text;
};
const char* RadioToName(RadioRequest::To to);  // "all", "car", "split"
// The body of POST /api/v1/radio: {"to":"all"|"car"|"split","car":ID,"text":TEXT}. Errors say
// what is wrong, for a 400.
Result<RadioRequest> ParseRadioRequest(std::string_view body);

// A text frame from a viewer: {"type":"ping"} is answered; anything else is ignored.
enum class ClientMessage : uint8_t { kPing, kIgnored };
ClientMessage ParseClientMessage(std::string_view text);

}  // namespace convoy::hub::api
