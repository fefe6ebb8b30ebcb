#include "hub/report/tour_figures.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

#include "hub/export/time_text.h"

namespace convoy::hub::report {
namespace {

using replay::ReplayCar;
using replay::ReplayFix;

constexpr int64_t kDayMs = 86400000;
constexpr double kEarthRadiusM = 6371008.8;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

double Distance(const ReplayFix& a, const ReplayFix& b) {
  return SphereDistanceM(a.lat_e7, a.lon_e7, b.lat_e7, b.lon_e7);
}

// [begin, end) of a car's fixes within [from_ms, to_ms).
std::pair<size_t, size_t> Span(const ReplayCar& car, int64_t from_ms, int64_t to_ms) {
  return {car.FirstAtOrAfter(from_ms), car.FirstAtOrAfter(to_ms)};
}

// Distance, stops and moving time of fixes [begin, end) of one car.
void MeasureDay(const ReplayCar& car, size_t begin, size_t end, DayFigures& day) {
  const auto& f = car.fixes;
  if (end <= begin) return;
  day.duration_s = (f[end - 1].time_ms - f[begin].time_ms) / 1000.0;
  double gaps_s = 0;
  for (size_t i = begin + 1; i < end; ++i) {
    const int64_t dt = f[i].time_ms - f[i - 1].time_ms;
    if (dt > kGapMs) {
      gaps_s += dt / 1000.0;
      continue;
    }
    day.distance_m += Distance(f[i - 1], f[i]);
  }
  // A stop: from an anchor fix, every following fix within kStopRadiusM, for kMinStopS or more.
  double stopped_s = 0;
  size_t i = begin;
  while (i < end) {
    size_t j = i + 1;
    while (j < end && Distance(f[i], f[j]) <= kStopRadiusM) ++j;
    const int64_t length_ms = f[j - 1].time_ms - f[i].time_ms;
    if (length_ms >= kMinStopS * 1000) {
      day.stops.push_back(Stop{f[i].time_ms, f[j - 1].time_ms, f[i].lat_e7, f[i].lon_e7, ""});
      stopped_s += length_ms / 1000.0;
      // Gaps inside a stop are already counted as stopped.
      for (size_t k = i + 1; k < j; ++k) {
        const int64_t dt = f[k].time_ms - f[k - 1].time_ms;
        if (dt > kGapMs) gaps_s -= dt / 1000.0;
      }
      i = j;
    } else {
      ++i;
    }
  }
  day.moving_s = std::max(0.0, day.duration_s - stopped_s - gaps_s);
  day.average_speed_mps = day.moving_s > 0 ? day.distance_m / day.moving_s : 0;
}

// Where a car was at t_ms: between two fixes at most kGapMs apart, interpolated (the fixes a car
// backfills after a dead zone are in the index, so this is the common case); else its last fix
// when at most kLengthMaxAgeMs old.
std::optional<ReplayFix> PositionAt(const ReplayCar& car, int64_t t_ms) {
  const auto i = car.LastAtOrBefore(t_ms);
  if (!i) return std::nullopt;
  const ReplayFix& a = car.fixes[*i];
  if (a.time_ms == t_ms) return a;
  if (*i + 1 < car.fixes.size()) {
    const ReplayFix& b = car.fixes[*i + 1];
    if (b.time_ms - a.time_ms <= kGapMs) {
      const double f = double(t_ms - a.time_ms) / double(b.time_ms - a.time_ms);
      ReplayFix p = a;
      p.time_ms = t_ms;
      p.lat_e7 = static_cast<int32_t>(std::lround(a.lat_e7 + f * (b.lat_e7 - a.lat_e7)));
      p.lon_e7 = static_cast<int32_t>(
          std::lround(a.lon_e7 + f * (static_cast<double>(b.lon_e7) - a.lon_e7)));
      return p;
    }
  }
  if (t_ms - a.time_ms <= kLengthMaxAgeMs) return a;
  return std::nullopt;
}

void SampleLength(const std::vector<const ReplayCar*>& cars, DayFigures& day) {
  std::vector<ReplayFix> at;
  for (int64_t t = day.from_ms; t <= day.to_ms; t += kLengthStepMs) {
    at.clear();
    for (const ReplayCar* car : cars) {
      if (auto p = PositionAt(*car, t)) at.push_back(*p);
    }
    LengthSample sample{t, 0, static_cast<int>(at.size())};
    for (size_t a = 0; a < at.size(); ++a) {
      for (size_t b = a + 1; b < at.size(); ++b)
        sample.length_m = std::max(sample.length_m, Distance(at[a], at[b]));
    }
    day.length.push_back(sample);
    day.max_length_m = std::max(day.max_length_m, sample.length_m);
  }
}

const ReplayCar* MeasuredCar(const std::vector<const ReplayCar*>& cars, int64_t from_ms,
                             int64_t to_ms) {
  const ReplayCar* best = nullptr;
  size_t best_count = 0;
  for (const ReplayCar* car : cars) {
    const auto [b, e] = Span(*car, from_ms, to_ms);
    if (e <= b) continue;
    if (car->role == "lead") return car;
    if (e - b > best_count) {
      best = car;
      best_count = e - b;
    }
  }
  return best;
}

}  // namespace

double SphereDistanceM(int32_t lat1_e7, int32_t lon1_e7, int32_t lat2_e7, int32_t lon2_e7) {
  constexpr double kRad = M_PI / 180 * 1e-7;
  const double lat1 = lat1_e7 * kRad, lat2 = lat2_e7 * kRad;
  const double dlat = lat2 - lat1, dlon = (static_cast<int64_t>(lon2_e7) - lon1_e7) * kRad;
  const double s = std::sin(dlat / 2), t = std::sin(dlon / 2);
  const double h = s * s + std::cos(lat1) * std::cos(lat2) * t * t;
  return 2 * kEarthRadiusM * std::asin(std::min(1.0, std::sqrt(h)));
}

TourFigures ComputeTourFigures(const replay::ReplayIndex& index, const maps::LoadedTour* tour,
                               const FiguresProgressFn& progress) {
  TourFigures figures;
  if (tour != nullptr) figures.tour_name = tour->plan.name;
  std::vector<const ReplayCar*> cars;
  for (const auto& car : index.cars()) cars.push_back(car.get());

  // Days with fixes.
  std::map<int64_t, std::pair<int64_t, int64_t>> day_spans;
  for (const ReplayCar* car : cars) {
    size_t pos = 0;
    while (pos < car->fixes.size()) {
      const int64_t day = FloorDiv(car->fixes[pos].time_ms, kDayMs);
      const size_t end = car->FirstAtOrAfter((day + 1) * kDayMs);
      auto [it, fresh] =
          day_spans.emplace(day, std::pair{car->fixes[pos].time_ms, car->fixes[end - 1].time_ms});
      it->second.first = std::min(it->second.first, car->fixes[pos].time_ms);
      it->second.second = std::max(it->second.second, car->fixes[end - 1].time_ms);
      pos = end;
    }
  }
  // Alerts, by raised time; counted per car.
  for (const auto& alert : index.alerts()) figures.alerts.push_back(alert.state);
  std::stable_sort(figures.alerts.begin(), figures.alerts.end(),
                   [](const auto& a, const auto& b) { return a.raised_ms() < b.raised_ms(); });
  std::map<std::string, uint64_t> alerts_per_car;
  for (const auto& alert : figures.alerts) {
    if (alert.car_ids_size() > 0) ++alerts_per_car[alert.car_ids(0)];
  }

  const uint64_t steps = cars.size() + day_spans.size();
  uint64_t done = 0;
  for (const ReplayCar* car : cars) {
    CarFigures c{car->id, car->name, car->role, car->fixes.size(), 0, 0, 0, 0};
    for (size_t i = 1; i < car->fixes.size(); ++i) {
      const ReplayFix& a = car->fixes[i - 1];
      const ReplayFix& b = car->fixes[i];
      const int64_t dt = b.time_ms - a.time_ms;
      if (dt <= kGapMs) c.distance_m += Distance(a, b);
      if (FloorDiv(a.time_ms, kDayMs) == FloorDiv(b.time_ms, kDayMs) && dt > c.largest_gap_ms) {
        c.largest_gap_ms = dt;
        c.largest_gap_at_ms = a.time_ms;
      }
    }
    c.alerts = alerts_per_car[car->id];
    figures.fixes += c.fixes;
    figures.cars.push_back(std::move(c));
    if (progress) progress(++done, steps);
  }

  int number = 0;
  for (const auto& [day_number, span] : day_spans) {
    DayFigures day;
    day.label = "Day " + std::to_string(++number) + " (" + IsoDay(day_number) + ")";
    day.from_ms = span.first;
    day.to_ms = span.second;
    if (const ReplayCar* measured = MeasuredCar(cars, day.from_ms, day.to_ms + 1)) {
      day.measured_car = measured->id;
      const auto [b, e] = Span(*measured, day.from_ms, day.to_ms + 1);
      MeasureDay(*measured, b, e, day);
    }
    SampleLength(cars, day);
    // The median length while the convoy drives: samples outside the measured car's stops.
    std::vector<double> driving;
    for (const LengthSample& s : day.length) {
      bool stopped = false;
      for (const Stop& stop : day.stops)
        stopped = stopped || (s.t_ms >= stop.from_ms && s.t_ms <= stop.to_ms);
      if (s.cars >= 2 && !stopped) driving.push_back(s.length_m);
    }
    if (!driving.empty()) {
      std::nth_element(driving.begin(), driving.begin() + driving.size() / 2, driving.end());
      day.median_length_m = driving[driving.size() / 2];
    }
    figures.distance_m += day.distance_m;
    figures.days.push_back(std::move(day));
    if (progress) progress(++done, steps);
  }

  if (tour == nullptr) return figures;
  // Arrivals: a car arrives at a rally point with its first fix inside the radius after it was
  // outside, not before its arrival at the previous rally point of that day (so that a place
  // passed at the start of a loop and planned as its end counts at the end).
  std::map<std::string, int64_t> not_before;  // per car, within the current day
  size_t current_day = SIZE_MAX;
  for (const maps::LoadedLeg& leg : tour->legs) {
    const maps::PlannedDay& plan_day = tour->plan.days[leg.day];
    int64_t day_from_ms = INT64_MIN / 2, day_to_ms = INT64_MAX / 2;
    int y = 0, m = 0, d = 0;
    if (std::sscanf(plan_day.date.c_str(), "%d-%d-%d", &y, &m, &d) == 3) {
      day_from_ms = maps::DaysFromCivil(y, m, d) * kDayMs - plan_day.utc_offset_min * 60000LL;
      day_to_ms = day_from_ms + kDayMs;
    }
    if (leg.day != current_day) {
      current_day = leg.day;
      not_before.clear();
    }
    for (const maps::RallyPoint& rally : leg.rally_points) {
      RallyArrival arrival;
      arrival.day = plan_day.name;
      arrival.leg = leg.name;
      arrival.name = rally.name;
      arrival.lat_e7 = rally.position.lat_e7();
      arrival.lon_e7 = rally.position.lon_e7();
      arrival.planned_arrive_ms = rally.arrive_utc_ms;
      arrival.planned_depart_ms = rally.depart_utc_ms;
      std::vector<int64_t> times;
      for (const ReplayCar* car : cars) {
        const auto [b, e] = Span(*car, day_from_ms, day_to_ms);
        if (e <= b) continue;
        ++arrival.expected;
        auto nb = not_before.find(car->id);
        size_t i = nb == not_before.end() ? b : std::max(b, car->FirstAtOrAfter(nb->second));
        bool was_outside = i == b;  // the day's first fix counts as coming from outside
        std::optional<int64_t> at;
        for (; i < e; ++i) {
          const ReplayFix& f = car->fixes[i];
          const bool inside =
              SphereDistanceM(f.lat_e7, f.lon_e7, arrival.lat_e7, arrival.lon_e7) <= rally.radius_m;
          if (inside && was_outside) {
            at = f.time_ms;
            break;
          }
          if (!inside) was_outside = true;
        }
        if (at) {
          times.push_back(*at);
          not_before[car->id] = *at;
        } else {
          arrival.missing.push_back(car->id);
        }
      }
      arrival.arrived = times.size();
      if (!times.empty()) {
        std::sort(times.begin(), times.end());
        arrival.first_ms = times.front();
        arrival.median_ms = times[times.size() / 2];
        arrival.last_ms = times.back();
      }
      figures.rallies.push_back(std::move(arrival));
    }
  }
  // Name the stops near a rally point.
  for (DayFigures& day : figures.days) {
    for (Stop& stop : day.stops) {
      double best = 1000;
      for (const RallyArrival& rally : figures.rallies) {
        const double d = SphereDistanceM(stop.lat_e7, stop.lon_e7, rally.lat_e7, rally.lon_e7);
        if (d < best) {
          best = d;
          stop.near = rally.name;
        }
      }
    }
  }
  return figures;
}

}  // namespace convoy::hub::report
