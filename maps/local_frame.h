// A local metric plane for one route: PROJ's ellipsoidal transverse Mercator (Poder/Engsager,
// "+proj=tmerc") centred on the route, scale 1 on the central meridian. Its scale error is
// about x^2 / (2 R^2) at x metres east or west of the centre: 0.05% at 200 km, 0.3% at 500 km.
// Route keeps distances along the route geodesic (maps/route.h), so the plane only decides which
// segment is nearest, where on the segment the foot of the perpendicular falls, and the offset;
// those are small lengths and the relative error above applies to them only.
#pragma once

#include <cstdint>
#include <string>

#include "maps/latlon.h"
#include "proto/result.h"

namespace convoy::maps {

// Metres in a LocalFrame: x towards grid east, y towards grid north.
struct XY {
  double x = 0;
  double y = 0;
};

// Thread-safe: PROJ objects are not, so each thread gets its own PJ (made on first use in that
// thread, about 100 us, then cached per thread; at most a few frames per thread are kept).
// Copies share the definition and the per-thread cache entries.
class LocalFrame {
 public:
  // Checks that PROJ accepts the definition. Cost: creates one PJ.
  static Result<LocalFrame> Create(LatLon centre);

  // Cost: about 120 ns. Points more than ~70 degrees of longitude from the centre are outside
  // what transverse Mercator represents: the result then has non-finite coordinates.
  XY Forward(LatLon p) const;
  // The inverse of Forward. Fails only for coordinates Forward cannot produce.
  Result<LatLon> Inverse(XY p) const;

  LatLon centre() const { return centre_; }
  // The PROJ string, for logs and the README.
  const std::string& definition() const { return definition_; }

 private:
  LocalFrame(LatLon centre, std::string definition, uint64_t id)
      : centre_(centre), definition_(std::move(definition)), id_(id) {}

  LatLon centre_;
  std::string definition_;
  uint64_t id_ = 0;  // unique per Create(): the key of the per-thread PJ cache
};

}  // namespace convoy::maps
