#include "hub/report/drawings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>

#include "hub/export/tracks.h"

namespace convoy::hub::report {

std::string EscapeXml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

using replay::ReplayCar;
using replay::ReplayFix;

std::string Num(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", v);
  return text;
}

}  // namespace

std::pair<size_t, size_t> MapKeptRange(const ReplayCar& car, double radius_m) {
  if (radius_m <= 0) return {0, car.fixes.size()};
  std::vector<RecordedFix> fixes(car.fixes.size());
  for (size_t i = 0; i < car.fixes.size(); ++i) {
    fixes[i].fix.time_ms = car.fixes[i].time_ms;
    fixes[i].fix.lat_e7 = car.fixes[i].lat_e7;
    fixes[i].fix.lon_e7 = car.fixes[i].lon_e7;
  }
  const KeptRange kept = PrivacyCut(fixes, radius_m);
  return {kept.begin, kept.end};
}

std::string ClockText(int64_t t_ms, int utc_offset_min) {
  const int64_t local_s = t_ms / 1000 + utc_offset_min * 60;
  const int64_t of_day = ((local_s % 86400) + 86400) % 86400;
  char text[16];
  std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(of_day / 3600),
                static_cast<int>(of_day / 60 % 60));
  return text;
}

namespace {

struct Projection {
  double min_x = 1e9, max_x = -1e9, min_y = 1e9, max_y = -1e9;
  double cos_lat = 1;
  double scale = 1;  // pixels per projected degree
  double width = 1000, height = 700, pad = 30;
  void Add(double lat, double lon) {
    min_x = std::min(min_x, lon * cos_lat);
    max_x = std::max(max_x, lon * cos_lat);
    min_y = std::min(min_y, lat);
    max_y = std::max(max_y, lat);
  }
  void Fit() {
    if (max_x < min_x) min_x = max_x = min_y = max_y = 0;
    const double span_x = std::max(max_x - min_x, 1e-6), span_y = std::max(max_y - min_y, 1e-6);
    scale = (width - 2 * pad) / span_x;
    height = std::clamp(span_y * scale + 2 * pad, 300.0, 1000.0);
    scale = std::min(scale, (height - 2 * pad) / span_y);
    // Centred: a tour that is wide and flat (or tall and narrow) sits in the middle.
    off_x = (width - 2 * pad - span_x * scale) / 2;
    off_y = (height - 2 * pad - span_y * scale) / 2;
  }
  double off_x = 0, off_y = 0;
  double X(double lon) const { return pad + off_x + (lon * cos_lat - min_x) * scale; }
  double Y(double lat) const { return height - pad - off_y - (lat - min_y) * scale; }
};

}  // namespace

std::string CarColour(size_t index) {
  return "hsl(" + std::to_string(static_cast<int>(index * 137.508) % 360) + ",65%,38%)";
}

std::string MapSvg(const replay::ReplayIndex& index, const maps::LoadedTour* tour,
                   double privacy_radius_m) {
  const auto& cars = index.cars();
  std::vector<std::pair<size_t, size_t>> kept;
  double lat_sum = 0;
  size_t lat_count = 0;
  for (const auto& car : cars) {
    kept.push_back(MapKeptRange(*car, privacy_radius_m));
    for (size_t i = kept.back().first; i < kept.back().second; i += 50) {
      lat_sum += car->fixes[i].lat_e7 * 1e-7;
      ++lat_count;
    }
  }
  Projection p;
  p.cos_lat = std::cos((lat_count ? lat_sum / lat_count : 0) * M_PI / 180);
  for (size_t c = 0; c < cars.size(); ++c) {
    for (size_t i = kept[c].first; i < kept[c].second; ++i)
      p.Add(cars[c]->fixes[i].lat_e7 * 1e-7, cars[c]->fixes[i].lon_e7 * 1e-7);
  }
  if (tour != nullptr) {
    for (const auto& leg : tour->legs)
      for (const auto& rally : leg.rally_points)
        p.Add(rally.position.lat_deg(), rally.position.lon_deg());
  }
  p.Fit();

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(p.width) +
                    " " + Num(p.height) + "\" width=\"" + Num(p.width) + "\" height=\"" +
                    Num(p.height) + "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"#f4f1ea\"/>\n";
  if (tour != nullptr) {
    for (const auto& leg : tour->legs) {
      std::string d;
      double last_x = -1e9, last_y = -1e9;
      const double length = leg.route.length_m();
      for (double along = 0;; along = std::min(length, along + 100)) {
        const maps::LatLon pt = leg.route.PointAt(along);
        const double x = p.X(pt.lon_deg()), y = p.Y(pt.lat_deg());
        if (std::fabs(x - last_x) + std::fabs(y - last_y) >= 1 || along >= length) {
          d += (d.empty() ? "M" : "L") + Num(x) + " " + Num(y);
          last_x = x;
          last_y = y;
        }
        if (along >= length) break;
      }
      svg += "<path d=\"" + d +
             "\" fill=\"none\" stroke=\"#bbb\" stroke-width=\"7\" "
             "stroke-linejoin=\"round\"/>\n";
    }
  }
  // Tracks: the sweep and the lead last, so that they are on top.
  std::vector<size_t> order(cars.size());
  for (size_t c = 0; c < cars.size(); ++c) order[c] = c;
  std::stable_partition(order.begin(), order.end(), [&](size_t c) {
    return cars[c]->role != "lead" && cars[c]->role != "sweep";
  });
  for (size_t c : order) {
    const ReplayCar& car = *cars[c];
    std::string d;
    double last_x = -1e9, last_y = -1e9;
    int64_t last_ms = 0;
    for (size_t i = kept[c].first; i < kept[c].second; ++i) {
      const ReplayFix& f = car.fixes[i];
      const double x = p.X(f.lon_e7 * 1e-7), y = p.Y(f.lat_e7 * 1e-7);
      const bool gap = i == kept[c].first || f.time_ms - last_ms > kSegmentGapMs;
      if (gap || std::fabs(x - last_x) + std::fabs(y - last_y) >= 1.0 || i + 1 == kept[c].second) {
        d += (gap ? "M" : "L") + Num(x) + " " + Num(y);
        last_x = x;
        last_y = y;
      }
      last_ms = f.time_ms;
    }
    const bool special = car.role == "lead" || car.role == "sweep";
    svg += "<path d=\"" + d + "\" fill=\"none\" stroke=\"" + CarColour(c) + "\" stroke-width=\"" +
           (special ? "2.5" : "1.2") + "\" stroke-opacity=\"0.8\"><title>" + EscapeXml(car.name) +
           "</title></path>\n";
  }
  if (tour != nullptr) {
    std::vector<std::pair<double, double>> labelled;
    for (const auto& leg : tour->legs) {
      for (const auto& rally : leg.rally_points) {
        const double x = p.X(rally.position.lon_deg()), y = p.Y(rally.position.lat_deg());
        bool seen = false;
        for (const auto& [lx, ly] : labelled) seen = seen || std::hypot(lx - x, ly - y) < 4;
        if (seen) continue;  // a place visited on several legs is labelled once
        labelled.emplace_back(x, y);
        svg += "<circle cx=\"" + Num(x) + "\" cy=\"" + Num(y) +
               "\" r=\"6\" fill=\"#fff\" stroke=\"#c0392b\" stroke-width=\"3\"/>\n";
        svg += "<text x=\"" + Num(x + 9) + "\" y=\"" + Num(y + 4) +
               "\" fill=\"#222\" stroke=\"#f4f1ea\" stroke-width=\"3\" paint-order=\"stroke\">" +
               EscapeXml(rally.name) + "</text>\n";
      }
    }
  }
  // Scale bar: a round number of km about a fifth of the width.
  const double metres_per_px = 111320.0 / p.scale;
  double bar_m = 1;
  for (double candidate : {1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5}) {
    if (candidate / metres_per_px <= p.width / 5) bar_m = candidate;
  }
  if (bar_m < 1e3) bar_m = 100;
  const double bar_px = bar_m / metres_per_px;
  svg += "<g transform=\"translate(" + Num(p.pad) + "," + Num(p.height - 12) +
         ")\">"
         "<rect width=\"" +
         Num(bar_px) + "\" height=\"4\" fill=\"#222\"/><text y=\"-4\">" +
         (bar_m >= 1000 ? std::to_string(static_cast<int>(bar_m / 1000)) + " km"
                        : std::to_string(static_cast<int>(bar_m)) + " m") +
         "</text></g>\n";
  svg += "</svg>\n";
  return svg;
}

namespace {

struct TimeAxis {
  int64_t from_ms, to_ms;
  double left = 60, right = 980;
  double X(int64_t t) const {
    return left + (right - left) * (to_ms > from_ms ? double(t - from_ms) / (to_ms - from_ms) : 0);
  }
  // Hour ticks with labels at local time.
  std::string Ticks(double y_top, double y_bottom, int utc_offset_min) const {
    std::string out;
    const int64_t hour = 3600000, offset = utc_offset_min * 60000LL;
    int64_t step = hour;
    while ((to_ms - from_ms) / step > 14) step *= 2;
    for (int64_t t = ((from_ms + offset) / step + 1) * step - offset; t < to_ms; t += step) {
      const double x = X(t);
      out += "<line x1=\"" + Num(x) + "\" x2=\"" + Num(x) + "\" y1=\"" + Num(y_top) + "\" y2=\"" +
             Num(y_bottom) + "\" stroke=\"#ddd\"/><text x=\"" + Num(x) + "\" y=\"" +
             Num(y_bottom + 14) + "\" text-anchor=\"middle\">" + ClockText(t, utc_offset_min) +
             "</text>\n";
    }
    return out;
  }
};

std::string SvgHeader(double width, double height) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + Num(width) + " " +
         Num(height) + "\" width=\"" + Num(width) + "\" height=\"" + Num(height) +
         "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" "
         "fill=\"#fff\"/>\n";
}

}  // namespace

std::string LengthChartSvg(const DayFigures& day, int utc_offset_min) {
  const double height = 260, top = 20, bottom = 220;
  TimeAxis axis{day.from_ms, day.to_ms};
  double max_m = 100;
  for (const LengthSample& s : day.length) max_m = std::max(max_m, s.length_m);
  // A round top for the y axis.
  double top_m = 100;
  for (double m : {200.0, 500.0, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6})
    if (top_m < max_m) top_m = m;
  auto y = [&](double m) { return bottom - (bottom - top) * std::min(m, top_m) / top_m; };
  std::string svg = SvgHeader(1000, height);
  svg += axis.Ticks(top, bottom, utc_offset_min);
  for (int i = 0; i <= 4; ++i) {
    const double m = top_m * i / 4;
    svg += "<line x1=\"60\" x2=\"980\" y1=\"" + Num(y(m)) + "\" y2=\"" + Num(y(m)) +
           "\" stroke=\"#eee\"/><text x=\"55\" y=\"" + Num(y(m) + 4) + "\" text-anchor=\"end\">" +
           (top_m >= 2000 ? Num(m / 1000) + " km" : std::to_string(static_cast<int>(m)) + " m") +
           "</text>\n";
  }
  std::string d;
  bool pen_down = false;
  for (const LengthSample& s : day.length) {
    if (s.cars < 2) {
      pen_down = false;
      continue;
    }
    d += (pen_down ? "L" : "M") + Num(axis.X(s.t_ms)) + " " + Num(y(s.length_m));
    pen_down = true;
  }
  svg += "<path d=\"" + d + "\" fill=\"none\" stroke=\"#2c6fbb\" stroke-width=\"1.5\"/>\n";
  svg +=
      "<text x=\"60\" y=\"14\" font-size=\"13\">Convoy length (first to last car, crow "
      "flies), " +
      day.label + "</text>\n</svg>\n";
  return svg;
}

std::string AlertTimelineSvg(const DayFigures& day, const std::vector<v1::JournalAlert>& alerts,
                             int utc_offset_min) {
  static const char* const kKinds[] = {"STRAGGLER", "SPLIT",        "OFF_ROUTE", "STOPPED",
                                       "DARK",      "BEHIND_SWEEP", "SOS"};
  static const char* const kColours[] = {"#e67e22", "#c0392b", "#8e44ad", "#7f8c8d",
                                         "#34495e", "#16a085", "#e74c3c"};
  const double row = 22, top = 24, height = top + 7 * row + 30;
  TimeAxis axis{day.from_ms, day.to_ms};
  axis.left = 110;
  std::string svg = SvgHeader(1000, height);
  svg += axis.Ticks(top, top + 7 * row, utc_offset_min);
  for (int k = 0; k < 7; ++k) {
    svg += "<text x=\"104\" y=\"" + Num(top + k * row + 15) + "\" text-anchor=\"end\">" +
           kKinds[k] + "</text>\n";
  }
  for (const v1::JournalAlert& alert : alerts) {
    const int64_t end = alert.cleared_ms() ? alert.cleared_ms() : day.to_ms;
    if (alert.raised_ms() > day.to_ms || end < day.from_ms) continue;
    int k = 0;
    while (k < 6 && alert.kind() != kKinds[k]) ++k;
    const double x1 = axis.X(std::max(alert.raised_ms(), day.from_ms));
    const double x2 = std::max(x1 + 3, axis.X(std::min(end, day.to_ms)));
    std::string cars;
    for (const auto& id : alert.car_ids()) cars += (cars.empty() ? "" : ", ") + id;
    svg += "<rect x=\"" + Num(x1) + "\" y=\"" + Num(top + k * row + 4) + "\" width=\"" +
           Num(x2 - x1) + "\" height=\"14\" fill=\"" + kColours[k] +
           "\" fill-opacity=\"0.75\"><title>" +
           EscapeXml(alert.kind() + " " + cars + " at " +
                     ClockText(alert.raised_ms(), utc_offset_min)) +
           "</title></rect>\n";
  }
  svg += "<text x=\"110\" y=\"16\" font-size=\"13\">Alerts, " + day.label + "</text>\n</svg>\n";
  return svg;
}

}  // namespace convoy::hub::report
