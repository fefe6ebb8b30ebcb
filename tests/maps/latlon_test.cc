#include "maps/latlon.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "maps/units.h"

namespace convoy::maps {
namespace {

TEST(LatLonTest, AcceptsTheWholeRange) {
  EXPECT_TRUE(LatLon::FromDegrees(90, 180).ok());
  EXPECT_TRUE(LatLon::FromDegrees(-90, -180).ok());
  Result<LatLon> p = LatLon::FromDegrees(41.9, 12.5);
  ASSERT_TRUE(p.ok());
  EXPECT_DOUBLE_EQ(p->lat_deg(), 41.9);
  EXPECT_DOUBLE_EQ(p->lon_deg(), 12.5);
}

TEST(LatLonTest, LatitudeOutOfRangeIsRejectedWithTheValue) {
  Result<LatLon> p = LatLon::FromDegrees(90.5, 0);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.message().find("latitude 90.5"), std::string::npos) << p.message();
}

TEST(LatLonTest, SwappedCoordinatesAreCaughtWhenLonIsAboveNinety) {
  // lon 120 given as the latitude.
  EXPECT_FALSE(LatLon::FromRaw({120.0, 41.0}).ok());
}

TEST(LatLonTest, NanAndInfinityAreRejected) {
  EXPECT_FALSE(LatLon::FromDegrees(std::nan(""), 0).ok());
  EXPECT_FALSE(LatLon::FromDegrees(0, std::numeric_limits<double>::infinity()).ok());
}

TEST(LatLonTest, FromFixUsesE7AndChecksRange) {
  proto::Fix fix;
  fix.lat_e7 = 418525100;
  fix.lon_e7 = 126309700;
  Result<LatLon> p = LatLon::FromFix(fix);
  ASSERT_TRUE(p.ok());
  EXPECT_NEAR(p->lat_deg(), 41.85251, 1e-9);
  EXPECT_EQ(p->lat_e7(), 418525100);
  EXPECT_EQ(p->lon_e7(), 126309700);
  fix.lat_e7 = 900000001;
  EXPECT_FALSE(LatLon::FromFix(fix).ok());
}

TEST(LatLonTest, GeodesicMatchesKnownDistance) {
  // One degree of latitude at the equator on WGS-84: 110574.389 m.
  LatLon a = LatLon::FromDegrees(0, 0).value();
  LatLon b = LatLon::FromDegrees(1, 0).value();
  EXPECT_NEAR(GeodesicDistanceM(a, b), 110574.389, 1e-3);
  EXPECT_NEAR(GeodesicInverse(a, b).azimuth_deg, 0.0, 1e-9);
  LatLon c = GeodesicDirect(a, 90, 1000);
  EXPECT_NEAR(GeodesicDistanceM(a, c), 1000, 1e-6);
  EXPECT_NEAR(GeodesicInverse(b, a).azimuth_deg, 180.0, 1e-9);
}

TEST(UnitsTest, NamedFactoriesConvert) {
  EXPECT_DOUBLE_EQ(Meters::Km(2.5).m(), 2500);
  EXPECT_DOUBLE_EQ(Seconds::Min(3).s(), 180);
  EXPECT_DOUBLE_EQ(Seconds::Ms(1500).s(), 1.5);
  EXPECT_NEAR((MetersPerSecond::Kmh(36) * Seconds::S(10)).m(), 100, 1e-9);
  EXPECT_LT(Meters::M(5), Meters::M(6));
}

}  // namespace
}  // namespace convoy::maps
