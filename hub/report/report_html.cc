// The report's index.html and report.json.
#include <cmath>
#include <cstdio>

#include "hub/replay/json_text.h"
#include "hub/replay/replay_json.h"
#include "hub/report/drawings.h"
#include "hub/report/report_writer.h"

namespace convoy::hub::report {
namespace {

std::string Km(double m) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f km", m / 1000);
  return text;
}

std::string Duration(double s) {
  const long minutes = std::lround(s / 60);
  char text[32];
  if (minutes >= 60) {
    std::snprintf(text, sizeof text, "%ld h %02ld min", minutes / 60, minutes % 60);
  } else if (s >= 60) {
    std::snprintf(text, sizeof text, "%ld min", minutes);
  } else {
    std::snprintf(text, sizeof text, "%.0f s", s);
  }
  return text;
}

std::string ZoneName(int offset_min) {
  if (offset_min == 0) return "UTC";
  char text[16];
  const int a = std::abs(offset_min);
  std::snprintf(text, sizeof text, "UTC%c%02d:%02d", offset_min < 0 ? '-' : '+', a / 60, a % 60);
  return text;
}

// "+12 min" late, "-3 min" early.
std::string Against(std::optional<int64_t> actual, std::optional<int64_t> planned) {
  if (!actual || !planned) return "";
  const long minutes = std::lround((*actual - *planned) / 60000.0);
  return (minutes > 0 ? " (+" : " (") + std::to_string(minutes) + " min)";
}

}  // namespace

std::string ReportHtml(const TourFigures& f, int offset_min, bool has_plan) {
  const std::string title = f.tour_name.empty() ? "Convoy tour report" : f.tour_name;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
       EscapeXml(title) + "</title>\n<meta name=\"viewport\" content=\"width=device-width\">\n";
  h += "<style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1040px}"
       "h1{margin-bottom:4px}table{border-collapse:collapse;margin:8px 0 20px}"
       "td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:right}"
       "th{background:#f0f0f0}td:first-child,th:first-child{text-align:left}"
       "img{max-width:100%;border:1px solid #ccc;margin:6px 0}.big{font-size:20px}"
       ".note{color:#666;font-size:13px}.dot{display:inline-block;width:10px;height:10px;"
       "border-radius:5px;margin-right:6px}</style>\n</head><body>\n";
  h += "<h1>" + EscapeXml(title) + "</h1>\n";
  h += "<p class=\"big\">" + std::to_string(f.days.size()) + " days, " +
       std::to_string(f.cars.size()) + " cars, " + Km(f.distance_m) + " driven, " +
       std::to_string(f.alerts.size()) + " alerts</p>\n";
  h += "<p class=\"note\">Times are " + ZoneName(offset_min) +
       ". Figures come from the fixes the hub judged good; the map leaves out each car's first "
       "and last stretch near home.</p>\n";

  h += "<h2>The tour</h2>\n<img src=\"map.svg\" alt=\"map of every track\">\n";

  h += "<h2>Days</h2>\n<table><tr><th>day</th><th>measured on</th><th>distance</th>"
       "<th>start</th><th>end</th><th>duration</th><th>moving</th><th>average speed</th>"
       "<th>stops</th><th>convoy length (median / max)</th></tr>\n";
  for (const DayFigures& d : f.days) {
    char speed[32];
    std::snprintf(speed, sizeof speed, "%.1f km/h", d.average_speed_mps * 3.6);
    h += "<tr><td>" + EscapeXml(d.label) + "</td><td>" + EscapeXml(d.measured_car) + "</td><td>" +
         Km(d.distance_m) + "</td><td>" + ClockText(d.from_ms, offset_min) + "</td><td>" +
         ClockText(d.to_ms, offset_min) + "</td><td>" + Duration(d.duration_s) + "</td><td>" +
         Duration(d.moving_s) + "</td><td>" + speed + "</td><td>" + std::to_string(d.stops.size()) +
         "</td><td>" + Km(d.median_length_m) + " / " + Km(d.max_length_m) + "</td></tr>\n";
  }
  h += "</table>\n";
  for (size_t i = 0; i < f.days.size(); ++i) {
    const DayFigures& d = f.days[i];
    h += "<h3>Stops, " + EscapeXml(d.label) + "</h3>\n";
    if (d.stops.empty()) {
      h += "<p>No stops of 3 minutes or more.</p>\n";
    } else {
      h += "<table><tr><th>from</th><th>to</th><th>length</th><th>where</th></tr>\n";
      for (const Stop& s : d.stops) {
        char where[64];
        std::snprintf(where, sizeof where, "%.5f, %.5f", s.lat_e7 * 1e-7, s.lon_e7 * 1e-7);
        h += "<tr><td>" + ClockText(s.from_ms, offset_min) + "</td><td>" +
             ClockText(s.to_ms, offset_min) + "</td><td>" + Duration(s.length_s()) + "</td><td>" +
             EscapeXml(s.near.empty() ? std::string(where) : s.near) + "</td></tr>\n";
      }
      h += "</table>\n";
    }
  }

  h += "<h2>Convoy length</h2>\n";
  for (size_t i = 0; i < f.days.size(); ++i) {
    h += "<img src=\"day" + std::to_string(i + 1) + "_length.svg\" alt=\"convoy length, " +
         EscapeXml(f.days[i].label) + "\">\n";
  }

  h += "<h2>Alerts</h2>\n";
  for (size_t i = 0; i < f.days.size(); ++i) {
    h += "<img src=\"day" + std::to_string(i + 1) + "_alerts.svg\" alt=\"alerts, " +
         EscapeXml(f.days[i].label) + "\">\n";
  }
  if (f.alerts.empty()) {
    h += "<p>No alerts were raised.</p>\n";
  } else {
    h += "<table><tr><th>raised</th><th>kind</th><th>cars</th><th>cleared</th>"
         "<th>acknowledged by</th><th>text</th></tr>\n";
    for (const auto& a : f.alerts) {
      std::string cars;
      for (const auto& id : a.car_ids()) cars += (cars.empty() ? "" : ", ") + id;
      h += "<tr><td>" + ClockText(a.raised_ms(), offset_min) + "</td><td>" + EscapeXml(a.kind()) +
           "</td><td>" + EscapeXml(cars) + "</td><td>" +
           (a.cleared_ms() ? ClockText(a.cleared_ms(), offset_min) + " (" +
                                 Duration((a.cleared_ms() - a.raised_ms()) / 1000.0) + ")"
                           : std::string("open")) +
           "</td><td>" + EscapeXml(a.acknowledged_by()) + "</td><td>" + EscapeXml(a.text()) +
           "</td></tr>\n";
    }
    h += "</table>\n";
  }

  h += "<h2>Cars</h2>\n<table><tr><th>car</th><th>role</th><th>distance</th><th>fixes</th>"
       "<th>largest gap</th><th>alerts</th></tr>\n";
  for (size_t i = 0; i < f.cars.size(); ++i) {
    const CarFigures& c = f.cars[i];
    h += "<tr><td><span class=\"dot\" style=\"background:" + std::string("hsl(") +
         std::to_string(static_cast<int>(i * 137.508) % 360) + ",65%,38%)\"></span>" +
         EscapeXml(c.name) + (c.name != c.id ? " (" + EscapeXml(c.id) + ")" : "") + "</td><td>" +
         EscapeXml(c.role) + "</td><td>" + Km(c.distance_m) + "</td><td>" +
         std::to_string(c.fixes) + "</td><td>" +
         (c.largest_gap_ms > 0 ? Duration(c.largest_gap_ms / 1000.0) + " at " +
                                     ClockText(c.largest_gap_at_ms, offset_min)
                               : std::string()) +
         "</td><td>" + std::to_string(c.alerts) + "</td></tr>\n";
  }
  h += "</table>\n";

  h += "<h2>Rally points</h2>\n";
  if (!has_plan) {
    h += "<p>No tour plan was given (--plan), so there are no rally points to compare.</p>\n";
  } else {
    h +=
        "<table><tr><th>rally point</th><th>day, leg</th><th>planned arrival</th>"
        "<th>first car</th><th>median</th><th>last car</th><th>arrived</th><th>missing</th></tr>\n";
    for (const RallyArrival& r : f.rallies) {
      auto at = [&](std::optional<int64_t> t) {
        return t ? ClockText(*t, offset_min) + Against(t, r.planned_arrive_ms) : std::string("-");
      };
      std::string missing;
      for (const auto& id : r.missing) missing += (missing.empty() ? "" : ", ") + id;
      h += "<tr><td>" + EscapeXml(r.name) + "</td><td>" + EscapeXml(r.day) + ", " +
           EscapeXml(r.leg) + "</td><td>" +
           (r.planned_arrive_ms
                ? ClockText(*r.planned_arrive_ms, offset_min)
                : std::string(r.planned_depart_ms
                                  ? "departure " + ClockText(*r.planned_depart_ms, offset_min)
                                  : "-")) +
           "</td><td>" + at(r.first_ms) + "</td><td>" + at(r.median_ms) + "</td><td>" +
           at(r.last_ms) + "</td><td>" + std::to_string(r.arrived) + "/" +
           std::to_string(r.expected) + "</td><td>" + EscapeXml(missing) + "</td></tr>\n";
    }
    h += "</table>\n";
  }
  h += "<p class=\"note\">Made by convoy-replay report.</p>\n</body></html>\n";
  return h;
}

std::string ReportJson(const TourFigures& f) {
  using replay::AppendJsonInt;
  using replay::AppendJsonNumber;
  using replay::AppendJsonString;
  std::string j = "{\"tour\":";
  AppendJsonString(j, f.tour_name);
  j += ",\"fixes\":";
  AppendJsonInt(j, static_cast<int64_t>(f.fixes));
  j += ",\"distance_m\":";
  AppendJsonNumber(j, f.distance_m);
  j += ",\"days\":[";
  for (size_t i = 0; i < f.days.size(); ++i) {
    const DayFigures& d = f.days[i];
    if (i > 0) j += ',';
    j += "{\"label\":";
    AppendJsonString(j, d.label);
    j += ",\"measured_car\":";
    AppendJsonString(j, d.measured_car);
    const std::pair<const char*, double> numbers[] = {
        {"from_ms", double(d.from_ms)},   {"to_ms", double(d.to_ms)},
        {"distance_m", d.distance_m},     {"duration_s", d.duration_s},
        {"moving_s", d.moving_s},         {"average_speed_mps", d.average_speed_mps},
        {"max_length_m", d.max_length_m}, {"median_length_m", d.median_length_m}};
    for (const auto& [name, value] : numbers) {
      j += ",\"";
      j += name;
      j += "\":";
      AppendJsonNumber(j, value);
    }
    j += ",\"stops\":[";
    for (size_t s = 0; s < d.stops.size(); ++s) {
      if (s > 0) j += ',';
      j += "{\"from_ms\":";
      AppendJsonInt(j, d.stops[s].from_ms);
      j += ",\"to_ms\":";
      AppendJsonInt(j, d.stops[s].to_ms);
      j += ",\"near\":";
      AppendJsonString(j, d.stops[s].near);
      j += '}';
    }
    j += "],\"length\":[";
    for (size_t s = 0; s < d.length.size(); ++s) {
      if (s > 0) j += ',';
      j += '[';
      AppendJsonInt(j, d.length[s].t_ms);
      j += ',';
      AppendJsonNumber(j, std::round(d.length[s].length_m * 10) / 10);
      j += ',';
      AppendJsonInt(j, d.length[s].cars);
      j += ']';
    }
    j += "]}";
  }
  j += "],\"cars\":[";
  for (size_t i = 0; i < f.cars.size(); ++i) {
    const CarFigures& c = f.cars[i];
    if (i > 0) j += ',';
    j += "{\"id\":";
    AppendJsonString(j, c.id);
    j += ",\"name\":";
    AppendJsonString(j, c.name);
    j += ",\"fixes\":";
    AppendJsonInt(j, static_cast<int64_t>(c.fixes));
    j += ",\"distance_m\":";
    AppendJsonNumber(j, c.distance_m);
    j += ",\"largest_gap_ms\":";
    AppendJsonInt(j, c.largest_gap_ms);
    j += ",\"alerts\":";
    AppendJsonInt(j, static_cast<int64_t>(c.alerts));
    j += '}';
  }
  j += "],\"alerts\":[";
  for (size_t i = 0; i < f.alerts.size(); ++i) {
    if (i > 0) j += ',';
    replay::AppendAlertJson(j, f.alerts[i]);
  }
  j += "],\"rallies\":[";
  for (size_t i = 0; i < f.rallies.size(); ++i) {
    const RallyArrival& r = f.rallies[i];
    if (i > 0) j += ',';
    j += "{\"name\":";
    AppendJsonString(j, r.name);
    auto time = [&](const char* name, std::optional<int64_t> t) {
      j += ",\"";
      j += name;
      j += "\":";
      t ? AppendJsonInt(j, *t) : void(j += "null");
    };
    time("planned_arrive_ms", r.planned_arrive_ms);
    time("first_ms", r.first_ms);
    time("median_ms", r.median_ms);
    time("last_ms", r.last_ms);
    j += ",\"arrived\":";
    AppendJsonInt(j, static_cast<int64_t>(r.arrived));
    j += ",\"expected\":";
    AppendJsonInt(j, static_cast<int64_t>(r.expected));
    j += '}';
  }
  j += "]}\n";
  return j;
}

}  // namespace convoy::hub::report
