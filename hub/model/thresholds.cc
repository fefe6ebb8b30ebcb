#include "hub/model/thresholds.h"

#include <charconv>
#include <cmath>

namespace convoy::hub {
namespace {

std::string Format(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("?");
}

}  // namespace

const std::vector<ThresholdKey>& ThresholdKeys() {
  static const std::vector<ThresholdKey> keys = {
      {"straggler_gap_m", &Thresholds::straggler_gap_m, "m"},
      {"straggler_gap_s", &Thresholds::straggler_gap_s, "s"},
      {"straggler_clear_m", &Thresholds::straggler_clear_m, "m"},
      {"straggler_clear_s", &Thresholds::straggler_clear_s, "s"},
      {"straggler_sustain_s", &Thresholds::straggler_sustain_s, "s"},
      {"split_gap_m", &Thresholds::split_gap_m, "m"},
      {"split_gap_s", &Thresholds::split_gap_s, "s"},
      {"closing_mps", &Thresholds::closing_mps, "m/s"},
      {"recovery_s", &Thresholds::recovery_s, "s"},
      {"min_gap_speed_mps", &Thresholds::min_gap_speed_mps, "m/s"},
      {"off_route_m", &Thresholds::off_route_m, "m"},
      {"off_route_clear_m", &Thresholds::off_route_clear_m, "m"},
      {"off_route_sustain_s", &Thresholds::off_route_sustain_s, "s"},
      {"off_route_clear_s", &Thresholds::off_route_clear_s, "s"},
      {"wrong_way_deg", &Thresholds::wrong_way_deg, "deg"},
      {"wrong_way_min_speed_mps", &Thresholds::wrong_way_min_speed_mps, "m/s"},
      {"stopped_speed_mps", &Thresholds::stopped_speed_mps, "m/s"},
      {"stopped_after_s", &Thresholds::stopped_after_s, "s"},
      {"moving_speed_mps", &Thresholds::moving_speed_mps, "m/s"},
      {"moving_clear_s", &Thresholds::moving_clear_s, "s"},
      {"queue_m", &Thresholds::queue_m, "m"},
      {"dark_after_s", &Thresholds::dark_after_s, "s"},
      {"dead_reckon_max_s", &Thresholds::dead_reckon_max_s, "s"},
      {"behind_sweep_m", &Thresholds::behind_sweep_m, "m"},
      {"behind_sweep_clear_m", &Thresholds::behind_sweep_clear_m, "m"},
      {"behind_sweep_sustain_s", &Thresholds::behind_sweep_sustain_s, "s"},
      {"join_sustain_s", &Thresholds::join_sustain_s, "s"},
  };
  return keys;
}

Result<Thresholds> ApplyThresholds(const std::map<std::string, std::string>& values,
                                   std::string_view where, Thresholds base) {
  const std::string prefix = std::string(where) + " ";
  for (const auto& [key, text] : values) {
    const ThresholdKey* found = nullptr;
    for (const ThresholdKey& k : ThresholdKeys()) {
      if (key == k.name) found = &k;
    }
    if (found == nullptr) return Error{prefix + "unknown key '" + key + "'"};
    double v = 0;
    const char* first = text.data();
    const char* last = text.data() + text.size();
    auto [end, ec] = std::from_chars(first, last, v);
    if (ec != std::errc() || end != last || !std::isfinite(v)) {
      return Error{prefix + key + ": '" + text + "' is not a number"};
    }
    if (v < 0) return Error{prefix + key + ": " + text + " is negative"};
    base.*(found->field) = v;
  }
  struct Pair {
    const char* clear;
    double clear_v;
    const char* raise;
    double raise_v;
  };
  const Pair pairs[] = {
      {"straggler_clear_m", base.straggler_clear_m, "straggler_gap_m", base.straggler_gap_m},
      {"straggler_clear_s", base.straggler_clear_s, "straggler_gap_s", base.straggler_gap_s},
      {"straggler_clear_m", base.straggler_clear_m, "split_gap_m", base.split_gap_m},
      {"straggler_clear_s", base.straggler_clear_s, "split_gap_s", base.split_gap_s},
      {"off_route_clear_m", base.off_route_clear_m, "off_route_m", base.off_route_m},
      {"behind_sweep_clear_m", base.behind_sweep_clear_m, "behind_sweep_m", base.behind_sweep_m},
      {"stopped_speed_mps", base.stopped_speed_mps, "moving_speed_mps", base.moving_speed_mps},
  };
  for (const Pair& p : pairs) {
    if (!(p.clear_v < p.raise_v)) {
      return Error{prefix + p.clear + " (" + Format(p.clear_v) + ") must be below " + p.raise +
                   " (" + Format(p.raise_v) + ")"};
    }
  }
  if (base.wrong_way_deg > 180) {
    return Error{prefix + "wrong_way_deg: " + Format(base.wrong_way_deg) + " is above 180"};
  }
  return base;
}

}  // namespace convoy::hub
