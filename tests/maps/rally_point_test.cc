#include "maps/rally_point.h"

#include <gtest/gtest.h>

#include <cmath>

#include "maps/route_file.h"
#include "maps/text_format.h"

namespace convoy::maps {
namespace {

std::string Data(const std::string& name) { return std::string(CONVOY_TEST_DATA) + "/" + name; }

TEST(RallyPointTest, BusStopsFromGeoPackageLieAlongTheBusTrack) {
  Result<RouteFile> track = LoadRouteFile(Data("routes/movingpandas_304_bus_limerick.gpx"));
  ASSERT_TRUE(track.ok()) << track.message();
  Result<GeoFileContents> stops = ReadGeoFile(Data("routes/stops_304_to_ul.gpkg"));
  ASSERT_TRUE(stops.ok()) << stops.message();
  RallyOptions options;
  options.order = RallyOptions::Order::kByPosition;
  options.radius = Meters::M(50);
  options.max_offset = Meters::M(200);
  Result<std::vector<RallyPoint>> rally = PlaceRallyPoints(track->route, stops->points, options);
  ASSERT_TRUE(rally.ok()) << rally.message();
  ASSERT_EQ(rally->size(), 36u);
  for (size_t i = 0; i < rally->size(); ++i) {
    const RallyPoint& r = (*rally)[i];
    EXPECT_LT(std::fabs(r.offset_m), 60) << r.name;  // a stop is at the kerb
    EXPECT_EQ(r.radius_m, 50);
    if (i > 0) {
      EXPECT_GE(r.along_m, (*rally)[i - 1].along_m);
    }
  }
}

TEST(RallyPointTest, PointFarFromTheRouteIsAnError) {
  Route r = MakeRouteOrDie("41.90:12.50, 41.91:12.50");
  std::vector<NamedPoint> points = {{"Hotel", "hotel", LatLon::FromDegrees(41.95, 12.50).value()}};
  Result<std::vector<RallyPoint>> rally = PlaceRallyPoints(r, points);
  ASSERT_FALSE(rally.ok());
  EXPECT_EQ(rally.message(), "rally point 1 'Hotel': 4.4 km from the route (the limit is 2.0 km)");
}

TEST(RallyPointTest, LoopStartAndEndGoToBothEnds) {
  // Out and back on one road: the hotel is visited first and last.
  Route r = MakeRouteOrDie("41.90:12.50, 41.92:12.50, 41.90:12.50");
  LatLon hotel = LatLon::FromDegrees(41.90, 12.5001).value();
  LatLon viewpoint = r.PointAt(r.length_m() / 2);
  Result<std::vector<RallyPoint>> rally =
      PlaceRallyPoints(r, {{"Hotel", "", hotel}, {"View", "", viewpoint}, {"Hotel", "", hotel}});
  ASSERT_TRUE(rally.ok()) << rally.message();
  EXPECT_NEAR((*rally)[0].along_m, 0, 1);
  EXPECT_NEAR((*rally)[1].along_m, r.length_m() / 2, 1);
  EXPECT_NEAR((*rally)[2].along_m, r.length_m(), 1);
}

}  // namespace
}  // namespace convoy::maps
