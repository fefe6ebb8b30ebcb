// Rally points: checking in at the meeting point, cars converging from home, who has arrived
// and who is missing with ETAs, arriving at the end of a leg, and the next leg.
#include <gtest/gtest.h>

#include "hub/model/model_test_util.h"

namespace convoy::hub::testing {
namespace {

maps::RallyPoint Rally(const maps::Route& route, const std::string& name, double along_m,
                       double offset_m, double radius_m = 300) {
  maps::RallyPoint r;
  r.name = name;
  r.along_m = along_m;
  r.offset_m = offset_m;
  r.radius_m = radius_m;
  r.position =
      maps::GeodesicDirect(route.PointAt(along_m), route.HeadingAt(along_m) - 90, offset_m);
  return r;
}

class RallyTest : public ::testing::Test {
 protected:
  static constexpr size_t kCars = 5;
  RallyTest()
      : route_(TextRoute(NorthRoute(20))),
        convoy_(route_, kCars, Thresholds{},
                {Rally(*route_, "Service area", 2000, -80), Rally(*route_, "Lunch", 10000, -150),
                 Rally(*route_, "Hotel", 19000, 0)}) {
    // Cars 0..3 parked at the service area, car 4 converging from 8 km east of it at 20 m/s.
    for (size_t i = 0; i < 4; ++i) {
      convoy_.car(i).along_m = 2000 + static_cast<double>(i);
      convoy_.car(i).offset_m = -80;
    }
    convoy_.car(4).along_m = 2000;
    convoy_.car(4).offset_m = -8080;
  }
  // Runs `seconds` with car 4 closing in at 20 m/s until it is parked.
  void Converge(int seconds) {
    for (int s = 0; s < seconds; ++s) {
      if (convoy_.car(4).offset_m < -80) convoy_.car(4).offset_m += 20;
      convoy_.Step();
    }
  }
  // The convoy leaves in order, 3 s apart, onto the road at 20 m/s.
  void Depart() {
    for (size_t i = 0; i < kCars; ++i) {
      convoy_.car(i).offset_m = 0;
      convoy_.car(i).along_m = 2000;
      convoy_.car(i).speed_mps = 20;
      convoy_.Step(3);
    }
  }
  std::shared_ptr<const maps::Route> route_;
  ScriptedConvoy convoy_;
};

TEST_F(RallyTest, BeforeDepartureConvergingCarsShowDistanceAndEtaToTheMeetingPoint) {
  Converge(120);
  ConvoySnapshot s = convoy_.model().Snapshot(convoy_.now_ms());
  EXPECT_FALSE(s.departed);
  ASSERT_TRUE(s.next_rally.has_value());
  EXPECT_EQ(s.next_rally->name, "Service area");
  EXPECT_EQ(s.next_rally->arrived, (std::vector<uint32_t>{0, 1, 2, 3}));
  ASSERT_EQ(s.next_rally->missing.size(), 1u);
  const MissingCar& m = s.next_rally->missing[0];
  EXPECT_EQ(m.car, 4u);
  const double left_m = -80 - convoy_.car(4).offset_m;  // moved before it reported
  EXPECT_NEAR(m.distance_m, left_m, 15);
  EXPECT_NEAR(m.eta_s, left_m / 20, 3);
  EXPECT_EQ(s.cars[4].state, CarState::kNotStarted);
  EXPECT_NEAR(s.cars[4].meet_eta_s, m.eta_s, 1e-9);
  // 8 km off the route, but not on the tour yet: no alert. The parked cars raise none either.
  EXPECT_TRUE(convoy_.model().alerts().empty()) << Summary(convoy_.model().alerts());
  Converge(300);
  s = convoy_.model().Snapshot(convoy_.now_ms());
  EXPECT_EQ(s.next_rally->arrived, (std::vector<uint32_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(s.next_rally->missing.empty());
  EXPECT_EQ(s.cars[4].state, CarState::kOk);
}

TEST_F(RallyTest, AfterDepartureTheNextRallyListsMissingCarsWithEtaAlongTheRoute) {
  Converge(420);
  Depart();
  convoy_.Step(60);
  ConvoySnapshot s = convoy_.model().Snapshot(convoy_.now_ms());
  EXPECT_TRUE(s.departed);
  ASSERT_TRUE(s.next_rally.has_value());
  EXPECT_EQ(s.next_rally->name, "Lunch");
  EXPECT_TRUE(s.next_rally->arrived.empty());
  ASSERT_EQ(s.next_rally->missing.size(), kCars);
  for (const MissingCar& m : s.next_rally->missing) {
    const double left_m = 10000 - (convoy_.car(m.car).along_m - 20);
    EXPECT_NEAR(m.distance_m, left_m, 5) << m.car;
    EXPECT_NEAR(m.eta_s, left_m / 20, 1) << m.car;
  }
  EXPECT_TRUE(convoy_.model().alerts().empty()) << Summary(convoy_.model().alerts());
}

TEST_F(RallyTest, ParkedAtLunchWithTrackersOffIsNeitherStoppedNorDark) {
  Converge(420);
  Depart();
  // Drive to lunch, park beside the road there, trackers off for an hour but car 1's.
  for (int s = 0; s < 3000; ++s) {
    for (size_t i = 0; i < kCars; ++i) {
      if (convoy_.car(i).along_m >= 10000 - 10.0 * static_cast<double>(i)) {
        convoy_.car(i).speed_mps = 0;
        convoy_.car(i).offset_m = -150;
      }
    }
    convoy_.Step();
  }
  for (size_t i = 0; i < kCars; ++i) convoy_.car(i).silent = i != 1;
  convoy_.Step(3600);
  ConvoySnapshot s = convoy_.model().Snapshot(convoy_.now_ms());
  EXPECT_EQ(s.next_rally->name, "Lunch");
  EXPECT_EQ(s.next_rally->arrived.size(), kCars);
  EXPECT_TRUE(convoy_.model().alerts().empty()) << Summary(convoy_.model().alerts());
}

TEST_F(RallyTest, CarsReachingTheLastRallyHaveArrivedAndLeaveTheOrder) {
  Converge(420);
  Depart();
  convoy_.Step(900);  // 18 km at 20 m/s: everyone past the hotel
  for (size_t i = 0; i < kCars; ++i) convoy_.car(i).silent = true;
  convoy_.Step(600);
  ConvoySnapshot s = convoy_.model().Snapshot(convoy_.now_ms());
  for (size_t i = 0; i < kCars; ++i) EXPECT_EQ(s.cars[i].state, CarState::kArrived) << i;
  EXPECT_TRUE(s.order.empty());
  EXPECT_TRUE(convoy_.model().alerts().empty()) << Summary(convoy_.model().alerts());
}

TEST(Legs, TheNextLegStartsAtItsTimeAndCarsAtItsMeetingPointCheckIn) {
  auto route = TextRoute(NorthRoute(20));
  ModelPlan plan;
  plan.legs.push_back(
      {"day 1", route, {Rally(*route, "A", 1000, 0), Rally(*route, "B", 8000, 0)}, std::nullopt});
  // Day 2 drives the same road again from A, the next day.
  plan.legs.push_back({"day 2",
                       route,
                       {Rally(*route, "A", 1000, 0), Rally(*route, "C", 15000, 0)},
                       kT0 + 3'600'000});
  ScriptedConvoy c(route, 3, Thresholds{}, std::move(plan));
  for (size_t i = 0; i < 3; ++i) c.car(i).along_m = 1000 - 5.0 * static_cast<double>(i);
  c.Step(60);
  EXPECT_EQ(c.model().current_leg(), 0u);
  EXPECT_EQ(c.model().Snapshot(c.now_ms()).order.size(), 3u);
  c.Step(3600);
  EXPECT_EQ(c.model().current_leg(), 1u);
  ConvoySnapshot s = c.model().Snapshot(c.now_ms());
  EXPECT_EQ(s.leg_name, "day 2");
  EXPECT_EQ(s.next_rally->name, "A");
  EXPECT_EQ(s.next_rally->arrived.size(), 3u);
}

}  // namespace
}  // namespace convoy::hub::testing

namespace convoy::hub::testing {
namespace {

TEST(FollowTheLead, WhereTheLeadStopsLongIsAStopForEveryone) {
  ScriptedConvoy c(TextRoute(NorthRoute(20)), 4, Thresholds{}, ModelPlan::FollowTheLead());
  for (size_t i = 0; i < 4; ++i) {
    c.car(i).along_m = 3000 - 60.0 * static_cast<double>(i);
    c.car(i).speed_mps = 20;
  }
  c.Step(60);
  // Lunch: everyone parks beside the road; after a while car 2's tracker goes quiet.
  for (size_t i = 0; i < 4; ++i) {
    c.car(i).speed_mps = 0;
    c.car(i).offset_m = -30;
  }
  c.Step(200);
  c.car(2).silent = true;
  c.Step(900);
  ConvoySnapshot s = c.model().Snapshot(c.now_ms());
  ASSERT_TRUE(s.next_rally.has_value());
  EXPECT_EQ(s.next_rally->name, "Stop 1");
  EXPECT_EQ(s.next_rally->arrived.size(), 4u);
  EXPECT_EQ(s.cars[2].state, CarState::kOk);  // parked with the ignition off, not dark
  // And on again.
  for (size_t i = 0; i < 4; ++i) {
    c.car(i).speed_mps = 20;
    c.car(i).offset_m = 0;
  }
  c.car(2).silent = false;
  c.Step(120);
  EXPECT_TRUE(c.model().alerts().empty()) << Summary(c.model().alerts());
  EXPECT_EQ(c.model().Snapshot(c.now_ms()).order, (std::vector<uint32_t>{0, 1, 2, 3}));
}

}  // namespace
}  // namespace convoy::hub::testing
