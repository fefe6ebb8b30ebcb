#include "maps/route_file.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <unistd.h>

namespace convoy::maps {
namespace {

std::string Data(const std::string& name) { return std::string(CONVOY_TEST_DATA) + "/" + name; }

std::string WriteTemp(const std::string& name, const std::string& text) {
  // The pid keeps concurrent runs of this test apart.
  std::string path =
      (std::filesystem::temp_directory_path() / (std::to_string(getpid()) + "_" + name)).string();
  std::ofstream(path) << text;
  return path;
}

TEST(RouteFileTest, GpxRoutesArePreferredOverTracks) {
  Result<RouteFile> f = LoadRouteFile(Data("routes/test.gpx"));
  ASSERT_TRUE(f.ok()) << f.message();
  EXPECT_EQ(f->name, "route name");
  ASSERT_EQ(f->route.num_vertices(), 3u);
  EXPECT_EQ(f->route.vertex(0), LatLon::FromDegrees(5, 6).value());
  // The second waypoint has no name, and route_points / track_points are not waypoints.
  ASSERT_EQ(f->waypoints.size(), 1u);
  EXPECT_EQ(f->waypoints[0].name, "waypoint name");
  EXPECT_EQ(f->waypoints[0].position, LatLon::FromDegrees(0, 1).value());
}

TEST(RouteFileTest, GpxTrackIsUsedWhenThereIsNoRoute) {
  Result<RouteFile> f = LoadRouteFile(Data("routes/movingpandas_304_bus_limerick.gpx"));
  ASSERT_TRUE(f.ok()) << f.message();
  EXPECT_EQ(f->name, "304.1");
  EXPECT_GT(f->route.num_vertices(), 1000u);
  EXPECT_GT(f->route.length_m(), 5000);
}

TEST(RouteFileTest, MultiLineStringPartsAreJoinedInOrder) {
  Result<GeoFileContents> c = ReadGeoFile(Data("routes/multilinestring.geojson"));
  ASSERT_TRUE(c.ok()) << c.message();
  ASSERT_EQ(c->line.size(), 4u);
  EXPECT_EQ(c->line[0], LatLon::FromDegrees(0, 100).value());
  EXPECT_EQ(c->line[3], LatLon::FromDegrees(3, 103).value());
}

TEST(RouteFileTest, BareGeoJsonGeometryIsARoute) {
  Result<RouteFile> f = LoadRouteFile(Data("routes/linestring.geojson"));
  ASSERT_TRUE(f.ok()) << f.message();
  EXPECT_EQ(f->route.num_vertices(), 2u);
  EXPECT_NEAR(f->route.length_m(), 156'900, 500);
}

TEST(RouteFileTest, KmlGxTrackWithoutWhenIsARoute) {
  Result<RouteFile> f = LoadRouteFile(Data("routes/gx_track_without_when.kml"));
  ASSERT_TRUE(f.ok()) << f.message();
  EXPECT_EQ(f->route.num_vertices(), 7u);
}

TEST(RouteFileTest, SameRouteInEveryFormatHasTheSameLength) {
  Result<RouteFile> gpx = LoadRouteFile(Data("routes/gpxpy_route.gpx"));
  ASSERT_TRUE(gpx.ok()) << gpx.message();
  EXPECT_EQ(gpx->route.num_vertices(), 55u);
  EXPECT_NEAR(gpx->route.length_m(), 6700, 300);
  for (const char* name :
       {"routes/gpxpy_route.kml", "routes/gpxpy_route.gpkg", "routes/gpxpy_route.geojson"}) {
    Result<RouteFile> f = LoadRouteFile(Data(name));
    ASSERT_TRUE(f.ok()) << f.message();
    EXPECT_EQ(f->route.num_vertices(), 55u) << name;
    EXPECT_NEAR(f->route.length_m(), gpx->route.length_m(), 1e-3) << name;
  }
}

TEST(RouteFileTest, TruncatedKmlIsAClearErrorNamingTheFile) {
  std::string path = Data("routes/truncated.kml");
  Result<RouteFile> f = LoadRouteFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.message().rfind(path + ": ", 0), 0u) << f.message();
  EXPECT_NE(f.message().find("no element found"), std::string::npos) << f.message();
}

TEST(RouteFileTest, MissingFileIsNamed) {
  Result<RouteFile> f = LoadRouteFile(Data("routes/nope.gpx"));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.message(), Data("routes/nope.gpx") + ": no such file");
}

TEST(RouteFileTest, TextThatIsNoGeoFileIsRejected) {
  Result<RouteFile> f = LoadRouteFile(Data("routes/README.md"));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.message(), Data("routes/README.md") +
                             ": cannot open: not a GPX, KML, GeoJSON or GeoPackage file (or one "
                             "cut short before its header)");
}

TEST(RouteFileTest, TruncatedGpxIsAnErrorNotACrash) {
  std::ifstream in(Data("routes/gpxpy_route.gpx"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string path = WriteTemp("convoy_truncated_route.gpx", text.substr(0, text.size() / 2));
  Result<RouteFile> f = LoadRouteFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.message().rfind(path + ": ", 0), 0u) << f.message();
  std::remove(path.c_str());
}

TEST(RouteFileTest, TruncatedGeoPackageIsAnErrorNotACrash) {
  std::ifstream in(Data("routes/gpxpy_route.gpkg"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string path = WriteTemp("convoy_truncated_route.gpkg", bytes.substr(0, bytes.size() / 2));
  Result<RouteFile> f = LoadRouteFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.message(), path + ": cannot open: database disk image is malformed");
  std::remove(path.c_str());
}

TEST(RouteFileTest, OutOfRangeCoordinateNamesFeatureAndPoint) {
  std::string path =
      WriteTemp("convoy_bad_lat.geojson",
                R"({"type":"LineString","coordinates":[[12.5,41.9],[12.6,41.95],[12.7,95.0]]})");
  Result<RouteFile> f = LoadRouteFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.message().find("point 3"), std::string::npos) << f.message();
  EXPECT_NE(f.message().find("latitude 95"), std::string::npos) << f.message();
  std::remove(path.c_str());
}

TEST(RouteFileTest, PointsOnlyFileIsNoRoute) {
  std::string path = Data("routes/stops_304_to_ul.gpkg");
  Result<RouteFile> f = LoadRouteFile(path);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.message(), path + ": no route line (LineString) in the file");
}

TEST(RouteFileTest, GeoPackageStopsAreNamedPoints) {
  Result<GeoFileContents> c = ReadGeoFile(Data("routes/stops_304_to_ul.gpkg"));
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_TRUE(c->line.empty());
  ASSERT_EQ(c->points.size(), 36u);
  EXPECT_EQ(c->points[0].name, "William Street");  // from the stop_name field
  EXPECT_NEAR(c->points[0].position.lat_deg(), 52.6634, 1e-4);
  EXPECT_NEAR(c->points[0].position.lon_deg(), -8.6254, 1e-4);
}

}  // namespace
}  // namespace convoy::maps
