#include <cmath>

#include "maps/route.h"
#include "maps/route_index.h"

namespace convoy::maps {

bool RouteBuilder::Append(LatLon p) {
  if (!route_) {
    Result<LocalFrame> frame = LocalFrame::Create(p);
    if (!frame.ok()) return false;
    route_.reset(new Route(std::move(*frame)));
    return route_->AppendVertex(p, /*index_now=*/true);
  }
  if (GeodesicDistanceM(route_->vertices_.back(), p) < options_.min_spacing_m) return false;
  XY xy = route_->frame_.Forward(p);
  if (!std::isfinite(xy.x) || !std::isfinite(xy.y)) return false;
  return route_->AppendVertex(p, /*index_now=*/true);
}

size_t RouteBuilder::num_vertices() const { return route_ ? route_->vertices_.size() : 0; }

const Route* RouteBuilder::route() const {
  return route_ && route_->vertices_.size() >= 2 ? route_.get() : nullptr;
}

Result<Route> RouteBuilder::Snapshot() const {
  const Route* r = route();
  if (r == nullptr) {
    return Error{"the route has " + std::to_string(num_vertices()) +
                 " distinct point(s); it needs 2"};
  }
  return Route(*r);
}

}  // namespace convoy::maps
