#include "maps/latlon.h"

#include <geodesic.h>

#include <cmath>
#include <cstdio>

namespace convoy::maps {
namespace {

const geod_geodesic& Wgs84() {
  static const geod_geodesic g = [] {
    geod_geodesic init;
    geod_init(&init, 6378137.0, 1 / 298.257223563);
    return init;
  }();
  return g;
}

double NormalizeAzimuth(double deg) {
  double a = std::fmod(deg, 360.0);
  if (a < 0) a += 360.0;
  return a >= 360.0 ? 0.0 : a;
}

std::string Number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.7f", v);
  return buf;
}

}  // namespace

Result<LatLon> LatLon::FromDegrees(double lat_deg, double lon_deg) {
  if (!std::isfinite(lat_deg) || lat_deg < -90.0 || lat_deg > 90.0) {
    return Error{"latitude " + Number(lat_deg) + " is outside [-90, 90]"};
  }
  if (!std::isfinite(lon_deg) || lon_deg < -180.0 || lon_deg > 180.0) {
    return Error{"longitude " + Number(lon_deg) + " is outside [-180, 180]"};
  }
  return LatLon(lat_deg, lon_deg);
}

Result<LatLon> LatLon::FromE7(int32_t lat_e7, int32_t lon_e7) {
  return FromDegrees(lat_e7 * 1e-7, lon_e7 * 1e-7);
}

int32_t LatLon::lat_e7() const { return static_cast<int32_t>(std::lround(lat_deg_ * 1e7)); }
int32_t LatLon::lon_e7() const { return static_cast<int32_t>(std::lround(lon_deg_ * 1e7)); }

std::string LatLon::ToString() const { return Number(lat_deg_) + ":" + Number(lon_deg_); }

GeodesicLine GeodesicInverse(LatLon from, LatLon to) {
  double s12 = 0, azi1 = 0, azi2 = 0;
  geod_inverse(&Wgs84(), from.lat_deg(), from.lon_deg(), to.lat_deg(), to.lon_deg(), &s12, &azi1,
               &azi2);
  return {s12, NormalizeAzimuth(azi1), NormalizeAzimuth(azi2)};
}

double GeodesicDistanceM(LatLon from, LatLon to) { return GeodesicInverse(from, to).distance_m; }

LatLon GeodesicDirect(LatLon from, double azimuth_deg, double distance_m) {
  double lat2 = 0, lon2 = 0, azi2 = 0;
  geod_direct(&Wgs84(), from.lat_deg(), from.lon_deg(), azimuth_deg, distance_m, &lat2, &lon2,
              &azi2);
  // geod_direct keeps lat in [-90, 90] and lon in [-180, 180], so this cannot fail; clamp
  // against rounding at the poles all the same.
  lat2 = std::fmax(-90.0, std::fmin(90.0, lat2));
  lon2 = std::fmax(-180.0, std::fmin(180.0, lon2));
  return LatLon::FromDegrees(lat2, lon2).value();
}

}  // namespace convoy::maps
