// Positions on the WGS-84 ellipsoid. RawLatLon is what a file, a socket or a person typed: any two
// doubles. LatLon is a position that passed the range check; only its factories make one, so code
// that holds a LatLon never re-checks it. Both are plain values, thread-safe to copy and read.
#pragma once

#include <cstdint>
#include <string>

#include "proto/fix.h"
#include "proto/result.h"

namespace convoy::maps {

// Unchecked input: may be NaN, out of range or swapped. Degrees.
struct RawLatLon {
  double lat_deg = 0;
  double lon_deg = 0;
};

class LatLon {
 public:
  // 0:0, a valid position, so that structs holding a LatLon can be default-constructed.
  LatLon() = default;
  // Accepts lat in [-90, 90] and lon in [-180, 180] degrees (finite). The error names the value.
  static Result<LatLon> FromDegrees(double lat_deg, double lon_deg);
  static Result<LatLon> FromRaw(RawLatLon raw) { return FromDegrees(raw.lat_deg, raw.lon_deg); }
  // From 1e-7 degree integers as on the wire (convoy.v1.Fix lat_e7 / lon_e7).
  static Result<LatLon> FromE7(int32_t lat_e7, int32_t lon_e7);
  static Result<LatLon> FromFix(const proto::Fix& fix) { return FromE7(fix.lat_e7, fix.lon_e7); }

  double lat_deg() const { return lat_deg_; }
  double lon_deg() const { return lon_deg_; }
  // Rounded to the nearest 1e-7 degree.
  int32_t lat_e7() const;
  int32_t lon_e7() const;
  // "41.8525100:12.6309700" (lat:lon, the text format of maps/text_format.h).
  std::string ToString() const;

  bool operator==(const LatLon&) const = default;

 private:
  LatLon(double lat_deg, double lon_deg) : lat_deg_(lat_deg), lon_deg_(lon_deg) {}
  double lat_deg_ = 0;
  double lon_deg_ = 0;
};

// Geodesics on WGS-84 (Karney's algorithm, PROJ's geodesic.h): accurate to nanometres, about
// 1 microsecond per call, thread-safe.
struct GeodesicLine {
  double distance_m = 0;    // >= 0
  double azimuth_deg = 0;   // initial azimuth at `from`, clockwise from true north, [0, 360)
  double azimuth2_deg = 0;  // forward azimuth on arrival at `to`, [0, 360)
};
GeodesicLine GeodesicInverse(LatLon from, LatLon to);
double GeodesicDistanceM(LatLon from, LatLon to);
// The point distance_m (may be negative: backwards) from `from` along azimuth_deg.
LatLon GeodesicDirect(LatLon from, double azimuth_deg, double distance_m);

}  // namespace convoy::maps
