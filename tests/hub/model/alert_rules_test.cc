// Each alert rule on a scripted convoy (text-format route, fix-time clock): raised once, by the
// right rule, within its sustain time, cleared by hysteresis, and not also by the rules that
// defer to it.
#include <gtest/gtest.h>

#include "hub/model/model_test_util.h"

namespace convoy::hub::testing {
namespace {

constexpr double kSpeed = 20;    // m/s
constexpr double kSpacing = 60;  // m: 3 s apart

// n cars 60 m apart at 20 m/s, the lead at 3 km; every car has joined after the first 11 s.
ScriptedConvoy Convoy(size_t n, Thresholds t = {}) {
  ScriptedConvoy c(TextRoute(NorthRoute(40)), n, t);
  for (size_t i = 0; i < n; ++i) {
    c.car(i).along_m = 3000 - kSpacing * static_cast<double>(i);
    c.car(i).speed_mps = kSpeed;
  }
  c.Step(12);
  return c;
}

int64_t SecondsSince(int64_t t0, int64_t t) { return (t - t0) / 1000; }

TEST(AlertRules, SteadyConvoyRaisesNothing) {
  ScriptedConvoy c = Convoy(8);
  c.Step(600);
  EXPECT_TRUE(c.model().alerts().empty()) << Summary(c.model().alerts());
  ConvoySnapshot s = c.model().Snapshot(c.now_ms());
  ASSERT_EQ(s.order.size(), 8u);
  for (uint32_t i = 0; i < 8; ++i) EXPECT_EQ(s.order[i], i);
  EXPECT_NEAR(s.cars[3].gap_ahead_m, 60, 1);
  EXPECT_NEAR(s.cars[3].gap_ahead_s, 3, 0.1);
  EXPECT_NEAR(s.convoy_length_m, 420, 2);
}

TEST(AlertRules, StragglerRaisedOnceWithinSustainAndClearedBelowTheLowerThreshold) {
  ScriptedConvoy c = Convoy(6);  // car 5 sweeps
  const int64_t t0 = c.now_ms();
  c.car(4).speed_mps = c.car(5).speed_mps = 8;  // car 4 falls behind, the sweep with it
  c.Step(90);
  std::vector<Alert> s = c.Raised(AlertKind::kStraggler);
  ASSERT_EQ(s.size(), 1u) << Summary(c.model().alerts());
  EXPECT_EQ(s[0].cars, std::vector<uint32_t>{4});
  // Over 200 m and 12 s (240 m at 20 m/s) after 15 s, then 5 s sustained.
  EXPECT_GE(SecondsSince(t0, s[0].raised_ms), 19);
  EXPECT_LE(SecondsSince(t0, s[0].raised_ms), 22);
  EXPECT_GT(s[0].gap_m, 240);
  c.car(4).speed_mps = c.car(5).speed_mps = 26;  // catching up: 6 m/s faster
  const int64_t t1 = c.now_ms();
  c.Step(200);
  s = c.Raised(AlertKind::kStraggler);
  ASSERT_EQ(s.size(), 1u) << Summary(c.model().alerts());
  ASSERT_TRUE(s[0].cleared_ms.has_value());
  // Cleared below 100 m or 6 s (156 m at 26 m/s): the gap was ~1140 m + 60 m when catching up
  // began, closing at 6 m/s.
  EXPECT_GT(*s[0].cleared_ms, t1 + 150'000);
  EXPECT_EQ(c.model().alerts().size(), 1u) << Summary(c.model().alerts());
}

TEST(AlertRules, GapHoveringAroundTheThresholdRaisesOneAlert) {
  ScriptedConvoy c = Convoy(6);
  c.car(4).speed_mps = c.car(5).speed_mps = 10;
  c.Step(25);  // about 310 m behind: raised
  ASSERT_EQ(c.Raised(AlertKind::kStraggler).size(), 1u) << Summary(c.model().alerts());
  // Then the gap swings between ~150 m and ~310 m for ten minutes: above the clear threshold.
  for (int i = 0; i < 20; ++i) {
    c.car(4).speed_mps = c.car(5).speed_mps = 28;
    c.Step(15);
    c.car(4).speed_mps = c.car(5).speed_mps = 12;
    c.Step(15);
  }
  std::vector<Alert> s = c.Raised(AlertKind::kStraggler);
  ASSERT_EQ(s.size(), 1u) << Summary(c.model().alerts());
  EXPECT_TRUE(s[0].open());
}

TEST(AlertRules, RedLightSplitIsOneAlertNamingTheGroupBehind) {
  ScriptedConvoy c = Convoy(10);  // car 9 sweeps
  const int64_t t0 = c.now_ms();
  for (size_t i = 5; i < 10; ++i) c.car(i).speed_mps = 0;  // cars 5..9 wait at a red light
  c.Step(60);
  for (size_t i = 5; i < 10; ++i) c.car(i).speed_mps = 25;  // green: they catch up
  c.Step(300);
  const std::vector<Alert>& all = c.model().alerts();
  ASSERT_EQ(all.size(), 1u) << Summary(all);
  EXPECT_EQ(all[0].kind, AlertKind::kSplit);
  EXPECT_EQ(all[0].cars, (std::vector<uint32_t>{5, 6, 7, 8, 9}));
  EXPECT_LE(SecondsSince(t0, all[0].raised_ms), 20);
  ASSERT_TRUE(all[0].cleared_ms.has_value());
  EXPECT_GT(*all[0].cleared_ms, t0 + 60'000);
}

TEST(AlertRules, WrongTurnIsOffRouteOnceThenClearsBackOnTheRoute) {
  ScriptedConvoy c = Convoy(6);
  const int64_t t0 = c.now_ms();
  for (int s = 0; s < 30; ++s) {  // leaves at 10 m/s sideways, up to 300 m
    c.car(2).offset_m += 10;
    c.Step();
  }
  c.Step(60);
  for (int s = 0; s < 30; ++s) {
    c.car(2).offset_m -= 10;
    c.Step();
  }
  const int64_t back = c.now_ms();
  c.Step(60);
  const std::vector<Alert>& all = c.model().alerts();
  ASSERT_EQ(all.size(), 1u) << Summary(all);
  EXPECT_EQ(all[0].kind, AlertKind::kOffRoute);
  EXPECT_EQ(all[0].cars, std::vector<uint32_t>{2});
  // Past 100 m at 11 s, sustained 10 s.
  EXPECT_LE(SecondsSince(t0, all[0].raised_ms), 22);
  EXPECT_GT(all[0].offset_m, 100);
  ASSERT_TRUE(all[0].cleared_ms.has_value());
  EXPECT_GE(*all[0].cleared_ms, back);
  EXPECT_LE(*all[0].cleared_ms, back + 20'000);
}

TEST(AlertRules, DrivingAgainstTheRouteIsOffRoute) {
  ScriptedConvoy c = Convoy(6);
  c.car(2).speed_mps = -15;
  c.Step(30);
  std::vector<Alert> off = c.Raised(AlertKind::kOffRoute);
  ASSERT_EQ(off.size(), 1u) << Summary(c.model().alerts());
  EXPECT_EQ(off[0].cars, std::vector<uint32_t>{2});
  EXPECT_GT(std::fabs(off[0].heading_diff_deg), 170);
}

TEST(AlertRules, BreakdownIsStoppedNotStragglerNorBehindSweep) {
  ScriptedConvoy c = Convoy(8);  // car 7 sweeps
  const int64_t t0 = c.now_ms();
  c.car(2).speed_mps = 0;  // breaks down; the others pass it, the sweep stays with it
  for (int s = 0; s < 300; ++s) {
    if (c.car(7).along_m >= c.car(2).along_m - 40) c.car(7).speed_mps = 0;
    c.Step();
  }
  c.car(2).speed_mps = c.car(7).speed_mps = 26;  // repaired: both catch up
  c.Step(600);
  const std::vector<Alert>& all = c.model().alerts();
  ASSERT_EQ(all.size(), 1u) << Summary(all);
  EXPECT_EQ(all[0].kind, AlertKind::kStopped);
  EXPECT_EQ(all[0].cars, std::vector<uint32_t>{2});
  EXPECT_GE(SecondsSince(t0, all[0].raised_ms), 15);
  EXPECT_LE(SecondsSince(t0, all[0].raised_ms), 17);
  ASSERT_TRUE(all[0].cleared_ms.has_value());
  EXPECT_GT(*all[0].cleared_ms, t0 + 300'000);
  EXPECT_LE(*all[0].cleared_ms, t0 + 310'000);
}

TEST(AlertRules, SilentCarIsDarkAndDeadReckonedNotAStraggler) {
  ScriptedConvoy c = Convoy(6);
  const int64_t t0 = c.now_ms();
  c.car(2).silent = true;
  c.Step(60);
  ConvoySnapshot s = c.model().Snapshot(c.now_ms());
  EXPECT_EQ(s.cars[2].state, CarState::kDark);
  EXPECT_TRUE(s.cars[2].estimated);
  // Dead-reckoned at 20 m/s: about where it really is.
  EXPECT_NEAR(s.cars[2].estimate_along_m, c.car(2).along_m - kSpeed, 25);
  EXPECT_EQ(s.cars[2].order, 3u);
  c.car(2).silent = false;
  c.Step(30);
  const std::vector<Alert>& all = c.model().alerts();
  ASSERT_EQ(all.size(), 1u) << Summary(all);
  EXPECT_EQ(all[0].kind, AlertKind::kDark);
  EXPECT_EQ(all[0].cars, std::vector<uint32_t>{2});
  EXPECT_GE(SecondsSince(t0, all[0].raised_ms), 20);
  EXPECT_LE(SecondsSince(t0, all[0].raised_ms), 22);
  ASSERT_TRUE(all[0].cleared_ms.has_value());
  EXPECT_EQ(*all[0].cleared_ms, t0 + 60'000);
}

TEST(AlertRules, CarDroppingBehindTheSweepIsBehindSweepOnly) {
  ScriptedConvoy c = Convoy(6);  // car 5 sweeps
  c.car(3).speed_mps = 17;       // the cars behind it overtake; it drops behind the sweep
  c.Step(120);
  const std::vector<Alert>& all = c.model().alerts();
  ASSERT_EQ(all.size(), 1u) << Summary(all);
  EXPECT_EQ(all[0].kind, AlertKind::kBehindSweep);
  EXPECT_EQ(all[0].cars, std::vector<uint32_t>{3});
  EXPECT_GT(all[0].gap_m, 100);
  c.car(3).speed_mps = 26;
  c.Step(120);
  ASSERT_TRUE(c.model().alerts()[0].cleared_ms.has_value());
  EXPECT_EQ(c.model().alerts().size(), 1u) << Summary(c.model().alerts());
}

TEST(AlertRules, SosIsOneAlertUntilResolved) {
  ScriptedConvoy c = Convoy(4);
  uint64_t id = c.model().RaiseSos(2, c.now_ms(), "flat tyre");
  ASSERT_NE(id, 0u);
  EXPECT_EQ(c.model().RaiseSos(2, c.now_ms() + 5000), id);  // pressed again: same incident
  EXPECT_EQ(c.model().Snapshot(c.now_ms()).cars[2].state, CarState::kSos);
  EXPECT_TRUE(c.model().Acknowledge(id, "Anna", c.now_ms() + 10'000).ok());
  Status again = c.model().Acknowledge(id, "Marco", c.now_ms() + 11'000);
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.message().find("Anna"), std::string::npos) << again.message();
  EXPECT_FALSE(c.model().Acknowledge(99, "Anna", c.now_ms()).ok());
  EXPECT_TRUE(c.model().Resolve(id, "Anna", c.now_ms() + 60'000).ok());
  EXPECT_FALSE(c.model().Resolve(id, "Anna", c.now_ms() + 61'000).ok());
  c.Collect();
  ASSERT_EQ(c.events().size(), 3u);
  EXPECT_EQ(c.events()[0].type, AlertEventType::kRaised);
  EXPECT_EQ(c.events()[0].alert.text, "flat tyre");
  EXPECT_EQ(c.events()[1].type, AlertEventType::kAcknowledged);
  EXPECT_EQ(c.events()[1].alert.acknowledged_by, "Anna");
  EXPECT_EQ(c.events()[2].type, AlertEventType::kCleared);
  EXPECT_EQ(c.events()[2].alert.cleared_by, "Anna");
  EXPECT_EQ(*c.events()[2].alert.cleared_ms, c.now_ms() + 60'000);
  // A new press after the resolution is a new incident.
  EXPECT_NE(c.model().RaiseSos(2, c.now_ms() + 70'000), id);
}

TEST(AlertRules, OnlySosIsResolvedByStaff) {
  ScriptedConvoy c = Convoy(6);
  c.car(2).speed_mps = -15;
  c.Step(30);
  ASSERT_EQ(c.model().alerts().size(), 1u);
  Status st = c.model().Resolve(1, "Anna", c.now_ms());
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("OFF_ROUTE"), std::string::npos) << st.message();
}

TEST(AlertRules, EventsCarryEachChangeOnce) {
  ScriptedConvoy c = Convoy(6);
  c.car(2).silent = true;
  c.Step(40);
  c.car(2).silent = false;
  c.Step(5);
  ASSERT_EQ(c.events().size(), 2u);
  EXPECT_EQ(c.events()[0].type, AlertEventType::kRaised);
  EXPECT_EQ(c.events()[1].type, AlertEventType::kCleared);
  EXPECT_EQ(c.events()[0].alert.id, c.events()[1].alert.id);
  EXPECT_TRUE(c.model().TakeEvents().empty());
}

}  // namespace
}  // namespace convoy::hub::testing
