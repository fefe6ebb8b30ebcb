#include "hub/http/router.h"

#include <cctype>

#include "proto/json.h"

namespace convoy::hub::api {
namespace {

constexpr std::string_view kApi = "/api/v1/";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<uint64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  uint64_t id = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + static_cast<uint64_t>(c - '0');
  }
  return id;
}

}  // namespace

const char* EndpointName(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kNotFound:
      return "not-found";
    case Endpoint::kStatic:
      return "static";
    case Endpoint::kLogin:
      return "login";
    case Endpoint::kMe:
      return "me";
    case Endpoint::kConvoy:
      return "convoy";
    case Endpoint::kRoute:
      return "route";
    case Endpoint::kAlerts:
      return "alerts";
    case Endpoint::kAck:
      return "ack";
    case Endpoint::kRoster:
      return "roster";
    case Endpoint::kRadio:
      return "radio";
    case Endpoint::kReplay:
      return "replay";
    case Endpoint::kLive:
      return "live";
  }
  return "?";
}

std::optional<std::string> PercentDecode(std::string_view text, bool form) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && form) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out.push_back(c);
  }
  return out;
}

RouteMatch MatchRoute(std::string_view method, std::string_view target) {
  RouteMatch match;
  // Origin-form only: "http://host/..." and "*" are not asked of this server.
  if (target.empty() || target.front() != '/' || target.size() > 4096) {
    match.bad_target = true;
    return match;
  }
  const size_t question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  if (question != std::string_view::npos) match.query = std::string(target.substr(question + 1));
  auto decoded = PercentDecode(raw_path, false);
  if (!decoded) {
    match.bad_target = true;
    return match;
  }
  match.path = std::move(*decoded);
  const std::string_view path = match.path;
  const bool get = method == "GET" || method == "HEAD";
  const bool post = method == "POST";

  if (path.substr(0, kApi.size()) != kApi) {
    if (path == "/login") {
      match.endpoint = Endpoint::kLogin;
      match.method_allowed = get;
      return match;
    }
    if (path.substr(0, 5) == "/api/" || path == "/api") return match;  // another version
    match.endpoint = Endpoint::kStatic;
    match.method_allowed = get;
    return match;
  }
  const std::string_view rest = path.substr(kApi.size());
  auto simple = [&](Endpoint endpoint, bool allowed) {
    match.endpoint = endpoint;
    match.method_allowed = allowed;
    return match;
  };
  if (rest == "me") return simple(Endpoint::kMe, get);
  if (rest == "convoy") return simple(Endpoint::kConvoy, get);
  if (rest == "route") return simple(Endpoint::kRoute, get);
  if (rest == "alerts") return simple(Endpoint::kAlerts, get);
  if (rest == "roster") return simple(Endpoint::kRoster, get);
  if (rest == "radio") return simple(Endpoint::kRadio, get || post);
  if (rest == "live") return simple(Endpoint::kLive, get);
  if (rest == "replay" || rest.substr(0, 7) == "replay/") {
    match.replay_path = std::string(rest.substr(6));
    return simple(Endpoint::kReplay, get);
  }
  constexpr std::string_view kAlerts = "alerts/", kAckSuffix = "/ack";
  if (rest.substr(0, kAlerts.size()) == kAlerts &&
      rest.size() > kAlerts.size() + kAckSuffix.size() &&
      rest.substr(rest.size() - kAckSuffix.size()) == kAckSuffix) {
    auto id =
        ParseId(rest.substr(kAlerts.size(), rest.size() - kAlerts.size() - kAckSuffix.size()));
    if (!id) return match;
    match.alert_id = *id;
    return simple(Endpoint::kAck, post);
  }
  return match;
}

bool NeedsStaff(Endpoint endpoint) {
  return endpoint != Endpoint::kStatic && endpoint != Endpoint::kLogin &&
         endpoint != Endpoint::kNotFound;
}

bool Allowed(StaffRole role, Endpoint endpoint) {
  if (!NeedsStaff(endpoint)) return true;
  switch (role) {
    case StaffRole::kOrganizer:
      return true;
    case StaffRole::kSafety:
      return endpoint != Endpoint::kReplay;
    case StaffRole::kMarketing:
      return endpoint == Endpoint::kMe || endpoint == Endpoint::kRoute ||
             endpoint == Endpoint::kReplay;
  }
  return false;
}

std::optional<std::string> StaticRelativePath(std::string_view decoded_path) {
  if (decoded_path.empty() || decoded_path.front() != '/' || decoded_path.size() > 512) {
    return std::nullopt;
  }
  if (decoded_path == "/") return std::string("index.html");
  std::string_view rest = decoded_path.substr(1);
  std::string out;
  while (true) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    // Empty segments ("//", a trailing "/"), ".", "..", and hidden files (".env") all start
    // with a dot or are empty.
    if (segment.empty() || segment.front() == '.') return std::nullopt;
    for (unsigned char c : segment) {
      if (c < 0x20 || c == 0x7F || c == '\\' || c == ':') return std::nullopt;
    }
    if (!out.empty()) out.push_back('/');
    out.append(segment);
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return out;
}

const char* ContentTypeFor(std::string_view name) {
  const size_t dot = name.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : name.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "wav") return "audio/wav";
  if (ext == "mp3") return "audio/mpeg";
  if (ext == "ogg") return "audio/ogg";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::string_view BearerToken(std::string_view authorization) {
  authorization = Trim(authorization);
  if (authorization.size() < 7 || !IEquals(authorization.substr(0, 7), "bearer ")) return {};
  return Trim(authorization.substr(7));
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    const std::string_view pair = Trim(header.substr(0, semi));
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == name) {
      std::string_view value = Trim(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return {};
}

Status ValidateRadioText(std::string_view text) {
  if (!proto::IsValidUtf8(text)) return Error{"text: not valid UTF-8"};
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) ++chars;  // a code point starts here
    if (c < 0x20 || c == 0x7F) return Error{"text: control characters are not allowed"};
    // C1 controls U+0080..U+009F are C2 80..C2 9F in UTF-8.
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return Error{"text: control characters are not allowed"};
    }
  }
  if (chars == 0) return Error{"text: empty"};
  if (chars > kMaxRadioChars) {
    return Error{"text: " + std::to_string(chars) + " characters, at most " +
                 std::to_string(kMaxRadioChars)};
  }
  return Status::Ok();
}

const char* RadioToName(RadioRequest::To to) {
  switch (to) {
    case RadioRequest::To::kAll:
      return "all";
    case RadioRequest::To::kCar:
      return "car";
    case RadioRequest::To::kSplit:
      return "split";
  }
  return "?";
}

Result<RadioRequest> ParseRadioRequest(std::string_view body) {
  auto json = proto::ParseJson(body);
  if (!json.ok()) return Error{"body: " + json.message()};
  if (!json->is_object()) return Error{"body: not a JSON object"};
  RadioRequest request;
  const proto::JsonValue* to = json->Find("to");
  if (!to || to->kind != proto::JsonValue::Kind::kString) {
    return Error{"to: missing (all, car or split)"};
  }
  if (to->text == "all") {
    request.to = RadioRequest::To::kAll;
  } else if (to->text == "split") {
    request.to = RadioRequest::To::kSplit;
  } else if (to->text == "car") {
    request.to = RadioRequest::To::kCar;
    const proto::JsonValue* car = json->Find("car");
    if (!car || car->kind != proto::JsonValue::Kind::kString || car->text.empty()) {
      return Error{"car: missing (a roster id)"};
    }
    request.car = car->text;
  } else {
    return Error{"to: not one of all, car, split"};
  }
  const proto::JsonValue* text = json->Find("text");
  if (!text || text->kind != proto::JsonValue::Kind::kString) return Error{"text: missing"};
  if (Status status = ValidateRadioText(text->text); !status.ok()) return Error{status.message()};
  request.text = text->text;
  return request;
}

ClientMessage ParseClientMessage(std::string_view text) {
  if (text.size() > 4096) return ClientMessage::kIgnored;
  auto json = proto::ParseJson(text);
  if (!json.ok() || !json->is_object()) return ClientMessage::kIgnored;
  const proto::JsonValue* type = json->Find("type");
  if (type && type->kind == proto::JsonValue::Kind::kString && type->text == "ping") {
    return ClientMessage::kPing;
  }
  return ClientMessage::kIgnored;
}

}  // namespace convoy::hub::api
