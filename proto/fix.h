// A position report as the rest of the code handles it: a plain value, cheap to copy, with the
// same fields and units as convoy.v1.Fix on the wire.
#pragma once

#include <cstdint>
#include <string>

namespace convoy::proto {

enum class FixQuality : uint8_t {
  kUnknown = 0,
  kNone = 1,
  k2D = 2,
  k3D = 3,
  kDgps = 4,
  kRtkFixed = 5,
  kRtkFloat = 6,
  kDeadReckoning = 7,
  kSimulated = 8,
};
constexpr uint8_t kMaxFixQuality = 8;

const char* FixQualityName(FixQuality quality);

// Zero altitude, hdop and satellites mean "not reported".
struct Fix {
  int64_t time_ms = 0;       // UTC, ms since 1970-01-01
  int32_t lat_e7 = 0;        // 1e-7 degrees, [-900000000, 900000000]
  int32_t lon_e7 = 0;        // 1e-7 degrees, [-1800000000, 1800000000]
  int32_t altitude_dm = 0;   // decimetres above mean sea level
  uint32_t speed_cmps = 0;   // cm/s over ground
  uint32_t course_cdeg = 0;  // centidegrees true, [0, 36000)
  uint32_t hdop_c = 0;       // hdop x 100
  uint32_t satellites = 0;
  FixQuality quality = FixQuality::kUnknown;

  double lat_deg() const { return lat_e7 * 1e-7; }
  double lon_deg() const { return lon_e7 * 1e-7; }
  double speed_mps() const { return speed_cmps * 0.01; }
  double course_deg() const { return course_cdeg * 0.01; }
  bool operator==(const Fix&) const = default;
};

// A fix with the car's sequence number (1, 2, 3, ... without gaps).
struct SequencedFix {
  uint64_t seq = 0;
  Fix fix;
  bool operator==(const SequencedFix&) const = default;
};

// True when every field is inside the range its comment gives.
bool InRange(const Fix& fix);

}  // namespace convoy::proto
