// The API's JSON shapes (api.md): the snapshot, alerts, radio entries, roster, route and live
// positions. Pure functions over plain values; thread-safe. Unknown figures are null.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "hub/http/json_writer.h"
#include "hub/http/radio_desk.h"
#include "hub/model/plan.h"
#include "hub/model/snapshot.h"
#include "proto/fix.h"
#include "proto/roster.h"

namespace convoy::hub {
class Ingest;
class TrackerRegistry;
namespace osmand {
class Endpoint;
}
}  // namespace convoy::hub

namespace convoy::hub::api {

// How a car reaches the hub right now (beside the model's view of it).
struct CarLink {
  const char* source = nullptr;  // "unit", "phone", or nullptr (never heard)
  bool connected = false;        // a unit connected now, or a phone report within 2 minutes
  std::optional<double> battery_pct;
  std::optional<bool> charging;
  bool low_battery = false;
  int64_t last_report_ms = 0;  // hub clock of the newest report of either kind; 0 never
};
// One per roster car. phones may be nullptr (no --osmand). Cost: a lock per car.
std::vector<CarLink> CarLinks(const proto::Roster& roster, const TrackerRegistry& registry,
                              const osmand::Endpoint* phones, const Ingest& ingest, int64_t now_ms);

// The hub's own health, shown to the staff beside the convoy: a hub whose journal cannot write
// acknowledges nothing, and somebody must free the disk.
struct HubHealth {
  bool journal_ok = true;
  std::string journal_error;  // the journal's last write error while !journal_ok; else empty
};

void WriteAlert(JsonWriter& json, const Alert& alert, const proto::Roster& roster);
// links: CarLinks() (may be empty: link fields are then null/false).
// plan: for the next rally's position (may be nullptr: lat/lon null).
// health: the snapshot's "hub" member ({"journal_ok","journal_error"}).
void WriteSnapshot(JsonWriter& json, const ConvoySnapshot& snapshot, const proto::Roster& roster,
                   std::span<const CarLink> links, const ModelPlan* plan = nullptr,
                   const HubHealth& health = {});
void WriteRadioEntry(JsonWriter& json, const RadioEntry& entry, const proto::Roster& roster);
void WriteRoster(JsonWriter& json, const proto::Roster& roster, std::span<const CarLink> links);
// The plan's legs with routes decimated to at most kMaxRoutePoints points; follow the lead:
// legs []. current_leg from the snapshot.
inline constexpr size_t kMaxRoutePoints = 5000;
void WriteRoute(JsonWriter& json, const ModelPlan& plan, size_t current_leg);
// {"id","lat","lon","fix_ms","speed_mps","course_deg"}: one car of a positions message.
std::string PositionJson(const std::string& car_id, const proto::Fix& fix);

const char* CarRoleJson(proto::CarRole role);  // "lead", "sweep", "car"

}  // namespace convoy::hub::api
