// The report's pictures as standalone SVG documents, drawn from the recording alone (no map
// tiles, so they work offline): the tour map, and per day the convoy's length and the alerts.
// Plain functions over their inputs; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "hub/replay/replay_index.h"
#include "hub/report/tour_figures.h"
#include "maps/tour_plan.h"

namespace convoy::hub::report {

// Text made safe inside XML/HTML elements and double-quoted attributes (<, >, &, ").
std::string EscapeXml(std::string_view text);
// "HH:MM" of UTC ms t_ms at the tour's local time (UTC + utc_offset_min).
std::string ClockText(int64_t t_ms, int utc_offset_min);

// The part of a car's fixes the map draws: [first, second) after the privacy cut of radius_m
// around its first and last fix (hub/export/tracks.h's PrivacyCut). radius_m <= 0: all.
std::pair<size_t, size_t> MapKeptRange(const replay::ReplayCar& car, double radius_m);

// A colour per car, by its place in the roster ("hsl(137,65%,38%)").
std::string CarColour(size_t index);

// The whole tour: every car's track (after the privacy cut of privacy_radius_m around its first
// and last fix, as the exports do; 0: no cut), the plan's routes in grey and its rally points,
// a scale bar. An equirectangular projection at the tour's mean latitude (a tour spans a few
// hundred km, where that is within a percent or so). Tracks are thinned to one point per pixel.
std::string MapSvg(const replay::ReplayIndex& index, const maps::LoadedTour* tour,
                   double privacy_radius_m);

// The convoy's length (metres, crow flies) against time of day, at utc_offset_min.
std::string LengthChartSvg(const DayFigures& day, int utc_offset_min);

// The day's alerts on a time axis: a row per kind, a bar from raised to cleared (to the day's
// end while open).
std::string AlertTimelineSvg(const DayFigures& day, const std::vector<v1::JournalAlert>& alerts,
                             int utc_offset_min);

}  // namespace convoy::hub::report
