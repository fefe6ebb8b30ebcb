#include "tracker/nmea/assembler.h"

#include <algorithm>
#include <cmath>

namespace convoy::tracker::nmea {
namespace {

constexpr int64_t kDayMs = 86'400'000;
constexpr int32_t kHalfDayMs = 43'200'000;

int64_t RoundToInt(double v, int64_t lo, int64_t hi) {
  if (!std::isfinite(v)) return 0;
  const double r = std::round(v);
  if (r < static_cast<double>(lo)) return lo;
  if (r > static_cast<double>(hi)) return hi;
  return static_cast<int64_t>(r);
}

}  // namespace

proto::Fix ToProtoFix(const NmeaFix& fix) {
  proto::Fix out;
  out.time_ms = fix.time_ms;
  if (fix.has_position) {
    out.lat_e7 = static_cast<int32_t>(RoundToInt(fix.lat_deg * 1e7, -900'000'000, 900'000'000));
    out.lon_e7 = static_cast<int32_t>(RoundToInt(fix.lon_deg * 1e7, -1'800'000'000, 1'800'000'000));
  }
  if (fix.altitude_m) {
    out.altitude_dm = static_cast<int32_t>(RoundToInt(*fix.altitude_m * 10, INT32_MIN, INT32_MAX));
  }
  if (fix.speed_mps) {
    out.speed_cmps = static_cast<uint32_t>(RoundToInt(*fix.speed_mps * 100, 0, UINT32_MAX));
  }
  if (fix.course_deg) {
    int64_t cdeg = RoundToInt(*fix.course_deg * 100, -1'000'000'000, 1'000'000'000) % 36000;
    if (cdeg < 0) cdeg += 36000;
    out.course_cdeg = static_cast<uint32_t>(cdeg);
  }
  if (fix.hdop) out.hdop_c = static_cast<uint32_t>(RoundToInt(*fix.hdop * 100, 0, UINT32_MAX));
  if (fix.satellites) out.satellites = static_cast<uint32_t>(std::max(0, *fix.satellites));
  out.quality = fix.is_fix() ? fix.quality : proto::FixQuality::kNone;
  return out;
}

int FixAssembler::Cycle::CountOf(uint32_t key) const {
  for (int i = 0; i < keys; ++i) {
    if (key_counts[i].first == key) return key_counts[i].second;
  }
  return 0;
}

void FixAssembler::Add(const Report& report, uint32_t key, std::vector<NmeaFix>* out) {
  if (report.time_of_day_ms) {
    const int32_t tod = *report.time_of_day_ms;
    if (last_emitted_time_of_day_ms_ == tod) {
      // The cycle with this time was already emitted: a late or repeated sentence (some
      // receivers repeat a stale GGA when they lose lock). If we emitted early on a learned
      // ender, the ender was wrong: learn again.
      ++stats_.late_sentences;
      ender_ = 0;
      previous_ender_ = 0;
      return;
    }
    if (cycle_.open && cycle_.time_of_day_ms && *cycle_.time_of_day_ms != tod) {
      Close(/*learn_ender=*/true, out);
    }
  }
  Merge(report, key);
  if (ender_ != 0 && key == ender_ && cycle_.time_of_day_ms) Close(/*learn_ender=*/false, out);
}

void FixAssembler::Flush(std::vector<NmeaFix>* out) {
  if (cycle_.open) Close(/*learn_ender=*/false, out);
}

void FixAssembler::Merge(const Report& r, uint32_t key) {
  Cycle& c = cycle_;
  c.open = true;
  if (r.time_of_day_ms && !c.time_of_day_ms) c.time_of_day_ms = r.time_of_day_ms;
  if (r.date) {
    c.date = r.date;
    c.date_time_of_day_ms = *r.time_of_day_ms;
    last_date_ = r.date;
    last_date_time_of_day_ms_ = *r.time_of_day_ms;
  }
  switch (r.type) {
    case SentenceType::kRmc:
    case SentenceType::kGga:
    case SentenceType::kGns:
    case SentenceType::kGll:
      c.any_position_sentence = true;
      break;
    case SentenceType::kGsa:
      c.any_gsa = true;
      c.gsa_satellites += r.gsa_satellites.value_or(0);
      break;
    default:
      break;
  }
  if (r.has_position) {
    c.has_position = true;
    c.lat_deg = r.lat_deg;
    c.lon_deg = r.lon_deg;
  }
  if (r.altitude_m) c.altitude_m = r.altitude_m;
  if (r.speed_mps) c.speed_mps = r.speed_mps;
  if (r.course_deg) c.course_deg = r.course_deg;
  if (r.hdop) c.hdop = r.hdop;
  if (r.satellites) c.satellites = r.satellites;
  if (r.status != FixStatus::kUnstated) {
    c.status = r.status;
    // A plain "valid" (RMC without a mode, GSA) does not undo a kind an earlier sentence of
    // the cycle gave (GGA's DGPS or RTK).
    const bool generic =
        r.quality == proto::FixQuality::kUnknown || r.quality == proto::FixQuality::k2D;
    const bool have_kind =
        c.quality != proto::FixQuality::kUnknown && c.quality != proto::FixQuality::k2D;
    if (r.status == FixStatus::kFix && !(generic && have_kind)) c.quality = r.quality;
  }
  if (r.dimension != 0) c.dimension = r.dimension;

  c.last_key = key;
  for (int i = 0; i < c.keys; ++i) {
    if (c.key_counts[i].first == key) {
      ++c.key_counts[i].second;
      return;
    }
  }
  if (c.keys < static_cast<int>(c.key_counts.size())) c.key_counts[c.keys++] = {key, 1};
}

std::optional<int64_t> FixAssembler::ResolveTime(const Cycle& c) {
  std::optional<CivilDate> date = c.date;
  int32_t reference_tod = c.date_time_of_day_ms;
  if (!date) {
    date = last_date_;
    reference_tod = last_date_time_of_day_ms_;
  }
  if (!date) return std::nullopt;
  int64_t days = DaysFromCivil(*date);
  const int32_t tod = *c.time_of_day_ms;
  // The date came with another time of day: if the two are more than half a day apart, the
  // clock wrapped past midnight between them.
  if (tod < reference_tod - kHalfDayMs) {
    ++days;
  } else if (tod > reference_tod + kHalfDayMs) {
    --days;
  }
  int64_t time_ms = days * kDayMs + tod;
  if (options_.rollover_floor_utc_ms > 0 && time_ms < options_.rollover_floor_utc_ms) {
    while (time_ms < options_.rollover_floor_utc_ms) time_ms += kGpsWeekRolloverMs;
    ++stats_.rollovers;
  }
  return time_ms;
}

void FixAssembler::Close(bool learn_ender, std::vector<NmeaFix>* out) {
  const Cycle c = cycle_;
  cycle_ = Cycle{};
  if (learn_ender) {
    // The last sentence of a cycle that ended on a time change is a candidate ender; two
    // cycles in a row ending on the same one, once each, confirm it.
    const uint32_t candidate = c.CountOf(c.last_key) == 1 ? c.last_key : 0;
    ender_ = candidate != 0 && candidate == previous_ender_ ? candidate : 0;
    previous_ender_ = candidate;
  }
  if (!c.time_of_day_ms || !c.any_position_sentence) return;  // time only, or nothing dated
  const std::optional<int64_t> time_ms = ResolveTime(c);
  if (!time_ms) {
    ++stats_.undated_cycles;
    return;
  }
  last_emitted_time_of_day_ms_ = c.time_of_day_ms;

  NmeaFix fix;
  fix.time_ms = *time_ms;
  fix.has_position = c.has_position;
  fix.lat_deg = c.lat_deg;
  fix.lon_deg = c.lon_deg;
  fix.altitude_m = c.altitude_m;
  fix.speed_mps = c.speed_mps;
  fix.course_deg = c.course_deg;
  fix.hdop = c.hdop;
  fix.satellites = c.satellites;
  if (!fix.satellites && c.any_gsa) fix.satellites = c.gsa_satellites;
  const bool is_fix = c.has_position && c.status != FixStatus::kNoFix;
  if (!is_fix) {
    fix.quality = proto::FixQuality::kNone;
    last_dimension_ = 0;
  } else {
    // RMC and GLL say "a fix" without its dimension: keep the last one known, as gpsd does.
    const int dimension = c.dimension != 0 ? c.dimension : last_dimension_;
    last_dimension_ = dimension;
    fix.quality = c.quality;
    if (fix.quality == proto::FixQuality::kUnknown || fix.quality == proto::FixQuality::k2D) {
      fix.quality = dimension == 3 ? proto::FixQuality::k3D : proto::FixQuality::k2D;
    }
  }
  ++stats_.fixes;
  out->push_back(fix);
}

}  // namespace convoy::tracker::nmea
