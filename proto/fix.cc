#include "proto/fix.h"

namespace convoy::proto {

const char* FixQualityName(FixQuality quality) {
  switch (quality) {
    case FixQuality::kUnknown:
      return "unknown";
    case FixQuality::kNone:
      return "none";
    case FixQuality::k2D:
      return "2d";
    case FixQuality::k3D:
      return "3d";
    case FixQuality::kDgps:
      return "dgps";
    case FixQuality::kRtkFixed:
      return "rtk-fixed";
    case FixQuality::kRtkFloat:
      return "rtk-float";
    case FixQuality::kDeadReckoning:
      return "dead-reckoning";
    case FixQuality::kSimulated:
      return "simulated";
  }
  return "invalid";
}

bool InRange(const Fix& fix) {
  return fix.lat_e7 >= -900'000'000 && fix.lat_e7 <= 900'000'000 && fix.lon_e7 >= -1'800'000'000 &&
         fix.lon_e7 <= 1'800'000'000 && fix.course_cdeg < 36000 &&
         static_cast<uint8_t>(fix.quality) <= kMaxFixQuality;
}

}  // namespace convoy::proto
