#include "hub/http/api.h"

#include "hub/ingest.h"
#include "hub/tracker_session.h"
#include "proto/clock.h"

namespace convoy::hub::api {
namespace {

int64_t NowMs() { return SystemClock::Instance().NowUtcMs(); }

}  // namespace

Answer ErrorAnswer(unsigned status, std::string_view text) {
  JsonWriter json;
  json.BeginObject().Field("error", text).EndObject();
  return Answer{status, "application/json", json.Take(), {}};
}

Api::Api(ApiServices services) : s_(std::move(services)) {
  JsonWriter json;
  WriteRoute(json, s_.convoy.plan(), 0);
  route_json_ = json.Take();
}

std::vector<CarLink> Api::Links() const {
  return CarLinks(s_.roster, s_.registry, s_.phones, s_.ingest, NowMs());
}

HubHealth Api::Health() const {
  HubHealth health;
  if (!s_.journal_health) return health;
  if (Status journal = s_.journal_health(); !journal.ok()) {
    health.journal_ok = false;
    health.journal_error = journal.message();
  }
  return health;
}

void Api::WriteSnapshotOf(JsonWriter& json, const ConvoySnapshot& snapshot) const {
  WriteSnapshot(json, snapshot, s_.roster, Links(), &s_.convoy.plan(), Health());
}

Answer Api::Snapshot() const {
  JsonWriter json;
  WriteSnapshotOf(json, *s_.convoy.snapshot());
  return Answer{200, "application/json", json.Take(), {}};
}

Answer Api::Alerts() const {
  JsonWriter json;
  json.BeginObject().Key("alerts").BeginArray();
  for (const Alert& alert : s_.convoy.Alerts()) WriteAlert(json, alert, s_.roster);
  json.EndArray().EndObject();
  return Answer{200, "application/json", json.Take(), {}};
}

Answer Api::Radio() const {
  JsonWriter json;
  json.BeginObject().Key("canned").BeginArray();
  for (const char* text : kCannedStaffTexts) json.String(text);
  json.EndArray().Key("messages").BeginArray();
  for (const RadioEntry& entry : s_.radio.Entries()) WriteRadioEntry(json, entry, s_.roster);
  json.EndArray().EndObject();
  return Answer{200, "application/json", json.Take(), {}};
}

Answer Api::SendRadio(const std::string& body, const StaffMember& who) {
  auto request = ParseRadioRequest(body);
  if (!request.ok()) return ErrorAnswer(400, request.message());
  std::vector<uint32_t> cars;
  switch (request->to) {
    case RadioRequest::To::kAll:
      for (const proto::RosterCar& car : s_.roster.cars()) {
        cars.push_back(static_cast<uint32_t>(car.index));
      }
      break;
    case RadioRequest::To::kCar: {
      const proto::RosterCar* car = s_.roster.Find(request->car);
      if (!car) return ErrorAnswer(404, "no car " + request->car + " in the roster");
      cars.push_back(static_cast<uint32_t>(car->index));
      break;
    }
    case RadioRequest::To::kSplit: {
      // The newest open SPLIT: the group behind the gap.
      const Alert* split = nullptr;
      const auto snapshot = s_.convoy.snapshot();
      for (const Alert& alert : snapshot->open_alerts) {
        if (alert.kind == AlertKind::kSplit && (!split || alert.id > split->id)) split = &alert;
      }
      if (!split) return ErrorAnswer(409, "no open SPLIT");
      cars = split->cars;
      break;
    }
  }
  RadioEntry entry = s_.radio.Send(who.name, request->to, std::move(cars), request->text);
  JsonWriter json;
  WriteRadioEntry(json, entry, s_.roster);
  return Answer{200, "application/json", json.Take(), {}};
}

asio::awaitable<Answer> Api::Acknowledge(uint64_t alert_id, const StaffMember& who) {
  using Result = ConvoyService::AckResult;
  auto executor = co_await asio::this_coro::executor;
  Result result = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Result)>(
      [&](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        s_.convoy.Acknowledge(alert_id, who.name, [shared, executor](Result r) {
          asio::post(executor, [shared, r = std::move(r)]() mutable { (*shared)(std::move(r)); });
        });
      },
      asio::use_awaitable);
  if (result.outcome == Result::Outcome::kUnknown || !result.alert) {
    co_return ErrorAnswer(404, "no alert " + std::to_string(alert_id) + " in this hub run");
  }
  if (result.outcome == Result::Outcome::kRefused) co_return ErrorAnswer(409, result.message);
  JsonWriter json;
  WriteAlert(json, *result.alert, s_.roster);
  co_return Answer{200, "application/json", json.Take(), {}};
}

asio::awaitable<Answer> Api::Handle(const RouteMatch& match, std::string_view method,
                                    const std::string& body, const StaffMember& who) {
  switch (match.endpoint) {
    case Endpoint::kMe: {
      JsonWriter json;
      json.BeginObject().Field("name", who.name).Field("role", StaffRoleName(who.role));
      co_return Answer{200, "application/json", json.EndObject().Take(), {}};
    }
    case Endpoint::kConvoy:
      co_return Snapshot();
    case Endpoint::kRoute: {
      // The current leg changes; the legs do not.
      std::string body_json = route_json_;
      const std::string leg = std::to_string(s_.convoy.snapshot()->leg);
      constexpr std::string_view kPrefix = R"({"current_leg":0)";
      body_json.replace(0, kPrefix.size(), R"({"current_leg":)" + leg);
      co_return Answer{200, "application/json", std::move(body_json), {}};
    }
    case Endpoint::kAlerts:
      co_return Alerts();
    case Endpoint::kAck:
      co_return co_await Acknowledge(match.alert_id, who);
    case Endpoint::kRoster: {
      JsonWriter json;
      WriteRoster(json, s_.roster, Links());
      co_return Answer{200, "application/json", json.Take(), {}};
    }
    case Endpoint::kRadio:
      co_return method == "POST" ? SendRadio(body, who) : Radio();
    case Endpoint::kReplay:
      if (!s_.replay) co_return ErrorAnswer(404, "replay is not available on this hub");
      co_return s_.replay(match.replay_path, match.query);
    default:
      co_return ErrorAnswer(404, "not found");
  }
}

std::string Api::Hello(const StaffMember& who) const {
  JsonWriter json;
  json.BeginObject().Field("type", "hello");
  json.Key("me").BeginObject().Field("name", who.name).Field("role", StaffRoleName(who.role));
  json.EndObject().Key("snapshot");
  WriteSnapshotOf(json, *s_.convoy.snapshot());
  json.Key("alerts").BeginArray();
  for (const Alert& alert : s_.convoy.Alerts()) WriteAlert(json, alert, s_.roster);
  json.EndArray().Key("radio").BeginArray();
  for (const RadioEntry& entry : s_.radio.Entries()) WriteRadioEntry(json, entry, s_.roster);
  json.EndArray().EndObject();
  return json.Take();
}

std::string Api::ConvoyMessage(const ConvoySnapshot& snapshot) const {
  JsonWriter json;
  json.BeginObject().Field("type", "convoy").Key("snapshot");
  WriteSnapshotOf(json, snapshot);
  return json.EndObject().Take();
}

std::string Api::AlertMessage(const AlertEvent& event) const {
  JsonWriter json;
  json.BeginObject().Field("type", "alert").Field("event", AlertEventTypeName(event.type));
  json.Key("alert");
  WriteAlert(json, event.alert, s_.roster);
  return json.EndObject().Take();
}

std::string Api::RadioMessage(const RadioEntry& entry) const {
  JsonWriter json;
  json.BeginObject().Field("type", "radio").Key("message");
  WriteRadioEntry(json, entry, s_.roster);
  return json.EndObject().Take();
}

}  // namespace convoy::hub::api
