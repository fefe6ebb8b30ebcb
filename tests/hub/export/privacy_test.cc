// The privacy cut (hub/export/tracks.h): what is removed around each car's start and end, on
// synthetic tracks whose distances are known.
#include <gtest/gtest.h>

#include <vector>

#include "hub/export/tracks.h"
#include "maps/latlon.h"

namespace convoy::hub {
namespace {

const maps::LatLon kHome = *maps::LatLon::FromDegrees(41.9, 12.5);

RecordedFix At(maps::LatLon p, int64_t time_ms,
               proto::FixVerdict verdict = proto::FixVerdict::kGood) {
  RecordedFix f;
  f.fix.time_ms = time_ms;
  f.fix.lat_e7 = p.lat_e7();
  f.fix.lon_e7 = p.lon_e7();
  f.verdict = verdict;
  return f;
}

// The radius the tests use: the points are 100 m apart, so none lies near the circle's edge,
// where the cut's great-circle distance and the test's geodesic placement could disagree.
constexpr double kRadiusM = 450;

// Points along a path given as distances (metres) east of home, one a second.
std::vector<RecordedFix> EastOfHome(const std::vector<double>& distances_m) {
  std::vector<RecordedFix> fixes;
  for (size_t i = 0; i < distances_m.size(); ++i) {
    fixes.push_back(At(maps::GeodesicDirect(kHome, 90, distances_m[i]), 1000 * int64_t(i)));
  }
  return fixes;
}

std::vector<double> Range(double from_m, double to_m, double step_m) {
  std::vector<double> v;
  for (double d = from_m; step_m > 0 ? d <= to_m + 1e-9 : d >= to_m - 1e-9; d += step_m) {
    v.push_back(d);
  }
  return v;
}

TEST(PrivacyCutTest, RadiusZeroCutsNothing) {
  const auto fixes = EastOfHome(Range(0, 3000, 100));
  const KeptRange kept = PrivacyCut(fixes, 0);
  EXPECT_EQ(kept.begin, 0u);
  EXPECT_EQ(kept.end, fixes.size());
}

TEST(PrivacyCutTest, StraightDriveLosesExactlyThePointsWithinTheRadiusOfEachEnd) {
  // 0, 100, ..., 5000 m east: within 450 m of the start are 0..400 (5 points), within 450 m of
  // the end (5000) are 4600..5000 (5 points).
  const auto fixes = EastOfHome(Range(0, 5000, 100));
  const KeptRange kept = PrivacyCut(fixes, kRadiusM);
  ASSERT_EQ(kept.begin, 5u);
  ASSERT_EQ(kept.end, fixes.size() - 5);
  for (size_t i = kept.begin; i < kept.end; ++i) {
    const double from_start = proto::DistanceM(fixes[0].fix.lat_e7, fixes[0].fix.lon_e7,
                                               fixes[i].fix.lat_e7, fixes[i].fix.lon_e7);
    EXPECT_GT(from_start, kRadiusM);
  }
}

TEST(PrivacyCutTest, DriverWhoTurnsBackForSomethingForgottenIsCutAtTheLastVisit) {
  // Out to 800 m, back home, then away for good: the home stretch of the second departure must
  // go too, not only the first 450 m.
  std::vector<double> path = Range(0, 800, 100);
  for (double d : Range(700, 0, -100)) path.push_back(d);
  for (double d : Range(100, 6000, 100)) path.push_back(d);
  const auto fixes = EastOfHome(path);
  const KeptRange kept = PrivacyCut(fixes, kRadiusM);
  // Every kept fix is beyond the radius, and the kept part starts after the last visit.
  for (size_t i = kept.begin; i < kept.end; ++i) {
    EXPECT_GT(proto::DistanceM(fixes[0].fix.lat_e7, fixes[0].fix.lon_e7, fixes[i].fix.lat_e7,
                               fixes[i].fix.lon_e7),
              kRadiusM)
        << i;
  }
  const size_t second_departure_at_500m = 9 + 8 + 4;  // out (9), back (8), 100..400 (4)
  EXPECT_EQ(kept.begin, second_departure_at_500m);
}

TEST(PrivacyCutTest, PassingHomeAgainMidTourIsNotCut) {
  // Out to 5 km, back through home to 5 km west, then on to 10 km west: only the first stretch is
  // "the start"; passing home later is the tour.
  std::vector<double> path = Range(0, 5000, 100);
  for (double d : Range(4900, -10000, -100)) path.push_back(d);
  const auto fixes = EastOfHome(path);
  const KeptRange kept = PrivacyCut(fixes, kRadiusM);
  EXPECT_EQ(kept.begin, 5u);
  // Fixes passing home (distance 0 at index 100) are kept.
  EXPECT_LT(kept.begin, 100u);
  EXPECT_GT(kept.end, 100u);
}

TEST(PrivacyCutTest, CarThatNeverLeavesTheCircleKeepsNothing) {
  const auto fixes = EastOfHome(Range(0, 400, 10));
  const KeptRange kept = PrivacyCut(fixes, kRadiusM);
  EXPECT_EQ(kept.begin, kept.end);
}

TEST(PrivacyCutTest, FlaggedFixesDoNotDecideTheStartButAreCutWithIt) {
  // The first fix is a jump 50 km away (a cold-start glitch), flagged: home is still where the
  // first good fix is, and the glitch goes with the cut.
  auto fixes = EastOfHome(Range(0, 5000, 100));
  fixes.insert(fixes.begin(),
               At(maps::GeodesicDirect(kHome, 0, 50000), -1000, proto::FixVerdict::kJump));
  const KeptRange kept = PrivacyCut(fixes, kRadiusM);
  EXPECT_EQ(kept.begin, 6u);  // the glitch and 0..400 m
  EXPECT_EQ(kept.end, fixes.size() - 5);
}

TEST(PrivacyCutTest, FlaggedFixesNearTheEndAreCut) {
  auto fixes = EastOfHome(Range(0, 5000, 100));
  fixes.push_back(At(maps::GeodesicDirect(kHome, 90, 5000), 999000, proto::FixVerdict::kPoorHdop));
  const KeptRange kept = PrivacyCut(fixes, kRadiusM);
  EXPECT_EQ(kept.end, fixes.size() - 6);
}

TEST(PrivacyCutTest, NoGoodFixKeepsNothing) {
  auto fixes = EastOfHome(Range(0, 5000, 100));
  for (auto& f : fixes) f.verdict = proto::FixVerdict::kNoFix;
  const KeptRange kept = PrivacyCut(fixes, kRadiusM);
  EXPECT_EQ(kept.begin, kept.end);
}

TEST(BuildExportInputTest, GapsOverFiveMinutesStartNewSegments) {
  Recording recording;
  CarRecording car;
  car.id = "c1";
  car.name = "c1";
  auto fixes = EastOfHome(Range(0, 3000, 100));  // 31 fixes, 1 s apart
  for (size_t i = 10; i < fixes.size(); ++i) fixes[i].fix.time_ms += kSegmentGapMs + 1;
  // Fixes 19 and 20: exactly 5 min apart.
  for (size_t i = 20; i < fixes.size(); ++i) fixes[i].fix.time_ms += kSegmentGapMs - 1000;
  for (const auto& f : fixes) car.fixes.push_back(f);
  recording.cars.push_back(std::move(car));
  uint64_t cut = 0;
  const ExportInput input = BuildExportInput(recording, 0, &cut);
  ASSERT_EQ(input.tracks.size(), 1u);
  EXPECT_EQ(input.tracks[0].segments, 2u);  // a gap of exactly 5 min does not split
  EXPECT_EQ(input.tracks[0].good_fixes, 31u);
  EXPECT_EQ(cut, 0u);
  // The distance skips the gap: 29 steps of 100 m drawn, the 100 m across the gap not
  // (great-circle on a sphere against the test's geodesic steps: within 0.5 %).
  EXPECT_NEAR(input.tracks[0].distance_m, 2900, 15);
}

}  // namespace
}  // namespace convoy::hub
