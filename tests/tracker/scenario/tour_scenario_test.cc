// The tour scenario on the sample tour (tests/data/tour, real roads through GDAL): deterministic,
// time-ordered, 1 Hz, every fix acceptable to the hub's quality gate, and the incidents it
// promises.
#include "tracker/scenario/tour_scenario.h"
#include "support/sample_tour.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "maps/tour_plan.h"
#include "proto/fix_quality.h"

namespace convoy::tracker {
namespace {

const maps::LoadedTour& Tour() { return test::SampleTour(); }

TourScenario Make(TourOptions options = {}) {
  Result<TourScenario> s = TourScenario::Create(Tour(), options);
  EXPECT_TRUE(s.ok()) << s.message();
  return std::move(*s);
}

TEST(TourScenario, WholeTourIsTimeOrderedOneHertzAndPassesTheFixGate) {
  TourScenario s = Make();
  std::vector<proto::FixGate> gates(s.num_cars());
  std::vector<int64_t> last(s.num_cars(), INT64_MIN);
  std::map<proto::FixVerdict, int> verdicts;
  uint64_t fixes = 0, one_second = 0, specials = 0;
  int64_t prev = INT64_MIN;
  const auto started = std::chrono::steady_clock::now();
  TourScenario::Stream stream = s.Events();
  ScenarioEvent e;
  while (stream.Next(e)) {
    ASSERT_GE(e.time_ms, prev);
    prev = e.time_ms;
    ASSERT_LT(e.car, s.num_cars());
    if (e.kind != ScenarioEventKind::kFix) {
      ++specials;
      continue;
    }
    ++fixes;
    ASSERT_EQ(e.fix.time_ms, e.time_ms);
    ASSERT_TRUE(proto::InRange(e.fix));
    if (last[e.car] != INT64_MIN) {
      ASSERT_GE(e.time_ms - last[e.car], 1000) << "car " << e.car;
      one_second += e.time_ms - last[e.car] == 1000;
    }
    last[e.car] = e.time_ms;
    ++verdicts[gates[e.car].Check(e.fix, e.time_ms)];
  }
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%llu fixes in %.2f s\n", static_cast<unsigned long long>(fixes), secs);
  EXPECT_GT(fixes, 2'000'000u);
  EXPECT_GT(one_second, fixes * 99 / 100);
  EXPECT_EQ(specials, 3u);  // SOS, its resolution, the broken-down car's radio message
  EXPECT_EQ(verdicts[proto::FixVerdict::kGood], static_cast<int>(fixes));
  for (const auto& [v, count] : verdicts) {
    EXPECT_EQ(v, proto::FixVerdict::kGood) << count << " fixes " << proto::FixVerdictName(v);
  }
  EXPECT_LE(s.start_ms(), prev);
  EXPECT_GE(s.end_ms(), prev);
}

TEST(TourScenario, SameSeedSameEventsOtherSeedOtherNoise) {
  auto first = [](TourScenario s, int n) {
    std::vector<proto::Fix> out;
    TourScenario::Stream stream = s.Events();
    ScenarioEvent e;
    while (static_cast<int>(out.size()) < n && stream.Next(e)) out.push_back(e.fix);
    return out;
  };
  TourOptions a;
  a.seed = 5;
  EXPECT_EQ(first(Make(a), 20'000), first(Make(a), 20'000));
  TourOptions b = a;
  b.seed = 6;
  EXPECT_NE(first(Make(a), 20'000), first(Make(b), 20'000));
}

TEST(TourScenario, IncidentsAreTheScriptedOnesWithTheAlertsTheyShouldRaise) {
  TourScenario s = Make();
  std::map<std::string, const Incident*> by_name;
  for (const Incident& i : s.incidents()) {
    if (i.name != "late-arrival") by_name[i.name] = &i;
    EXPECT_LE(i.start_ms, i.end_ms) << i.name;
    for (const ExpectedAlert& a : i.alerts) {
      EXPECT_LT(a.start_ms, a.clear_by_ms) << i.name;
      EXPECT_LE(a.end_ms, a.clear_by_ms) << i.name;
    }
  }
  for (const char* name : {"straggler", "wrong-turn", "breakdown", "tunnel", "red-light", "sos"}) {
    ASSERT_TRUE(by_name.count(name)) << name;
  }
  EXPECT_EQ(s.incidents().size(), 8u);  // two late arrivals
  EXPECT_EQ(by_name["straggler"]->alerts.front().kind, "STRAGGLER");
  EXPECT_EQ(by_name["straggler"]->cars, std::vector<uint32_t>{38});  // the car before the sweep
  EXPECT_EQ(by_name["wrong-turn"]->alerts.front().kind, "OFF_ROUTE");
  EXPECT_EQ(by_name["breakdown"]->alerts.front().kind, "STOPPED");
  EXPECT_NEAR((by_name["breakdown"]->end_ms - by_name["breakdown"]->start_ms) / 1000.0, 605, 30);
  EXPECT_EQ(by_name["sos"]->alerts.front().kind, "SOS");
  EXPECT_EQ(by_name["sos"]->leg, 1u);
  // The red light splits the convoy after car 25: the 15 cars from index 25 on.
  const ExpectedAlert& split = by_name["red-light"]->alerts.front();
  EXPECT_EQ(split.kind, "SPLIT");
  ASSERT_EQ(split.cars.size(), 15u);
  EXPECT_EQ(split.cars.front(), 25u);
  EXPECT_EQ(split.cars.back(), 39u);
  // Every car goes through the tunnel, silent for about three minutes.
  const Incident& tunnel = *by_name["tunnel"];
  EXPECT_EQ(tunnel.alerts.size(), 40u);
  for (const ExpectedAlert& a : tunnel.alerts) {
    EXPECT_EQ(a.kind, "DARK");
    EXPECT_GT(a.end_ms - a.start_ms, 130'000);  // cars making up time drive it faster
    EXPECT_LT(a.end_ms - a.start_ms, 200'000);
    for (int64_t t = a.start_ms; t < a.end_ms; t += 1000) {
      ASSERT_FALSE(s.TruthAt(a.cars.front(), t).reporting) << "car " << a.cars.front();
    }
    EXPECT_TRUE(s.TruthAt(a.cars.front(), a.end_ms).reporting);
  }
}

TEST(TourScenario, LateCarsConvergeFromHomeAndArriveBeforeDeparture) {
  TourScenario s = Make();
  const maps::RallyPoint& meet = Tour().legs[0].rally_points[0];
  int late = 0;
  for (const Incident& i : s.incidents()) {
    if (i.name != "late-arrival") continue;
    ++late;
    EXPECT_TRUE(i.alerts.empty());
    const uint32_t car = i.cars.front();
    CarTruth before = s.TruthAt(car, i.end_ms - 600'000);
    EXPECT_TRUE(before.reporting);
    EXPECT_FALSE(before.on_tour);
    EXPECT_GT(maps::GeodesicDistanceM(before.position, meet.position), 2000);
    CarTruth after = s.TruthAt(car, i.end_ms + 1000);
    EXPECT_TRUE(after.on_tour);
    EXPECT_LT(maps::GeodesicDistanceM(after.position, meet.position), meet.radius_m);
    EXPECT_LT(i.end_ms, *meet.depart_utc_ms);
  }
  EXPECT_EQ(late, 2);
}

TEST(TourScenario, ConvoyLeavesTheMeetingPointInOrderAndDrivesTheRoute) {
  TourOptions clean;
  clean.seed = 3;
  clean.incidents = false;
  TourScenario s = Make(clean);
  const maps::LoadedLeg& leg = Tour().legs[0];
  const int64_t depart = *leg.rally_points[0].depart_utc_ms;
  // Half an hour after departure: every car on the road, in roster order, a few seconds apart.
  const int64_t t = depart + 1'800'000;
  double prev_along = 1e18;
  for (uint32_t car = 0; car < s.num_cars(); ++car) {
    CarTruth truth = s.TruthAt(car, t);
    EXPECT_TRUE(truth.on_tour);
    EXPECT_EQ(truth.leg, 0u);
    EXPECT_LT(truth.along_m, prev_along) << car;
    if (car > 0) {
      EXPECT_GT(prev_along - truth.along_m, 1.5 * truth.speed_mps) << car;
      EXPECT_LT(prev_along - truth.along_m, 5.0 * truth.speed_mps) << car;
    }
    EXPECT_GT(truth.speed_mps, 8);
    prev_along = truth.along_m;
  }
  EXPECT_TRUE(s.incidents().empty());
}

TEST(TourScenario, RefusesToursItCannotDrive) {
  maps::LoadedTour tour = Tour();
  tour.legs[1].rally_points[0].depart_utc_ms.reset();
  Result<TourScenario> s = TourScenario::Create(tour, {});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "leg 'Scenic loop on the coast road': its first rally point 'Positano scenic area' has "
            "no planned departure");
  TourOptions too_few;
  too_few.cars = 5;  // fewer than the 8 the incidents need
  EXPECT_FALSE(TourScenario::Create(Tour(), too_few).ok());
  EXPECT_FALSE(TourScenario::Create(maps::LoadedTour{}, {}).ok());
}

}  // namespace
}  // namespace convoy::tracker

namespace convoy::tracker {
namespace {

TEST(TourScenario, SkipToStartsWhereTheFullStreamIs) {
  TourScenario s = Make();
  const int64_t from = *Tour().legs[0].rally_points[0].depart_utc_ms + 1234;
  std::vector<ScenarioEvent> full, skipped;
  TourScenario::Stream a = s.Events();
  ScenarioEvent e;
  while (a.Next(e) && full.size() < 5000) {
    if (e.time_ms >= from) full.push_back(e);
  }
  TourScenario::Stream b = s.Events();
  b.SkipTo(from);
  while (skipped.size() < full.size() && b.Next(e)) skipped.push_back(e);
  ASSERT_EQ(skipped.size(), full.size());
  for (size_t i = 0; i < full.size(); ++i) {
    EXPECT_EQ(skipped[i].time_ms, full[i].time_ms) << i;
    EXPECT_EQ(skipped[i].car, full[i].car) << i;
    // The GPS noise is a sequence per car: skipping changes it, not the truth underneath. Two
    // independent noises differ by up to one multipath excursion (35 m) plus the drift and
    // jitter of both (sigma about 4.5 m a side): 60 m bounds it with a wide margin.
    EXPECT_LT(maps::GeodesicDistanceM(maps::LatLon::FromFix(skipped[i].fix).value(),
                                      maps::LatLon::FromFix(full[i].fix).value()),
              60)
        << i;
  }
}

}  // namespace
}  // namespace convoy::tracker
