// Internal to maps/: the R-tree over a route's segment boxes, kept out of route.h so that users of
// Route do not compile Boost.Geometry.
#pragma once

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>
#include <cstdint>
#include <utility>
#include <vector>

#include "maps/route.h"

namespace convoy::maps {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

class Route::Index {
 public:
  using Point = bg::model::point<double, 2, bg::cs::cartesian>;
  using Box = bg::model::box<Point>;
  using Value = std::pair<Box, uint32_t>;  // segment bounding box, segment index
  // R*-tree: packed on bulk load (STR), good query times after incremental inserts too.
  using Tree = bgi::rtree<Value, bgi::rstar<16>>;

  static Box SegmentBox(XY a, XY b) {
    return Box(Point(std::min(a.x, b.x), std::min(a.y, b.y)),
               Point(std::max(a.x, b.x), std::max(a.y, b.y)));
  }

  Tree tree;
};

}  // namespace convoy::maps
