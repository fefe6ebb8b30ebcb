#include "maps/tour_plan.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace convoy::maps {
namespace {

std::string TourDir() { return std::string(CONVOY_TEST_DATA) + "/tour"; }
std::string SamplePath() { return TourDir() + "/amalfi_two_days.tour"; }

// Parses `text` as if it were a plan in tests/data/tour (so relative routes resolve there).
Result<TourPlan> Parse(const std::string& text) {
  return ParseTourPlan(text, TourDir() + "/test.tour");
}

std::string Err(const std::string& text) {
  Result<TourPlan> plan = Parse(text);
  EXPECT_FALSE(plan.ok());
  return plan.ok() ? "" : plan.message();
}

constexpr char kMinimal[] = R"(
[day]
date = 2024-05-18
[leg]
route = day1_rome_to_positano.geojson
)";

TEST(TourPlanTest, SamplePlanParses) {
  Result<TourPlan> plan = LoadTourPlan(SamplePath());
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->name, "Amalfi coast two-day tour");
  EXPECT_EQ(plan->utc_offset_min, 120);
  EXPECT_EQ(plan->alerts.at("straggler_gap_m"), "200");
  EXPECT_EQ(plan->alerts.at("off_route_m"), "100");
  ASSERT_EQ(plan->days.size(), 2u);
  ASSERT_EQ(plan->days[0].legs.size(), 1u);
  ASSERT_EQ(plan->days[1].legs.size(), 2u);
  const PlannedLeg& day1 = plan->days[0].legs[0];
  EXPECT_EQ(day1.route_path, TourDir() + "/day1_rome_to_positano.geojson");
  ASSERT_EQ(day1.rallies.size(), 3u);
  EXPECT_EQ(day1.rallies[0].name, "Service area (meeting point)");
  EXPECT_EQ(day1.rallies[0].arrive_local, "09:00");
  // 09:00 at +02:00 on 2024-05-18 is 07:00 UTC.
  EXPECT_EQ(day1.rallies[0].arrive_utc_ms, int64_t{1716015600} * 1000);
  EXPECT_EQ(day1.rallies[0].depart_utc_ms, int64_t{1716015600 + 3600} * 1000);
  EXPECT_EQ(day1.rallies[0].radius_m, 400);
  EXPECT_FALSE(day1.rallies[2].depart_utc_ms.has_value());
  const PlannedLeg& home = plan->days[1].legs[1];
  EXPECT_TRUE(home.reverse);
  EXPECT_EQ(home.rallies[0].depart_utc_ms, int64_t{1716130800} * 1000);  // 17:00 +02:00
}

TEST(TourPlanTest, SampleTourLoadsRoutesAndPlacesRallyPoints) {
  Result<LoadedTour> tour = LoadTour(SamplePath());
  ASSERT_TRUE(tour.ok()) << tour.message();
  ASSERT_EQ(tour->legs.size(), 3u);

  const LoadedLeg& day1 = tour->legs[0];
  EXPECT_NEAR(day1.route.length_m(), 252'500, 1500);
  ASSERT_EQ(day1.rally_points.size(), 3u);
  EXPECT_NEAR(day1.rally_points[0].along_m, 20'000, 1500);  // service area near the start
  EXPECT_NEAR(day1.rally_points[0].offset_m, -60, 5);       // beside the motorway, on the right
  EXPECT_EQ(day1.rally_points[0].kind, "service area");
  EXPECT_EQ(day1.rally_points[0].radius_m, 400);
  EXPECT_NEAR(day1.rally_points[1].along_m, 120'000, 2500);             // lunch around km 120
  EXPECT_NEAR(day1.rally_points[2].along_m, day1.route.length_m(), 1);  // Positano at the end
  EXPECT_EQ(day1.rally_points[2].arrive_utc_ms, int64_t{1716015600 + 6 * 3600} * 1000);

  const LoadedLeg& loop = tour->legs[1];
  EXPECT_EQ(loop.day, 1u);
  ASSERT_EQ(loop.rally_points.size(), 3u);
  EXPECT_NEAR(loop.rally_points[0].along_m, 0, 1);  // the loop starts and ends at Positano
  EXPECT_NEAR(loop.rally_points[1].along_m, loop.route.length_m() / 2, 50);
  EXPECT_NEAR(loop.rally_points[2].along_m, loop.route.length_m(), 1);
  EXPECT_EQ(loop.rally_points[0].depart_utc_ms, int64_t{1716098400} * 1000);

  const LoadedLeg& home = tour->legs[2];
  EXPECT_NEAR(home.route.length_m(), day1.route.length_m(), 1e-3);
  ASSERT_EQ(home.rally_points.size(), 2u);
  EXPECT_NEAR(home.rally_points[0].along_m, 0, 1);
  EXPECT_NEAR(home.rally_points[1].along_m, day1.route.length_m() - day1.rally_points[0].along_m,
              1);
  EXPECT_NEAR(home.rally_points[1].offset_m, 60, 5);  // now on the left
}

TEST(TourPlanTest, MinimalPlanNeedsOnlyADayAndARoute) {
  Result<TourPlan> plan = Parse(kMinimal);
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->days[0].legs[0].name, "day 1 leg 1");
  EXPECT_TRUE(plan->alerts.empty());
}

TEST(TourPlanTest, LegWithoutRalliesTakesTheWaypointsInRouteOrder) {
  Result<TourPlan> plan = Parse(std::string(kMinimal) + "waypoints = day1_rally_points.gpx\n");
  ASSERT_TRUE(plan.ok()) << plan.message();
  Result<LoadedLeg> leg = LoadLeg(*plan, 0, 0);
  ASSERT_TRUE(leg.ok()) << leg.message();
  ASSERT_EQ(leg->rally_points.size(), 4u);
  EXPECT_EQ(leg->rally_points[0].name, "Service area (meeting point)");
  for (size_t i = 1; i < 4; ++i) {
    EXPECT_GE(leg->rally_points[i].along_m, leg->rally_points[i - 1].along_m);
  }
}

TEST(TourPlanTest, UnknownKeyNamesTheLineAndTheKeys) {
  EXPECT_EQ(Err("[tour]\nname = x\ncolour = red\n"),
            TourDir() + "/test.tour line 3: [tour] has no key 'colour' (keys: name, utc_offset)");
}

TEST(TourPlanTest, BadTimeIsRejectedWithItsLine) {
  std::string text = std::string(kMinimal) + "[rally]\nat = 41.8, 12.6\narrive = 9h\n";
  EXPECT_EQ(Err(text), TourDir() + "/test.tour line 8: arrive '9h' is not HH:MM or HH:MM:SS");
}

TEST(TourPlanTest, TimesNeedADate) {
  std::string text = "[day]\n[leg]\nroute = r.gpx\n[rally]\nat = 41.8, 12.6\ndepart = 10:00\n";
  EXPECT_NE(Err(text).find("line 6: depart needs a date"), std::string::npos);
}

TEST(TourPlanTest, DepartureBeforeArrivalIsRejected) {
  std::string text = std::string(kMinimal) +
                     "[rally]\nname = Lunch\nat = 41.8, 12.6\narrive = 13:00\ndepart = 12:00\n";
  EXPECT_NE(Err(text).find("line 6: [rally] 'Lunch' departs (12:00) before it arrives (13:00)"),
            std::string::npos);
}

TEST(TourPlanTest, StructuralMistakesAreNamed) {
  EXPECT_NE(Err("name = x\n").find("line 1: 'name' comes before any [section]"), std::string::npos);
  EXPECT_NE(Err("[leg]\nroute = a.gpx\n").find("line 1: [leg] before any [day]"),
            std::string::npos);
  EXPECT_NE(Err("[day]\n[rally]\nat = 1, 2\n").find("line 2: [rally] before any [leg]"),
            std::string::npos);
  EXPECT_NE(Err("[day]\n[leg]\nname = x\n").find("line 2: [leg] 'x' has no route"),
            std::string::npos);
  EXPECT_NE(Err("[day]\nname = d\n").find("line 1: [day] 'd' has no [leg]"), std::string::npos);
  EXPECT_NE(Err("[days]\n").find("line 1: unknown section [days]"), std::string::npos);
  EXPECT_NE(Err("[day]\ndate = 2024-02-30\n").find("line 2: date '2024-02-30'"), std::string::npos);
  EXPECT_NE(
      Err("[day]\nname = a\nname = b\n").find("line 3: 'name' is given twice (first on line 2)"),
      std::string::npos);
  EXPECT_NE(Err(std::string(kMinimal) + "[rally]\nname = x\n")
                .find("line 6: [rally] needs exactly one of 'waypoint' or 'at'"),
            std::string::npos);
  EXPECT_NE(Err("[tour]\nutc_offset = 2\n").find("line 2: utc_offset '2'"), std::string::npos);
  EXPECT_EQ(Err(""), TourDir() + "/test.tour: no [day] section");
}

TEST(TourPlanTest, CommentsAndDayOffsetsApply) {
  Result<TourPlan> plan = Parse(
      "# a tour\n[tour]\nutc_offset = +02:00  # summer time\n[day]\ndate = 2024-01-10\n"
      "utc_offset = -05:00\n[leg]\nroute = r#1.gpx\n[rally]\nname = Start\nat = 1, 2\ndepart = "
      "00:30\n");
  ASSERT_TRUE(plan.ok()) << plan.message();
  EXPECT_EQ(plan->days[0].utc_offset_min, -300);
  EXPECT_EQ(plan->days[0].legs[0].route_path, TourDir() + "/r#1.gpx");
  // 00:30 at -05:00 is 05:30 UTC.
  EXPECT_EQ(plan->days[0].legs[0].rallies[0].depart_utc_ms,
            (DaysFromCivil(2024, 1, 10) * 86400 + 5 * 3600 + 1800) * 1000);
}

TEST(TourPlanTest, MissingWaypointNamesThePlanLineAndTheFiles) {
  Result<TourPlan> plan = Parse(
      std::string(kMinimal) + "waypoints = day1_rally_points.gpx\n[rally]\nwaypoint = Pizzeria\n");
  ASSERT_TRUE(plan.ok()) << plan.message();
  Result<LoadedLeg> leg = LoadLeg(*plan, 0, 0);
  ASSERT_FALSE(leg.ok());
  EXPECT_EQ(leg.message(), TourDir() +
                               "/test.tour line 7: [rally] 'Pizzeria': no point named 'Pizzeria' "
                               "in day1_rome_to_positano.geojson or day1_rally_points.gpx");
}

TEST(TourPlanTest, RallyFarFromTheRouteNamesThePlanLine) {
  Result<TourPlan> plan =
      Parse(std::string(kMinimal) + "[rally]\nname = Florence\nat = 43.77, 11.25\n");
  ASSERT_TRUE(plan.ok()) << plan.message();
  Result<LoadedLeg> leg = LoadLeg(*plan, 0, 0);
  ASSERT_FALSE(leg.ok());
  EXPECT_EQ(
      leg.message().rfind(TourDir() + "/test.tour line 6: [rally] rally point 1 'Florence': ", 0),
      0u)
      << leg.message();
  EXPECT_NE(leg.message().find("from the route (the limit is 2.0 km)"), std::string::npos);
}

TEST(TourPlanTest, MissingRouteFileNamesThePlanLineAndTheFile) {
  Result<TourPlan> plan = Parse("[day]\n[leg]\nname = Nowhere\nroute = missing.gpx\n");
  ASSERT_TRUE(plan.ok()) << plan.message();
  Result<LoadedLeg> leg = LoadLeg(*plan, 0, 0);
  ASSERT_FALSE(leg.ok());
  EXPECT_EQ(leg.message(), TourDir() + "/test.tour line 2: [leg] 'Nowhere': " + TourDir() +
                               "/missing.gpx: no such file");
}

TEST(TourPlanTest, MissingPlanFileIsNamed) {
  Result<TourPlan> plan = LoadTourPlan(TourDir() + "/nope.tour");
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.message(), TourDir() + "/nope.tour: cannot open the tour plan");
}

TEST(TourPlanTest, DaysFromCivilMatchesKnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2024, 5, 18) * 86400, 1715990400);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
}

}  // namespace
}  // namespace convoy::maps
