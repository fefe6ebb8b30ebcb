// Distances along real 250-330 km routes against Karney's geodesics (PROJ's geodesic.h, called
// here directly), and a 400 km east-west route: the worst case for the transverse Mercator frame.
#include <geodesic.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "maps/route.h"
#include "maps/route_file.h"

namespace convoy::maps {
namespace {

double KarneyLength(const Route& r) {
  geod_geodesic g;
  geod_init(&g, 6378137.0, 1 / 298.257223563);
  double sum = 0;
  for (size_t i = 1; i < r.num_vertices(); ++i) {
    double s12 = 0;
    geod_inverse(&g, r.vertex(i - 1).lat_deg(), r.vertex(i - 1).lon_deg(), r.vertex(i).lat_deg(),
                 r.vertex(i).lon_deg(), &s12, nullptr, nullptr);
    sum += s12;
  }
  return sum;
}

Route Load(const std::string& name) {
  Result<RouteFile> f = LoadRouteFile(std::string(CONVOY_TEST_DATA) + "/tour/" + name);
  EXPECT_TRUE(f.ok()) << f.message();
  return std::move(f->route);
}

// Every 500 m: a point 20 m to the right of the route must project back to the same along_m and
// to an offset of -20 m, both within 0.1%.
void ExpectProjectionWithinTenthOfAPercent(const Route& r) {
  int checked = 0;
  for (size_t i = 0; i + 1 < r.num_vertices(); ++i) {
    double seg_m = r.vertex_along_m(i + 1) - r.vertex_along_m(i);
    if (seg_m < 100) continue;  // a perpendicular off a short segment may reach a neighbour
    double a = r.vertex_along_m(i) + seg_m / 2;
    LatLon off = GeodesicDirect(r.PointAt(a), r.HeadingAt(a) + 90, 20);
    // The hint keeps the point off roads of the route that pass within 20 m elsewhere.
    RoutePosition pos = r.Project(off, ProjectHint::Near(a, 50));
    EXPECT_NEAR(pos.offset_m, -20, 0.02) << "at " << a;
    EXPECT_NEAR(pos.along_m, a, std::max(0.05, a * 1e-3)) << "at " << a;
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(RouteAccuracyTest, RomeToPositanoLengthIsGeodesic) {
  Route r = Load("day1_rome_to_positano.geojson");
  EXPECT_NEAR(r.length_m(), KarneyLength(r), 1e-6);
  // The fixture's README gives 252.3 km on a sphere; the ellipsoid differs by well under 0.5%.
  EXPECT_NEAR(r.length_m() / 252300, 1.0, 0.005);
  ExpectProjectionWithinTenthOfAPercent(r);
}

TEST(RouteAccuracyTest, VirginiaUs29LengthIsGeodesic) {
  Route r = Load("alt_virginia_us29.geojson");
  EXPECT_NEAR(r.length_m(), KarneyLength(r), 1e-6);
  EXPECT_NEAR(r.length_m() / 325700, 1.0, 0.005);
  ExpectProjectionWithinTenthOfAPercent(r);
}

TEST(RouteAccuracyTest, PointAtIsOnTheGeodesicAtTheRightDistance) {
  Route r = Load("alt_virginia_us29.geojson");
  for (double a = 1000; a < r.length_m(); a += 10'000) {
    uint32_t i = r.SegmentAt(a);
    EXPECT_NEAR(GeodesicDistanceM(r.vertex(i), r.PointAt(a)), a - r.vertex_along_m(i), 1e-6);
    EXPECT_NEAR(r.Project(r.PointAt(a)).along_m, a, 0.01);
  }
}

TEST(RouteAccuracyTest, FourHundredKmEastWestWithinTenthOfAPercent) {
  // Along the 45th parallel's geodesic from 5E: 200 km either side of the frame's centre.
  std::vector<LatLon> pts;
  LatLon start = LatLon::FromDegrees(45, 5).value();
  for (int km = 0; km <= 400; ++km) pts.push_back(GeodesicDirect(start, 90, km * 1000.0));
  Result<Route> r = Route::FromLatLons(pts);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r->length_m(), 400'000, 1e-3);
  for (double a : {500.0, 100'250.0, 199'500.0, 300'700.0, 399'500.0}) {
    LatLon off = GeodesicDirect(r->PointAt(a), r->HeadingAt(a) - 90, 50);
    RoutePosition pos = r->Project(off);
    EXPECT_NEAR(pos.along_m, a, a * 1e-3) << "at " << a;
    EXPECT_NEAR(pos.offset_m, 50, 50 * 1e-3) << "at " << a;
  }
}

}  // namespace
}  // namespace convoy::maps
