// The two-day tour (tests/data/tour/amalfi_two_days.tour, real roads through GDAL) through the
// convoy model with the fixes' own time as its clock: every scripted incident raises exactly one
// alert of the right kind for the right car or group, within 30 s, cleared after it ends; a
// clean tour with GPS noise raises none; the same stream twice gives the same alerts.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "hub/model/convoy_model.h"
#include "hub/model/model_test_util.h"
#include "maps/tour_plan.h"
#include "support/sample_tour.h"
#include "tracker/scenario/tour_scenario.h"

namespace convoy::hub::testing {
namespace {

using tracker::TourOptions;
using tracker::TourScenario;

const maps::LoadedTour& Tour() { return test::SampleTour(); }

struct TourRun {
  std::vector<Alert> alerts;
  std::vector<std::string> event_rows;
  uint64_t fixes = 0;
};

// Feeds the whole scenario to a model; `at` is called with the model at each of `times`.
TourRun RunTour(
    const TourScenario& scenario,
    const std::map<int64_t, std::function<void(const ConvoyModel&, int64_t)>>& at = {}) {
  // The plan's own [alerts], as the hub applies them.
  static const Thresholds thresholds = [] {
    Result<Thresholds> t = ApplyThresholds(Tour().plan.alerts, "amalfi_two_days.tour [alerts]");
    if (!t.ok()) {
      ADD_FAILURE() << t.message();
      return Thresholds{};
    }
    return *t;
  }();
  ConvoyModel model(Cars(scenario.num_cars()), PlanFromTour(Tour()), thresholds);
  std::vector<std::string> ids;
  for (size_t i = 0; i < scenario.num_cars(); ++i) ids.push_back("car" + std::to_string(i));
  TourRun run;
  auto next_check = at.begin();
  auto collect = [&] {
    for (const AlertEvent& e : model.TakeEvents()) {
      run.event_rows.push_back(std::string(AlertEventTypeName(e.type)) + "," +
                               std::to_string(e.time_ms) + "," + AlertCsvRow(e.alert, ids));
    }
  };
  TourScenario::Stream stream = scenario.Events();
  tracker::ScenarioEvent e;
  while (stream.Next(e)) {
    while (next_check != at.end() && next_check->first <= e.time_ms) {
      model.AdvanceTo(next_check->first);
      next_check->second(model, next_check->first);
      ++next_check;
    }
    model.AdvanceTo(e.time_ms);
    switch (e.kind) {
      case tracker::ScenarioEventKind::kFix:
        model.OnFix(e.car, e.fix, e.time_ms);
        ++run.fixes;
        break;
      case tracker::ScenarioEventKind::kSos:
        model.RaiseSos(e.car, e.time_ms, e.text);
        break;
      case tracker::ScenarioEventKind::kSosResolved:
        for (const Alert& a : model.alerts()) {
          if (a.kind == AlertKind::kSos && a.open() && a.cars.front() == e.car) {
            EXPECT_TRUE(model.Resolve(a.id, "staff", e.time_ms).ok());
          }
        }
        break;
      case tracker::ScenarioEventKind::kRadio:
        break;
    }
    collect();
  }
  model.AdvanceTo(scenario.end_ms());
  collect();
  run.alerts = model.alerts();
  return run;
}

std::string Describe(const Alert& a, const TourScenario& s) {
  std::string text = std::string(AlertKindName(a.kind)) + "#" + std::to_string(a.id) + " cars";
  for (uint32_t c : a.cars) text += " " + std::to_string(c);
  text += " raised +" + std::to_string((a.raised_ms - s.start_ms()) / 1000) + "s";
  if (a.cleared_ms)
    text += " cleared after " + std::to_string((*a.cleared_ms - a.raised_ms) / 1000) + "s";
  char buf[96];
  std::snprintf(buf, sizeof buf, " gap %.0f m/%.0f s off %.0f km %.1f", a.gap_m, a.gap_s,
                a.offset_m, a.along_m / 1000);
  return text + buf;
}

TEST(Tour, EveryIncidentRaisesExactlyOneAlertOfTheRightKindInTime) {
  Result<TourScenario> scenario = TourScenario::Create(Tour(), TourOptions{});
  ASSERT_TRUE(scenario.ok()) << scenario.message();
  const TourRun run = RunTour(*scenario);
  EXPECT_GT(run.fixes, 2'000'000u);

  std::set<uint64_t> matched;
  size_t expected_count = 0;
  for (const tracker::Incident& incident : scenario->incidents()) {
    for (const tracker::ExpectedAlert& want : incident.alerts) {
      ++expected_count;
      std::vector<const Alert*> found;
      for (const Alert& a : run.alerts) {
        if (AlertKindName(a.kind) == want.kind && a.cars == want.cars &&
            a.raised_ms >= want.start_ms - 1000 && a.raised_ms <= want.clear_by_ms) {
          found.push_back(&a);
        }
      }
      ASSERT_EQ(found.size(), 1u) << incident.name << ": " << incident.description << " ("
                                  << want.kind << " for car " << want.cars.front() << ")";
      const Alert& a = *found.front();
      matched.insert(a.id);
      EXPECT_LE(a.raised_ms, want.start_ms + 30'000)
          << incident.name << ": raised " << (a.raised_ms - want.start_ms) / 1000.0
          << " s after the start";
      ASSERT_TRUE(a.cleared_ms.has_value()) << incident.name;
      EXPECT_GE(*a.cleared_ms, want.end_ms)
          << incident.name << ": cleared " << (want.end_ms - *a.cleared_ms) / 1000.0
          << " s before the end";
      EXPECT_LE(*a.cleared_ms, want.clear_by_ms)
          << incident.name << ": cleared " << (*a.cleared_ms - want.clear_by_ms) / 1000.0
          << " s late";
    }
  }
  EXPECT_GE(expected_count, 45u);
  for (const Alert& a : run.alerts) {
    EXPECT_TRUE(matched.count(a.id)) << "unexpected: " << Describe(a, *scenario);
  }
}

TEST(Tour, CleanTourWithGpsNoiseRaisesNoAlert) {
  for (uint64_t seed : {1, 2, 3}) {
    TourOptions options;
    options.seed = seed;
    options.incidents = false;
    Result<TourScenario> scenario = TourScenario::Create(Tour(), options);
    ASSERT_TRUE(scenario.ok()) << scenario.message();
    EXPECT_TRUE(scenario->incidents().empty());
    const TourRun run = RunTour(*scenario);
    for (const Alert& a : run.alerts) {
      ADD_FAILURE() << "seed " << seed << ": " << Describe(a, *scenario);
    }
  }
}

TEST(Tour, LateCarsAreMissingAtTheMeetingPointWithTheirEta) {
  Result<TourScenario> scenario = TourScenario::Create(Tour(), TourOptions{});
  ASSERT_TRUE(scenario.ok()) << scenario.message();
  std::map<int64_t, std::function<void(const ConvoyModel&, int64_t)>> checks;
  int checked = 0;
  for (const tracker::Incident& incident : scenario->incidents()) {
    if (incident.name != "late-arrival") continue;
    const uint32_t car = incident.cars.front();
    const int64_t arrive_ms = incident.end_ms;
    // Ten minutes before it arrives, on its way from home.
    checks[arrive_ms - 600'000] = [&, car, arrive_ms](const ConvoyModel& model, int64_t now) {
      ConvoySnapshot s = model.Snapshot(now);
      EXPECT_FALSE(s.departed);
      ASSERT_TRUE(s.next_rally.has_value());
      EXPECT_EQ(s.next_rally->name, "Service area (meeting point)");
      auto m = std::find_if(s.next_rally->missing.begin(), s.next_rally->missing.end(),
                            [car](const MissingCar& x) { return x.car == car; });
      ASSERT_NE(m, s.next_rally->missing.end()) << "car " << car;
      EXPECT_GT(m->distance_m, 1000);
      // The ETA from its closing rate, within 25 % of the truth (its road winds).
      EXPECT_NEAR(m->eta_s, (arrive_ms - now) / 1000.0, 150) << "car " << car;
      EXPECT_EQ(s.cars[car].state, CarState::kNotStarted);
      ++checked;
    };
    checks[arrive_ms + 60'000] = [&, car](const ConvoyModel& model, int64_t now) {
      ConvoySnapshot s = model.Snapshot(now);
      EXPECT_NE(std::find(s.next_rally->arrived.begin(), s.next_rally->arrived.end(), car),
                s.next_rally->arrived.end());
      ++checked;
    };
  }
  ASSERT_EQ(checks.size(), 4u);
  RunTour(*scenario, checks);
  EXPECT_EQ(checked, 4);
}

TEST(Tour, ReplayingTheTourTwiceGivesTheSameAlerts) {
  TourOptions options;
  options.seed = 7;
  Result<TourScenario> scenario = TourScenario::Create(Tour(), options);
  ASSERT_TRUE(scenario.ok()) << scenario.message();
  const TourRun first = RunTour(*scenario);
  const TourRun second = RunTour(*scenario);
  EXPECT_GE(first.event_rows.size(), 90u);
  EXPECT_EQ(first.event_rows, second.event_rows);
}

}  // namespace
}  // namespace convoy::hub::testing
