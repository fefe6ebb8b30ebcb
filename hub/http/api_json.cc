#include "hub/http/api_json.h"

#include "hub/ingest.h"
#include "hub/osmand/endpoint.h"
#include "hub/tracker_session.h"

namespace convoy::hub::api {
namespace {

// A phone that has not reported for this long no longer counts as connected.
constexpr int64_t kPhoneConnectedMs = 120'000;

const std::string& CarId(const proto::Roster& roster, uint32_t car) {
  static const std::string kUnknown = "?";
  return car < roster.cars().size() ? roster.cars()[car].id : kUnknown;
}

void WriteCarIds(JsonWriter& json, std::span<const uint32_t> cars, const proto::Roster& roster) {
  json.BeginArray();
  for (uint32_t car : cars) json.String(CarId(roster, car));
  json.EndArray();
}

std::optional<int64_t> NonZero(int64_t ms) {
  return ms ? std::optional<int64_t>(ms) : std::nullopt;
}

}  // namespace

const char* CarRoleJson(proto::CarRole role) {
  switch (role) {
    case proto::CarRole::kLead:
      return "lead";
    case proto::CarRole::kSweep:
      return "sweep";
    case proto::CarRole::kCar:
      return "car";
  }
  return "car";
}

std::vector<CarLink> CarLinks(const proto::Roster& roster, const TrackerRegistry& registry,
                              const osmand::Endpoint* phones, const Ingest& ingest,
                              int64_t now_ms) {
  std::vector<CarLink> links(roster.cars().size());
  std::vector<osmand::PhoneStatus> phone_status;
  if (phones) phone_status = phones->phones().All();
  for (size_t i = 0; i < links.size(); ++i) {
    CarLink& link = links[i];
    const bool unit = registry.Find(i) != nullptr;
    const CarSnapshot car = ingest.Snapshot(i);
    osmand::PhoneStatus phone;
    if (i < phone_status.size()) phone = phone_status[i];
    const bool phone_recent =
        phone.reports_from_phone && now_ms - phone.last_report_ms < kPhoneConnectedMs;
    if (unit) {
      link.source = "unit";
    } else if (phone.reports_from_phone) {
      link.source = "phone";
    } else if (car.last_heard_ms > 0) {
      link.source = "unit";
    }
    link.connected = unit || phone_recent;
    link.battery_pct = phone.battery_pct;
    link.charging = phone.charging;
    link.low_battery = phone.low_battery;
    link.last_report_ms = std::max(car.last_heard_ms, phone.last_report_ms);
  }
  return links;
}

void WriteAlert(JsonWriter& json, const Alert& alert, const proto::Roster& roster) {
  json.BeginObject();
  json.Field("id", alert.id).Field("kind", AlertKindName(alert.kind));
  json.Key("cars");
  WriteCarIds(json, alert.cars, roster);
  json.Field("lat", alert.position.lat_deg()).Field("lon", alert.position.lon_deg());
  json.Field("along_m", alert.along_m).Field("gap_m", alert.gap_m).Field("gap_s", alert.gap_s);
  json.Field("offset_m", alert.offset_m).Field("heading_diff_deg", alert.heading_diff_deg);
  json.Field("speed_mps", alert.speed_mps).Field("duration_s", alert.duration_s);
  json.Field("text", alert.text).Field("raised_ms", alert.raised_ms);
  json.Field("cleared_ms", alert.cleared_ms);
  json.Key("cleared_by");
  if (alert.cleared_ms) {
    json.String(alert.cleared_by);
  } else {
    json.Null();
  }
  json.Key("acknowledged_by");
  if (alert.acknowledged_ms) {
    json.String(alert.acknowledged_by);
  } else {
    json.Null();
  }
  json.Field("acknowledged_ms", alert.acknowledged_ms);
  json.EndObject();
}

void WriteSnapshot(JsonWriter& json, const ConvoySnapshot& s, const proto::Roster& roster,
                   std::span<const CarLink> links, const ModelPlan* plan, const HubHealth& health) {
  json.BeginObject();
  json.Field("now_ms", s.now_ms).Field("leg", static_cast<uint64_t>(s.leg));
  json.Field("leg_name", s.leg_name).Field("follow_the_lead", s.follow_the_lead);
  json.Field("departed", s.departed).Field("convoy_length_m", s.convoy_length_m);
  json.Field("convoy_speed_mps", s.convoy_speed_mps);
  json.Key("order");
  WriteCarIds(json, s.order, roster);
  json.Key("cars").BeginArray();
  for (size_t i = 0; i < roster.cars().size(); ++i) {
    const proto::RosterCar& car = roster.cars()[i];
    const CarView* view = i < s.cars.size() ? &s.cars[i] : nullptr;
    const CarLink* link = i < links.size() ? &links[i] : nullptr;
    json.BeginObject();
    json.Field("id", car.id).Field("name", car.name).Field("role", CarRoleJson(car.role));
    json.Key("source");
    if (link && link->source) {
      json.String(link->source);
    } else {
      json.Null();
    }
    json.Field("state", CarStateName(view ? view->state : CarState::kNotStarted));
    json.Field("order", view ? view->order : 0u);
    if (view && view->has_fix) {
      json.Field("lat", view->position.lat_deg()).Field("lon", view->position.lon_deg());
      json.Field("last_fix_ms", view->last_fix_ms);
    } else {
      json.Key("lat").Null().Key("lon").Null().Key("last_fix_ms").Null();
    }
    const double nan = kUnknown;
    json.Field("age_s", view ? view->age_s : nan).Field("speed_mps", view ? view->speed_mps : nan);
    json.Field("along_m", view ? view->along_m : nan)
        .Field("offset_m", view ? view->offset_m : nan);
    json.Field("gap_ahead_m", view ? view->gap_ahead_m : nan);
    json.Field("gap_ahead_s", view ? view->gap_ahead_s : nan);
    json.Field("gap_lead_m", view ? view->gap_lead_m : nan);
    json.Field("gap_lead_s", view ? view->gap_lead_s : nan);
    const bool estimated = view && view->estimated;
    json.Field("estimated", estimated);
    json.Field("estimate_lat", estimated ? view->estimate_position.lat_deg() : nan);
    json.Field("estimate_lon", estimated ? view->estimate_position.lon_deg() : nan);
    json.Field("meet_distance_m", view ? view->meet_distance_m : nan);
    json.Field("meet_eta_s", view ? view->meet_eta_s : nan);
    json.Field("battery_pct", link ? link->battery_pct : std::nullopt);
    json.Field("low_battery", link && link->low_battery);
    json.Field("connected", link && link->connected);
    json.EndObject();
  }
  json.EndArray();
  json.Key("next_rally");
  if (s.next_rally) {
    const RallyView& rally = *s.next_rally;
    json.BeginObject().Field("name", rally.name);
    const maps::RallyPoint* point = nullptr;
    if (plan && s.leg < plan->legs.size() && rally.index < plan->legs[s.leg].rallies.size()) {
      point = &plan->legs[s.leg].rallies[rally.index];
    }
    json.Field("lat", point ? point->position.lat_deg() : kUnknown);
    json.Field("lon", point ? point->position.lon_deg() : kUnknown);
    json.Field("along_m", rally.along_m);
    json.Field("arrive_utc_ms", rally.arrive_utc_ms).Field("depart_utc_ms", rally.depart_utc_ms);
    json.Key("arrived");
    WriteCarIds(json, rally.arrived, roster);
    json.Key("missing").BeginArray();
    for (const MissingCar& missing : rally.missing) {
      json.BeginObject().Field("id", CarId(roster, missing.car));
      json.Field("distance_m", missing.distance_m).Field("eta_s", missing.eta_s).EndObject();
    }
    json.EndArray().EndObject();
  } else {
    json.Null();
  }
  json.Key("open_alerts").BeginArray();
  for (const Alert& alert : s.open_alerts) WriteAlert(json, alert, roster);
  json.EndArray();
  json.Key("hub").BeginObject().Field("journal_ok", health.journal_ok);
  json.Field("journal_error", health.journal_error).EndObject();
  json.EndObject();
}

void WriteRadioEntry(JsonWriter& json, const RadioEntry& entry, const proto::Roster& roster) {
  json.BeginObject().Field("id", entry.id);
  if (entry.from_car) {
    json.Field("from_car", CarId(roster, entry.car)).Field("kind", entry.kind);
    json.Field("text", entry.text).Field("time_ms", entry.time_ms);
    json.EndObject();
    return;
  }
  json.Field("from", entry.from).Field("to", RadioToName(entry.to)).Field("text", entry.text);
  json.Field("sent_ms", entry.sent_ms);
  json.Key("cars");
  WriteCarIds(json, entry.cars, roster);
  json.Key("delivered");
  WriteCarIds(json, entry.delivered, roster);
  json.Key("pending");
  WriteCarIds(json, entry.pending(), roster);
  json.Key("phones");
  WriteCarIds(json, entry.phones, roster);
  json.EndObject();
}

void WriteRoster(JsonWriter& json, const proto::Roster& roster, std::span<const CarLink> links) {
  json.BeginObject().Key("cars").BeginArray();
  for (size_t i = 0; i < roster.cars().size(); ++i) {
    const proto::RosterCar& car = roster.cars()[i];
    const CarLink link = i < links.size() ? links[i] : CarLink{};
    json.BeginObject().Field("id", car.id).Field("name", car.name);
    json.Field("role", CarRoleJson(car.role));
    json.Key("source");
    if (link.source) {
      json.String(link.source);
    } else {
      json.Null();
    }
    json.Field("connected", link.connected).Field("battery_pct", link.battery_pct);
    json.Field("charging", link.charging).Field("low_battery", link.low_battery);
    json.Field("last_report_ms", NonZero(link.last_report_ms));
    json.EndObject();
  }
  json.EndArray().EndObject();
}

void WriteRoute(JsonWriter& json, const ModelPlan& plan, size_t current_leg) {
  json.BeginObject().Field("current_leg", static_cast<uint64_t>(current_leg));
  json.Key("legs").BeginArray();
  for (const ModelLeg& leg : plan.legs) {
    if (!leg.route) continue;  // follow the lead: no planned route
    const maps::Route& route = *leg.route;
    json.BeginObject().Field("name", leg.name).Key("points").BeginArray();
    const size_t n = route.num_vertices();
    const size_t step = (n + kMaxRoutePoints - 2) / (kMaxRoutePoints - 1);
    for (size_t i = 0; i < n; i += std::max<size_t>(step, 1)) {
      // Keep the last vertex whatever the step.
      const size_t k = (i + std::max<size_t>(step, 1) >= n) ? n - 1 : i;
      const maps::LatLon p = route.vertex(k);
      json.BeginArray().Number(p.lat_deg()).Number(p.lon_deg()).EndArray();
      if (k == n - 1) break;
    }
    json.EndArray().Key("rallies").BeginArray();
    for (const maps::RallyPoint& rally : leg.rallies) {
      json.BeginObject().Field("name", rally.name);
      json.Field("lat", rally.position.lat_deg()).Field("lon", rally.position.lon_deg());
      json.Field("arrive_utc_ms", rally.arrive_utc_ms);
      json.Field("depart_utc_ms", rally.depart_utc_ms).EndObject();
    }
    json.EndArray().EndObject();
  }
  json.EndArray().EndObject();
}

std::string PositionJson(const std::string& car_id, const proto::Fix& fix) {
  JsonWriter json;
  json.BeginObject().Field("id", car_id).Field("lat", fix.lat_deg()).Field("lon", fix.lon_deg());
  json.Field("fix_ms", fix.time_ms).Field("speed_mps", fix.speed_mps());
  json.Field("course_deg", fix.course_deg()).EndObject();
  return json.Take();
}

}  // namespace convoy::hub::api
