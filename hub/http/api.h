// The API's handlers (api.md): a matched request from an authenticated staff member in, an
// answer out. Also builds the live feed's messages. The HTTP mechanics (limits, auth, cookies,
// static files, the WebSocket upgrade) are in server.h.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/convoy_service.h"
#include "hub/http/api_json.h"
#include "hub/http/beast.h"
#include "hub/http/radio_desk.h"
#include "hub/http/router.h"
#include "hub/http/staff.h"

namespace convoy::hub {
class Ingest;
class TrackerRegistry;
namespace osmand {
class Endpoint;
}
}  // namespace convoy::hub

namespace convoy::hub::api {

struct Answer {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra (Location, Set-Cookie)
};
// {"error":"text"} with `status`.
Answer ErrorAnswer(unsigned status, std::string_view text);

// What the handlers read. Everything must outlive the Api. phones may be nullptr; replay may be
// empty (answers 404); journal_health may be empty (the journal is then shown as OK).
struct ApiServices {
  const proto::Roster& roster;
  ConvoyService& convoy;
  const TrackerRegistry& registry;
  const Ingest& ingest;
  const osmand::Endpoint* phones;
  RadioDesk& radio;
  std::function<Answer(std::string_view path, std::string_view query)> replay;
  // The journal's health (Journal::health()): called for every snapshot, from any thread.
  std::function<Status()> journal_health;
};

// Thread-safe: handlers run on the connections' strands at once.
class Api {
 public:
  explicit Api(ApiServices services);

  // Preconditions: match.endpoint is an API endpoint (not static, login or live), the method is
  // allowed, and Allowed(who.role, match.endpoint).
  asio::awaitable<Answer> Handle(const RouteMatch& match, std::string_view method,
                                 const std::string& body, const StaffMember& who);

  // Live messages (api.md, "Live").
  std::string Hello(const StaffMember& who) const;
  std::string ConvoyMessage(const ConvoySnapshot& snapshot) const;
  std::string AlertMessage(const AlertEvent& event) const;
  std::string RadioMessage(const RadioEntry& entry) const;

 private:
  std::vector<CarLink> Links() const;
  Answer Snapshot() const;
  Answer Alerts() const;
  Answer Radio() const;
  Answer SendRadio(const std::string& body, const StaffMember& who);
  asio::awaitable<Answer> Acknowledge(uint64_t alert_id, const StaffMember& who);
  void WriteSnapshotOf(JsonWriter& json, const ConvoySnapshot& snapshot) const;
  HubHealth Health() const;

  ApiServices s_;
  std::string route_json_;  // made once: the plan does not change
};

}  // namespace convoy::hub::api
