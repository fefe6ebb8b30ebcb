// Continuity: a car on a road that runs back beside itself keeps to its own carriageway when the
// caller passes its previous along_m (ProjectHint). The rule is in maps/route.h.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "maps/route.h"
#include "maps/text_format.h"

namespace convoy::maps {
namespace {

LatLon P(double lat, double lon) { return LatLon::FromDegrees(lat, lon).value(); }

// Deterministic noise in [-1, 1].
class Noise {
 public:
  double Next() {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state_ >> 11) / static_cast<double>(1ULL << 53) * 2.0 - 1.0;
  }

 private:
  uint64_t state_ = 42;
};

Route FromPoints(const std::vector<LatLon>& points) {
  Result<Route> r = Route::FromLatLons(points);
  EXPECT_TRUE(r.ok()) << r.message();
  return std::move(r).value();
}

// North 2 km on the west carriageway, a 15 m U-turn, south 2 km on the east one.
Route OutAndBack() {
  LatLon a = P(41.90, 12.50);
  LatLon n = GeodesicDirect(a, 0, 2000);
  return FromPoints({a, n, GeodesicDirect(n, 90, 15), GeodesicDirect(a, 90, 15)});
}

// Three 300 m legs joined by hairpins of 15 m radius: north, south 30 m west, north 60 m west.
Route Hairpins() {
  std::vector<LatLon> pts;
  LatLon start = P(46.50, 11.80);
  double west_m = 0;
  for (int leg = 0; leg < 3; ++leg) {
    bool north = leg % 2 == 0;
    LatLon base = GeodesicDirect(start, 270, west_m);
    LatLon from = north ? base : GeodesicDirect(base, 0, 300);
    LatLon to = north ? GeodesicDirect(base, 0, 300) : base;
    pts.push_back(from);
    pts.push_back(to);
    if (leg == 2) break;
    // Semicircle to the west around a centre 15 m west of `to`.
    LatLon centre = GeodesicDirect(to, 270, 15);
    for (int k = 1; k < 12; ++k) {
      double angle_deg = north ? 90 - k * 15.0 : 90 + k * 15.0;  // azimuth from the centre
      pts.push_back(GeodesicDirect(centre, angle_deg, 15));
    }
    west_m += 30;
  }
  return FromPoints(pts);
}

// Drives `route` every step_m with lateral noise up to noise_m, projecting each fix with the
// previous along_m and the car's course as hint (or none). Returns the largest error of along_m
// against the truth.
double WorstAlongError(const Route& route, double step_m, double noise_m, bool use_hint) {
  Noise noise;
  double worst = 0;
  double prev = 0;
  for (double truth = 0; truth <= route.length_m(); truth += step_m) {
    LatLon fix =
        GeodesicDirect(route.PointAt(truth), route.HeadingAt(truth) + 90, noise_m * noise.Next());
    ProjectHint hint = ProjectHint::Near(prev, step_m + 50).WithCourse(route.HeadingAt(truth));
    RoutePosition pos = use_hint ? route.Project(fix, hint) : route.Project(fix);
    worst = std::max(worst, std::fabs(pos.along_m - truth));
    prev = pos.along_m;
  }
  return worst;
}

TEST(RouteContinuityTest, OutAndBackNoisyFixNearerTheOtherCarriagewayStaysOnItsOwn) {
  Route r = OutAndBack();
  // 9 m east of the northbound carriageway: 6 m from the southbound one.
  LatLon fix = GeodesicDirect(r.PointAt(500), 90, 9);
  RoutePosition nearest = r.Project(fix);
  EXPECT_NEAR(nearest.along_m, r.length_m() - 500, 1.0);  // the problem the hint solves
  RoutePosition kept = r.Project(fix, ProjectHint::Near(490, 60));
  EXPECT_NEAR(kept.along_m, 500, 0.5);
  EXPECT_NEAR(kept.offset_m, -9, 0.05);  // right of the northbound direction
}

TEST(RouteContinuityTest, OutAndBackDrivenWithNoiseNeverJumps) {
  Route r = OutAndBack();
  // Near the U-turn a sideways fix projects onto the turn itself: errors up to the noise there.
  EXPECT_LT(WorstAlongError(r, 20, 9, /*use_hint=*/true), 20);
  EXPECT_GT(WorstAlongError(r, 20, 9, /*use_hint=*/false), 1000);
}

TEST(RouteContinuityTest, OverlappingOutAndBackKeepsTheDirectionOfTravel) {
  // The same road out and back, as the day-2 scenic loop: both directions lie on one line.
  Route r = MakeRouteOrDie("41.90:12.50, 41.92:12.50, 41.90:12.50");
  double half = r.length_m() / 2;
  LatLon fix = GeodesicDirect(r.PointAt(half + 700), 90, 3);  // on the way back
  EXPECT_NEAR(r.Project(fix, ProjectHint::Near(half + 690, 60)).along_m, half + 700, 0.5);
  EXPECT_NEAR(r.Project(fix, ProjectHint::Near(half - 710, 60)).along_m, half - 700, 0.5);
  EXPECT_LT(WorstAlongError(r, 25, 6, /*use_hint=*/true), 10);
}

TEST(RouteContinuityTest, CarTurningRoundOnTheOutboundStaysThereGoingBackwards) {
  Route r = MakeRouteOrDie("41.90:12.50, 41.92:12.50, 41.90:12.50");
  // It drove out 1 km, turned round and now heads south (against the outbound direction).
  LatLon fix = r.PointAt(950);
  RoutePosition pos = r.Project(fix, ProjectHint::Near(1000, 60).WithCourse(180));
  EXPECT_NEAR(pos.along_m, 950, 0.5);
}

TEST(RouteContinuityTest, HairpinsDrivenWithNoiseNeverJump) {
  Route r = Hairpins();
  EXPECT_NEAR(r.length_m(), 900 + 2 * M_PI * 15, 5);
  // Noise up to 20 m: fixes land closer to the neighbouring leg, 30 m away, now and then.
  // In a bend a fix 20 m sideways can land past the hairpin's centre, up to half its 47 m arc
  // away; a jump to the neighbouring leg is 300 m or more.
  EXPECT_LT(WorstAlongError(r, 15, 20, /*use_hint=*/true), 50);
  EXPECT_GT(WorstAlongError(r, 15, 20, /*use_hint=*/false), 100);
}

TEST(RouteContinuityTest, LoopStartAndEndAreToldApartByTheHint) {
  // A 500 m radius ring that starts and ends at its southern point.
  LatLon centre = P(43.77, 11.25);
  std::vector<LatLon> pts;
  for (int k = 0; k <= 72; ++k) pts.push_back(GeodesicDirect(centre, 180 + k * 5.0, 500));
  Route r = FromPoints(pts);
  LatLon at_start = GeodesicDirect(pts.front(), 180, 4);
  EXPECT_NEAR(r.Project(at_start, ProjectHint::Near(0, 50)).along_m, 0, 1);
  EXPECT_NEAR(r.Project(at_start, ProjectHint::Near(r.length_m() - 20, 50)).along_m, r.length_m(),
              1);
  EXPECT_NEAR(r.Project(at_start).along_m, 0, 1);  // without a hint: ties go to the start
}

TEST(RouteContinuityTest, CarThatRejoinsFarAheadIsNotHeldBack) {
  // A 3 km by 1 km U: the car cuts across from along 100 m to the far leg.
  LatLon a = P(45.0, 7.6);
  LatLon b = GeodesicDirect(a, 0, 3000);
  LatLon c = GeodesicDirect(b, 90, 1000);
  LatLon d = GeodesicDirect(a, 90, 1000);
  Route r = FromPoints({a, b, c, d});
  LatLon fix = GeodesicDirect(GeodesicDirect(a, 0, 100), 90, 998);
  RoutePosition pos = r.Project(fix, ProjectHint::Near(100, 60));
  EXPECT_NEAR(pos.along_m, r.length_m() - 100, 2);
  EXPECT_NEAR(std::fabs(pos.offset_m), 2, 0.1);
}

TEST(RouteContinuityTest, WindowFarOffTheRouteEndsStillProjects) {
  Route r = OutAndBack();
  RoutePosition pos = r.Project(r.PointAt(300), ProjectHint::Near(1e7, 10));
  EXPECT_NEAR(pos.along_m, 300, 0.5);
  pos = r.Project(r.PointAt(300), ProjectHint::AtOrAfter(-50));
  EXPECT_NEAR(pos.along_m, 300, 0.5);
}

TEST(RouteContinuityTest, AfterTravelWidensWithElapsedTime) {
  ProjectHint h =
      ProjectHint::AfterTravel(1000, Seconds::S(10), MetersPerSecond::Kmh(180), Meters::M(50));
  EXPECT_DOUBLE_EQ(h.min_along_m, 1000 - 550);
  EXPECT_DOUBLE_EQ(h.max_along_m, 1000 + 550);
}

}  // namespace
}  // namespace convoy::maps
