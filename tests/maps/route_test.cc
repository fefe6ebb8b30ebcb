#include "maps/route.h"

#include <gtest/gtest.h>

#include <cmath>
#include <thread>
#include <vector>

#include "maps/text_format.h"

namespace convoy::maps {
namespace {

LatLon P(double lat, double lon) { return LatLon::FromDegrees(lat, lon).value(); }

// 41.90 -> 41.91 due north along lon 12.50: 1.11 km.
constexpr char kNorth[] = "41.90:12.50, 41.91:12.50";

TEST(RouteTest, LengthIsGeodesic) {
  Route r = MakeRouteOrDie(kNorth);
  EXPECT_NEAR(r.length_m(), GeodesicDistanceM(P(41.90, 12.5), P(41.91, 12.5)), 1e-6);
  EXPECT_EQ(r.num_vertices(), 2u);
  EXPECT_EQ(r.num_segments(), 1u);
}

TEST(RouteTest, ConsecutiveDuplicatesAreDropped) {
  Route r = MakeRouteOrDie("41.90:12.50, 41.90:12.50, 41.91:12.50, 41.91:12.50");
  EXPECT_EQ(r.num_vertices(), 2u);
}

TEST(RouteTest, OffsetIsPositiveOnTheLeft) {
  Route r = MakeRouteOrDie(kNorth);
  // Travelling north, west is left.
  LatLon west = GeodesicDirect(r.PointAt(500), 270, 30);
  LatLon east = GeodesicDirect(r.PointAt(500), 90, 30);
  RoutePosition w = r.Project(west);
  RoutePosition e = r.Project(east);
  EXPECT_NEAR(w.offset_m, 30, 0.01);
  EXPECT_NEAR(e.offset_m, -30, 0.01);
  EXPECT_NEAR(w.along_m, 500, 0.01);
  EXPECT_NEAR(e.along_m, 500, 0.01);
  EXPECT_NEAR(w.heading_deg, 0, 1e-6);
  EXPECT_EQ(w.segment, 0u);
}

TEST(RouteTest, PointsBeyondTheEndsClampToTheEnds) {
  Route r = MakeRouteOrDie(kNorth);
  RoutePosition before = r.Project(P(41.89, 12.50));
  EXPECT_DOUBLE_EQ(before.along_m, 0);
  EXPECT_NEAR(std::fabs(before.offset_m), 1110.5, 1.0);
  RoutePosition after = r.Project(P(41.92, 12.50));
  EXPECT_DOUBLE_EQ(after.along_m, r.length_m());
}

TEST(RouteTest, PointAtAndProjectRoundTrip) {
  Route r = MakeRouteOrDie("41.90:12.50, 41.91:12.51, 41.905:12.53, 41.93:12.54, 41.93:12.60");
  for (double a = 0; a <= r.length_m(); a += 137.0) {
    RoutePosition pos = r.Project(r.PointAt(a));
    EXPECT_NEAR(pos.along_m, a, 1e-3) << "at " << a;
    EXPECT_NEAR(pos.offset_m, 0, 1e-3) << "at " << a;
  }
  EXPECT_EQ(r.PointAt(-5), r.vertex(0));
  EXPECT_EQ(r.PointAt(r.length_m() + 5), r.vertex(r.num_vertices() - 1));
}

TEST(RouteTest, VerticesProjectToTheirOwnAlong) {
  Route r = MakeRouteOrDie("41.90:12.50, 41.91:12.51, 41.905:12.53, 41.93:12.54");
  for (size_t i = 0; i < r.num_vertices(); ++i) {
    EXPECT_NEAR(r.Project(r.vertex(i)).along_m, r.vertex_along_m(i), 1e-6);
  }
}

TEST(RouteTest, HeadingFollowsTheSegments) {
  Route r = MakeRouteOrDie("0:0, 0.01:0, 0.01:0.01");  // north, then east
  EXPECT_NEAR(r.HeadingAt(10), 0, 1e-6);
  EXPECT_NEAR(r.HeadingAt(r.length_m() - 10), 90, 1e-3);
  EXPECT_EQ(r.SegmentAt(r.vertex_along_m(1)), 1u);
  EXPECT_EQ(r.SegmentAt(r.length_m()), 1u);
}

TEST(RouteTest, ReversedRunsTheOtherWay) {
  Route r = MakeRouteOrDie("41.90:12.50, 41.91:12.51, 41.92:12.51");
  Route back = r.Reversed();
  EXPECT_NEAR(back.length_m(), r.length_m(), 1e-6);
  EXPECT_EQ(back.vertex(0), r.vertex(2));
  LatLon p = r.PointAt(400);
  EXPECT_NEAR(back.Project(p).along_m, r.length_m() - 400, 1e-3);
  EXPECT_NEAR(std::fmod(back.HeadingAt(r.length_m() - 400) + 180, 360), r.HeadingAt(400), 0.01);
}

TEST(RouteTest, FarSideOfTheGlobeDoesNotCrash) {
  Route r = MakeRouteOrDie(kNorth);
  RoutePosition pos = r.Project(P(-41.9, -167.5));
  EXPECT_EQ(pos.along_m, 0);
  EXPECT_GT(pos.offset_m, 19'000'000);
}

TEST(RouteTest, ProjectIsThreadSafe) {
  Route r = MakeRouteOrDie("41.90:12.50, 41.91:12.51, 41.905:12.53, 41.93:12.54, 41.93:12.60");
  std::vector<LatLon> points;
  for (double a = 0; a < r.length_m(); a += 25)
    points.push_back(GeodesicDirect(r.PointAt(a), 45, 7));
  std::vector<double> expected;
  for (const LatLon& p : points) expected.push_back(r.Project(p).along_m);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < points.size(); ++i) {
          if (r.Project(points[i]).along_m != expected[i]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(RouteBuilderTest, GrowsFromALeadCarTrack) {
  RouteBuilder builder;
  EXPECT_EQ(builder.route(), nullptr);
  Route planned = MakeRouteOrDie("41.90:12.50, 41.91:12.51, 41.92:12.51");
  EXPECT_TRUE(builder.Append(planned.PointAt(0)));
  EXPECT_EQ(builder.route(), nullptr);               // one point is not a route yet
  EXPECT_FALSE(builder.Append(planned.PointAt(2)));  // closer than min_spacing_m
  for (double a = 10; a < planned.length_m(); a += 10) builder.Append(planned.PointAt(a));
  builder.Append(planned.PointAt(planned.length_m()));
  const Route* grown = builder.route();
  ASSERT_NE(grown, nullptr);
  EXPECT_NEAR(grown->length_m(), planned.length_m(), 1.0);
  LatLon p = GeodesicDirect(planned.PointAt(1234), 90, 5);
  EXPECT_NEAR(grown->Project(p).along_m, planned.Project(p).along_m, 0.5);

  Result<Route> snapshot = builder.Snapshot();
  ASSERT_TRUE(snapshot.ok());
  double before = snapshot->length_m();
  builder.Append(GeodesicDirect(planned.PointAt(planned.length_m()), 0, 100));
  EXPECT_EQ(snapshot->length_m(), before);
  EXPECT_NEAR(builder.route()->length_m(), before + 100, 1.0);
}

TEST(RouteBuilderTest, SnapshotOfOnePointIsAnError) {
  RouteBuilder builder;
  builder.Append(P(41.9, 12.5));
  Result<Route> snapshot = builder.Snapshot();
  ASSERT_FALSE(snapshot.ok());
  EXPECT_NE(snapshot.message().find("needs 2"), std::string::npos);
}

}  // namespace
}  // namespace convoy::maps
