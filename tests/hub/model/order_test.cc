// Order, gaps and places along the route: roads that run back beside themselves, follow the
// lead, late fixes, and determinism.
#include <gtest/gtest.h>

#include "hub/model/model_test_util.h"

namespace convoy::hub::testing {
namespace {

maps::LatLon P(double lat, double lon) { return maps::LatLon::FromDegrees(lat, lon).value(); }

// North 2 km on the west carriageway, a 15 m U-turn, south 2 km on the east one.
std::string OutAndBack() {
  maps::LatLon a = P(41.90, 12.50);
  maps::LatLon n = maps::GeodesicDirect(a, 0, 2000);
  return maps::ToText({a, n, maps::GeodesicDirect(n, 90, 15), maps::GeodesicDirect(a, 90, 15)});
}

// Three 400 m legs joined by hairpins of 15 m radius.
std::string Hairpins() {
  std::vector<maps::LatLon> pts;
  maps::LatLon start = P(46.50, 11.80);
  for (int leg = 0; leg < 3; ++leg) {
    bool north = leg % 2 == 0;
    maps::LatLon base = maps::GeodesicDirect(start, 270, 30.0 * leg);
    maps::LatLon from = north ? base : maps::GeodesicDirect(base, 0, 400);
    maps::LatLon to = north ? maps::GeodesicDirect(base, 0, 400) : base;
    pts.push_back(from);
    pts.push_back(to);
    if (leg == 2) break;
    maps::LatLon centre = maps::GeodesicDirect(to, 270, 15);
    for (int k = 1; k < 12; ++k) {
      double azimuth = north ? 90 - k * 15.0 : 90 + k * 15.0;
      pts.push_back(maps::GeodesicDirect(centre, azimuth, 15));
    }
  }
  return maps::ToText(pts);
}

TEST(Order, GapsInMetresAndSecondsAndConvoyLength) {
  ScriptedConvoy c(TextRoute(NorthRoute(20)), 4);
  const double along[] = {5000, 4800, 4500, 4470};
  for (size_t i = 0; i < 4; ++i) {
    c.car(i).along_m = along[i];
    c.car(i).speed_mps = 10;
  }
  c.Step(12);
  ConvoySnapshot s = c.model().Snapshot(c.now_ms());
  ASSERT_EQ(s.order, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(s.cars[2].order, 3u);
  EXPECT_NEAR(s.cars[1].gap_ahead_m, 200, 0.5);
  EXPECT_NEAR(s.cars[1].gap_ahead_s, 20, 0.1);  // 200 m at 10 m/s
  EXPECT_NEAR(s.cars[3].gap_ahead_m, 30, 0.5);
  EXPECT_NEAR(s.cars[3].gap_lead_m, 530, 0.5);
  EXPECT_NEAR(s.cars[3].gap_lead_s, 53, 0.1);
  EXPECT_TRUE(std::isnan(s.cars[0].gap_ahead_m));
  EXPECT_NEAR(s.convoy_length_m, 530, 0.5);
  EXPECT_NEAR(s.convoy_speed_mps, 10, 0.01);
  // Overtaking changes the order at once.
  c.car(3).speed_mps = 20;
  c.Step(5);
  s = c.model().Snapshot(c.now_ms());
  EXPECT_EQ(s.order, (std::vector<uint32_t>{0, 1, 3, 2}));
}

TEST(Order, LateFixDoesNotMoveTheLiveStateBackwards) {
  ScriptedConvoy c(TextRoute(NorthRoute(20)), 2);
  c.car(0).along_m = 3000;
  c.car(1).along_m = 2900;
  c.car(0).speed_mps = c.car(1).speed_mps = 20;
  c.Step(15);
  ConvoySnapshot before = c.model().Snapshot(c.now_ms());
  // A backfilled fix from 10 s ago, 200 m back.
  proto::Fix late = c.FixFor(0);
  late.time_ms = c.now_ms() - 11'000;
  maps::LatLon back = TextRoute(NorthRoute(20))->PointAt(c.car(0).along_m - 220);
  late.lat_e7 = back.lat_e7();
  late.lon_e7 = back.lon_e7();
  EXPECT_EQ(c.model().OnFix(0, late, c.now_ms()), ConvoyModel::FixResult::kLate);
  // And one with the same time as the latest.
  proto::Fix same = late;
  same.time_ms = before.cars[0].last_fix_ms;
  EXPECT_EQ(c.model().OnFix(0, same, c.now_ms()), ConvoyModel::FixResult::kLate);
  ConvoySnapshot after = c.model().Snapshot(c.now_ms());
  EXPECT_EQ(after.cars[0].along_m, before.cars[0].along_m);
  EXPECT_EQ(after.cars[0].last_fix_ms, before.cars[0].last_fix_ms);
  EXPECT_EQ(after.order, before.order);
  EXPECT_EQ(c.model().stats().late_fixes, 2u);
}

TEST(Order, OutAndBackRoadKeepsEachCarOnItsOwnCarriageway) {
  auto route = TextRoute(OutAndBack());
  Thresholds loose;  // car 1 is 1200 m behind car 0: not what this test is about
  loose.straggler_gap_m = loose.split_gap_m = 5000;
  ScriptedConvoy c(route, 3, loose);
  // Car 0 on the way back, 15 m east of car 1 on the way out; car 2 behind car 1.
  c.car(0).along_m = 2600;
  c.car(1).along_m = 1400;
  c.car(2).along_m = 1300;
  for (size_t i = 0; i < 3; ++i) c.car(i).speed_mps = 10;
  for (int s = 0; s < 60; ++s) {
    c.car(1).offset_m = c.car(2).offset_m = s % 2 ? 5 : -5;  // GPS noise across the road
    c.Step();
    ConvoySnapshot snap = c.model().Snapshot(c.now_ms());
    for (size_t i = 0; i < 3; ++i) {
      if (snap.cars[i].order == 0) continue;  // joining
      EXPECT_NEAR(snap.cars[i].along_m, c.car(i).along_m - 10, 6) << "car " << i << " at " << s;
    }
  }
  EXPECT_TRUE(c.model().alerts().empty()) << Summary(c.model().alerts());
  EXPECT_EQ(c.model().Snapshot(c.now_ms()).order, (std::vector<uint32_t>{0, 1, 2}));
}

TEST(Order, CarsThroughHairpinsKeepTheirPlaceAndRaiseNothing) {
  auto route = TextRoute(Hairpins());
  ScriptedConvoy c(route, 4);
  for (size_t i = 0; i < 4; ++i) {
    c.car(i).along_m = 200 - 25.0 * static_cast<double>(i);
    c.car(i).speed_mps = 6;
  }
  for (int s = 0; s < 140; ++s) {
    c.car(2).offset_m = s % 3 == 0 ? 6 : -4;
    c.Step();
    ConvoySnapshot snap = c.model().Snapshot(c.now_ms());
    for (size_t i = 0; i < 4; ++i) {
      if (snap.cars[i].order == 0) continue;
      EXPECT_NEAR(snap.cars[i].along_m, c.car(i).along_m - 6, 8) << "car " << i << " at " << s;
    }
  }
  EXPECT_TRUE(c.model().alerts().empty()) << Summary(c.model().alerts());
  EXPECT_EQ(c.model().Snapshot(c.now_ms()).order, (std::vector<uint32_t>{0, 1, 2, 3}));
}

TEST(Order, FollowTheLeadBuildsTheRouteFromTheLeadsTrack) {
  auto truth = TextRoute(NorthRoute(20));
  ScriptedConvoy c(truth, 5, Thresholds{}, ModelPlan::FollowTheLead());
  for (size_t i = 0; i < 4; ++i) {
    c.car(i).along_m = 3000 - 60.0 * static_cast<double>(i);
    c.car(i).speed_mps = 20;
  }
  c.car(4).along_m = 5000;  // parked ahead of the lead, beside the road
  c.car(4).offset_m = 30;
  c.Step(40);
  ConvoySnapshot s = c.model().Snapshot(c.now_ms());
  EXPECT_TRUE(s.follow_the_lead);
  ASSERT_EQ(s.order, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_NEAR(s.cars[0].along_m, 780, 25);  // the lead's track is the route
  EXPECT_NEAR(s.cars[2].gap_ahead_m, 60, 6);
  EXPECT_EQ(s.cars[4].state, CarState::kNotStarted);
  // A wrong turn off the lead's track.
  for (int k = 0; k < 30; ++k) {
    c.car(3).offset_m += 10;
    c.Step();
  }
  std::vector<Alert> off = c.Raised(AlertKind::kOffRoute);
  ASSERT_EQ(off.size(), 1u) << Summary(c.model().alerts());
  EXPECT_EQ(off[0].cars, std::vector<uint32_t>{3});
  EXPECT_EQ(c.model().alerts().size(), 1u) << Summary(c.model().alerts());
}

TEST(Order, ReplayingTheSameStreamGivesTheSameAlerts) {
  auto run = [] {
    ScriptedConvoy c(TextRoute(NorthRoute(40)), 10);
    for (size_t i = 0; i < 10; ++i) {
      c.car(i).along_m = 3000 - 50.0 * static_cast<double>(i);
      c.car(i).speed_mps = 20;
    }
    c.Step(20);
    for (size_t i = 6; i < 10; ++i) c.car(i).speed_mps = 0;
    c.car(2).silent = true;
    c.Step(60);
    for (size_t i = 6; i < 10; ++i) c.car(i).speed_mps = 24;
    c.car(2).silent = false;
    c.car(3).speed_mps = -10;
    c.Step(200);
    std::vector<std::string> ids;
    for (size_t i = 0; i < 10; ++i) ids.push_back("car" + std::to_string(i));
    std::vector<std::string> rows;
    for (const AlertEvent& e : c.events()) {
      rows.push_back(std::string(AlertEventTypeName(e.type)) + " " + std::to_string(e.time_ms) +
                     " " + AlertCsvRow(e.alert, ids));
    }
    return rows;
  };
  std::vector<std::string> first = run();
  EXPECT_GE(first.size(), 4u);
  EXPECT_EQ(first, run());
}

}  // namespace
}  // namespace convoy::hub::testing
