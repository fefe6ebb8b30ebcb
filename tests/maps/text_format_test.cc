#include "maps/text_format.h"

#include <gtest/gtest.h>

namespace convoy::maps {
namespace {

TEST(TextFormatTest, ParsesPointsWithBlanks) {
  Result<std::vector<LatLon>> points = ParseLatLons(" 41.90:12.50,41.91 : 12.52 ,\n41.92:12.55 ");
  ASSERT_TRUE(points.ok()) << points.message();
  ASSERT_EQ(points->size(), 3u);
  EXPECT_DOUBLE_EQ((*points)[1].lat_deg(), 41.91);
  EXPECT_DOUBLE_EQ((*points)[1].lon_deg(), 12.52);
}

TEST(TextFormatTest, EmptyTextIsNoPoints) {
  Result<std::vector<LatLon>> points = ParseLatLons("  ");
  ASSERT_TRUE(points.ok());
  EXPECT_TRUE(points->empty());
}

TEST(TextFormatTest, BadPointIsNamedByPosition) {
  Result<std::vector<LatLon>> points = ParseLatLons("41.90:12.50, 41.91:x");
  ASSERT_FALSE(points.ok());
  EXPECT_EQ(points.message(), "point 2 '41.91:x': bad longitude");
}

TEST(TextFormatTest, OutOfRangePointIsRejected) {
  Result<std::vector<LatLon>> points = ParseLatLons("41.90:12.50, 95:12.5");
  ASSERT_FALSE(points.ok());
  EXPECT_NE(points.message().find("point 2"), std::string::npos);
  EXPECT_NE(points.message().find("latitude"), std::string::npos);
}

TEST(TextFormatTest, MissingColonIsAnError) { EXPECT_FALSE(ParseLatLons("41.90 12.50").ok()); }

TEST(TextFormatTest, RoundTripsThroughToText) {
  Result<std::vector<LatLon>> points = ParseLatLons("41.9:12.5, -33.8688197:151.2092955");
  ASSERT_TRUE(points.ok());
  Result<std::vector<LatLon>> again = ParseLatLons(ToText(*points));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*points, *again);
}

TEST(TextFormatTest, RouteNeedsTwoDistinctPoints) {
  EXPECT_FALSE(MakeRoute("41.9:12.5").ok());
  Result<Route> same = MakeRoute("41.9:12.5, 41.9:12.5");
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.message().find("same point"), std::string::npos);
  EXPECT_TRUE(MakeRoute("41.9:12.5, 41.91:12.5").ok());
}

}  // namespace
}  // namespace convoy::maps
