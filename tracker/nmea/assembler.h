// Merges the sentences of one reporting cycle into one fix, as gpsd merges them into a TPV.
//
// A receiver reports each epoch as several sentences (RMC, GGA, GSA, VTG, ...) that share the
// epoch's time of day; sentences without a time (VTG, GSA) belong to the cycle they arrive in.
// A cycle ends when a sentence with another time arrives, or, once the assembler has seen two
// cycles end with the same sentence (its "cycle ender", e.g. VTG after RMC), as soon as that
// sentence arrives, so a fix is not held back a whole second.
//
// Dates: GGA, GNS and GLL carry only a time of day; the date comes from the latest RMC or ZDA,
// moved a day forward or back when the time wraps past midnight. A cycle with no date known
// yet cannot be placed in time: it is counted (undated_cycles) and dropped, as gpsd reports no
// time for it. Week rollover: receivers with the GPS week-number bug report dates 1024 weeks
// (19.6 years) in the past; a date before options.rollover_floor_utc_ms is moved forward by 1024
// weeks until it is not.
//
// Within a cycle the last sentence to state a value wins (as in gpsd): position, speed,
// course, altitude, hdop, satellites, and whether there is a fix at all; only the kind of fix
// (DGPS, RTK) is not undone by a later sentence that just says "valid".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/fix.h"
#include "tracker/nmea/decoders.h"

namespace convoy::tracker::nmea {

// One reporting cycle at full precision (the golden test compares these with gpsd's TPVs).
struct NmeaFix {
  int64_t time_ms = 0;  // UTC ms since 1970-01-01
  bool has_position = false;
  double lat_deg = 0;
  double lon_deg = 0;
  std::optional<double> altitude_m;
  std::optional<double> speed_mps;
  std::optional<double> course_deg;
  std::optional<double> hdop;
  std::optional<int> satellites;
  // kNone when the cycle says there is no fix (the position, if any, is not to be trusted).
  proto::FixQuality quality = proto::FixQuality::kNone;
  bool is_fix() const { return quality != proto::FixQuality::kNone && has_position; }
};

// Rounds to proto::Fix's integer units (nearest, ties away from zero): lat/lon to 1e-7 deg,
// altitude to dm, speed to cm/s, course to 0.01 deg in [0, 36000), hdop x100. Out-of-range
// values are clamped to the field's range; the quality gate judges them, not this.
proto::Fix ToProtoFix(const NmeaFix& fix);

// Identifies a sentence by talker and type ("GN" + VTG) for cycle-ender learning. Never 0.
inline uint32_t SentenceKey(std::string_view talker, SentenceType type) {
  const uint32_t t0 = talker.size() > 0 ? static_cast<uint8_t>(talker[0]) : 0;
  const uint32_t t1 = talker.size() > 1 ? static_cast<uint8_t>(talker[1]) : 0;
  return (t0 << 24) | (t1 << 16) | (static_cast<uint32_t>(type) + 1);
}

struct AssemblerOptions {
  // Dates before this are a receiver's GPS week rollover (see above). 0 = never adjust, for
  // logs replayed as recorded. Live receivers use kDefaultRolloverFloorUtcMs.
  int64_t rollover_floor_utc_ms = 0;
};
// 2024-01-01T00:00:00Z: later than any real date a rolled-over receiver can report until 2043.
inline constexpr int64_t kDefaultRolloverFloorUtcMs = 1'704'067'200'000;
inline constexpr int64_t kGpsWeekRolloverMs = 1024LL * 7 * 86'400'000;

struct AssemblerStats {
  uint64_t fixes = 0;           // cycles emitted (with or without a fix)
  uint64_t undated_cycles = 0;  // dropped: no RMC or ZDA date seen yet
  uint64_t late_sentences = 0;  // a sentence for a cycle already emitted: dropped
  uint64_t rollovers = 0;       // fixes moved forward by 1024 weeks
};

// Not thread-safe. Cost per Add: O(1), no allocation.
class FixAssembler {
 public:
  explicit FixAssembler(AssemblerOptions options = {}) : options_(options) {}

  // Adds one decoded sentence. key identifies the sentence for cycle-ender learning (e.g. its
  // SentenceKey). Appends to *out the fixes this sentence completed:
  // none, one, or two (the previous cycle ended and this sentence is itself the ender).
  void Add(const Report& report, uint32_t key, std::vector<NmeaFix>* out);

  // End of input, or the receiver went quiet: emits the open cycle if it can be placed in time.
  void Flush(std::vector<NmeaFix>* out);

  const AssemblerStats& stats() const { return stats_; }

 private:
  struct Cycle {
    bool open = false;
    std::optional<int32_t> time_of_day_ms;
    std::optional<CivilDate> date;
    int32_t date_time_of_day_ms = 0;
    bool any_position_sentence = false;
    bool has_position = false;
    double lat_deg = 0;
    double lon_deg = 0;
    std::optional<double> altitude_m;
    std::optional<double> speed_mps;
    std::optional<double> course_deg;
    std::optional<double> hdop;
    std::optional<int> satellites;
    int gsa_satellites = 0;
    bool any_gsa = false;
    FixStatus status = FixStatus::kUnstated;
    proto::FixQuality quality = proto::FixQuality::kUnknown;
    int dimension = 0;
    uint32_t last_key = 0;
    // How often each sentence occurred in this cycle: an ender must occur once per cycle.
    std::array<std::pair<uint32_t, int>, 16> key_counts{};
    int keys = 0;
    int CountOf(uint32_t key) const;
  };

  void Merge(const Report& report, uint32_t key);
  // Closes the open cycle; returns its fix when it has a time, a date and a position sentence.
  void Close(bool learn_ender, std::vector<NmeaFix>* out);
  std::optional<int64_t> ResolveTime(const Cycle& cycle);

  AssemblerOptions options_;
  AssemblerStats stats_;
  Cycle cycle_;
  // Latest date from RMC or ZDA, and the time of day it came with (for midnight wraps).
  std::optional<CivilDate> last_date_;
  int32_t last_date_time_of_day_ms_ = 0;
  std::optional<int32_t> last_emitted_time_of_day_ms_;
  int last_dimension_ = 0;
  // Cycle-ender learning: the sentence that ended the previous cycle, and the confirmed ender.
  uint32_t previous_ender_ = 0;
  uint32_t ender_ = 0;
};

}  // namespace convoy::tracker::nmea
