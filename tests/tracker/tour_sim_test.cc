// The two-day tour through a real hub: convoy-sim's tour engine (each car its own uplink, spool
// and outbox over loopback; phones over the OsmAnd protocol) against an in-process hub run with
// --plan tests/data/tour/amalfi_two_days.tour and --clock fix-time, played much faster than real
// time. Alerts are read back from the hub's journal. For every scripted incident: exactly one
// alert of the right kind for the right car or group, raised within 30 s of simulated time after
// the incident begins and cleared after it ends; clean excerpts with GPS noise raise none.
//
// CI time: each test plays a short excerpt of the tour (minutes of simulated time around an
// incident) at 60-150x; the model's own tests (tests/hub/model/tour_test.cc) run the whole tour.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "convoy/v1/journal.pb.h"
#include "hub/journal_reader.h"
#include "maps/tour_plan.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"
#include "tracker/tour_sim.h"

namespace convoy {
namespace {

using testing::HubHarness;
using testing::TempDir;

constexpr size_t kCars = 40;

// The sample plan moved to recent dates (the hub's fix gate refuses fixes over 8 days old), in a
// directory that lives as long as the test process.
std::string PlanPath() {
  static TempDir dir;
  static const std::string path = [] {
    auto copy = tracker::WriteDatedPlanCopy(
        std::string(CONVOY_TEST_DATA) + "/tour/amalfi_two_days.tour", dir.path(),
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now().time_since_epoch())
            .count());
    if (!copy.ok()) {
      ADD_FAILURE() << copy.message();
      std::abort();
    }
    return *copy;
  }();
  return path;
}

struct HubAlert {
  uint64_t id = 0;
  std::string kind;
  std::vector<uint32_t> cars;  // roster indices (car1 is 0)
  int64_t raised_ms = 0, cleared_ms = 0;
};

std::string Describe(const HubAlert& a) {
  std::string text = a.kind + "#" + std::to_string(a.id) + " cars";
  for (uint32_t c : a.cars) text += " " + std::to_string(c);
  return text + " raised " + std::to_string(a.raised_ms) + " cleared " +
         std::to_string(a.cleared_ms);
}

// Every alert in its latest recorded state, by id.
std::vector<HubAlert> ReadAlerts(const std::filesystem::path& data_dir) {
  std::map<uint64_t, HubAlert> alerts;
  Status status = hub::ReadJournal(
      data_dir, [&](hub::RecordType type, std::string_view payload, const hub::RecordPosition&) {
        if (type != hub::RecordType::kAlert) return;
        v1::JournalAlert record;
        ASSERT_TRUE(record.ParseFromArray(payload.data(), static_cast<int>(payload.size())));
        HubAlert& a = alerts[record.alert_id()];
        a.id = record.alert_id();
        a.kind = record.kind();
        a.cars.clear();
        for (const std::string& id : record.car_ids()) {
          a.cars.push_back(static_cast<uint32_t>(std::stoul(id.substr(3)) - 1));
        }
        a.raised_ms = record.raised_ms();
        a.cleared_ms = record.cleared_ms();
      });
  EXPECT_TRUE(status.ok()) << status.message();
  std::vector<HubAlert> out;
  for (auto& [id, a] : alerts) out.push_back(a);
  return out;
}

struct Excerpt {
  tracker::TourOptions tour;
  int64_t from_ms = 0, until_ms = 0;
  double speedup = 100;
  size_t phones = 0;
  std::vector<uint32_t> phone_cars;
};

struct PlayResult {
  std::vector<HubAlert> alerts;
  tracker::TourSimReport report;
  std::shared_ptr<const hub::ConvoySnapshot> snapshot;  // the hub's last, after the excerpt
};

PlayResult Play(const Excerpt& excerpt) {
  TempDir dir;
  const std::string roster_csv = testing::TestRosterCsv(kCars);
  { std::ofstream(dir / "cars.csv") << roster_csv; }
  auto roster = proto::Roster::Load((dir / "cars.csv").string());
  EXPECT_TRUE(roster.ok()) << roster.message();
  PlayResult result;
  {
    HubHarness hub(dir / "data", roster_csv, 0, [&](hub::HubOptions& options) {
      options.plan_path = PlanPath();
      options.clock = hub::ModelClock::kFixTime;
      if (excerpt.phones > 0 || !excerpt.phone_cars.empty())
        options.osmand = proto::HostPort{"127.0.0.1", 0};
    });
    tracker::TourSimOptions options;
    options.hub = {"127.0.0.1", hub.port()};
    if (hub.osmand_port() != 0) options.osmand = proto::HostPort{"127.0.0.1", hub.osmand_port()};
    options.phone_cars = excerpt.phone_cars;
    options.plan_path = PlanPath();
    options.speedup = excerpt.speedup;
    options.tour = excerpt.tour;
    options.phones = excerpt.phones;
    options.from_ms = excerpt.from_ms;
    options.until_ms = excerpt.until_ms;
    auto report = tracker::RunTourSimulation(*roster, options, [](std::string_view) {});
    EXPECT_TRUE(report.ok()) << report.message();
    if (report.ok()) {
      result.report = *report;
      EXPECT_TRUE(report->drained) << "the hub did not take every fix and message in time";
    }
    // The model publishes its snapshot on its 1 s tick.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    result.snapshot = hub.hub().convoy().snapshot();
  }  // the hub stops: its journal is written and synced
  result.alerts = ReadAlerts(dir / "data");
  return result;
}

// The scenario with only `name` scripted, as the excerpt plays it (another incident earlier on
// changes when the cars involved reach the later ones: the broken-down car enters the tunnel
// later).
const tracker::Incident& FindIncident(const std::string& name) {
  static std::map<std::string, tracker::TourScenario> scenarios;
  auto it = scenarios.find(name);
  if (it == scenarios.end()) {
    auto tour = maps::LoadTour(PlanPath());
    if (!tour.ok()) std::abort();
    tracker::TourOptions options;
    options.cars = kCars;
    options.only_incidents = {name};
    auto s = tracker::TourScenario::Create(*tour, options);
    if (!s.ok()) std::abort();
    it = scenarios.emplace(name, std::move(*s)).first;
  }
  for (const tracker::Incident& incident : it->second.incidents()) {
    if (incident.name == name) return incident;
  }
  ADD_FAILURE() << "no incident " << name;
  std::abort();
}

// Checks the issue's rule for each expected alert and that nothing else was raised.
void ExpectExactly(const tracker::Incident& incident, const std::vector<HubAlert>& alerts) {
  std::set<uint64_t> matched;
  for (const tracker::ExpectedAlert& want : incident.alerts) {
    std::vector<const HubAlert*> found;
    for (const HubAlert& a : alerts) {
      if (a.kind == want.kind && a.cars == want.cars && a.raised_ms >= want.start_ms - 1000 &&
          a.raised_ms <= want.clear_by_ms) {
        found.push_back(&a);
      }
    }
    ASSERT_EQ(found.size(), 1u) << incident.name << ": " << want.kind << " for car "
                                << want.cars.front();
    const HubAlert& a = *found.front();
    matched.insert(a.id);
    EXPECT_LE(a.raised_ms, want.start_ms + 30'000)
        << incident.name << ": raised " << (a.raised_ms - want.start_ms) / 1000.0
        << " s after the start";
    if (want.kind == "SOS") continue;  // staff resolve it at the hub (the API's part)
    ASSERT_NE(a.cleared_ms, 0) << incident.name << ": never cleared";
    EXPECT_GE(a.cleared_ms, want.end_ms) << incident.name << ": cleared before the end";
    EXPECT_LE(a.cleared_ms, want.clear_by_ms)
        << incident.name << ": cleared " << (a.cleared_ms - want.clear_by_ms) / 1000.0 << " s late";
  }
  for (const HubAlert& a : alerts) {
    EXPECT_TRUE(matched.count(a.id)) << incident.name << ": unexpected " << Describe(a);
  }
}

// Plays just this incident, from a few minutes before it until it should have cleared.
void PlayIncident(const std::string& name, double speedup, std::vector<uint32_t> phone_cars = {}) {
  const tracker::Incident& incident = FindIncident(name);
  Excerpt excerpt;
  excerpt.tour.only_incidents = {name};
  excerpt.from_ms = incident.start_ms - 4 * 60'000;
  int64_t clear_by = incident.end_ms;
  for (const auto& want : incident.alerts) clear_by = std::max(clear_by, want.clear_by_ms);
  excerpt.until_ms = clear_by + 60'000;
  excerpt.speedup = speedup;
  excerpt.phone_cars = std::move(phone_cars);
  const PlayResult played = Play(excerpt);
  EXPECT_GT(played.report.fixes, 0u);
  ExpectExactly(incident, played.alerts);
}

// Incidents judged from neighbours (gaps, a queue at a red light, a car stopped alone) play at
// 40x: the model counts a neighbour's position as current for 5 s of fix time, which at 120x is
// 42 ms of wall time, less than the scheduling skew between 40 cars' uplinks on two busy cores
// (a car waiting at the red light then looked alone, and STOPPED). At 40x it is 125 ms.
constexpr double kNeighbourSpeedup = 40;
TEST(TourThroughHub, StragglerRaisesOneStragglerAlert) {
  PlayIncident("straggler", kNeighbourSpeedup);
}
TEST(TourThroughHub, WrongTurnRaisesOneOffRouteAlert) { PlayIncident("wrong-turn", 120); }
TEST(TourThroughHub, BreakdownRaisesOneStoppedAlert) {
  PlayIncident("breakdown", kNeighbourSpeedup);
}
TEST(TourThroughHub, TunnelRaisesOneDarkAlertPerCarAndBackfills) { PlayIncident("tunnel", 120); }
TEST(TourThroughHub, RedLightRaisesOneSplitAlertNamingTheGroup) {
  PlayIncident("red-light", kNeighbourSpeedup);
}

// The SOS is a CarMessage from car 7's unit; staff resolve it at the hub (not checked here).
TEST(TourThroughHub, SosFromTheUnitRaisesOneSosAlert) { PlayIncident("sos", 120); }
// The same from a phone: alarm=sos on its next report.
TEST(TourThroughHub, SosFromAPhoneRaisesOneSosAlert) {
  PlayIncident("sos", 60, {FindIncident("sos").cars.front()});
}

// Departure from the meeting point and the first half hour on the road, no incident, with GPS
// noise, several seeds: not one alert.
TEST(TourThroughHub, CleanDepartureRaisesNoAlert) {
  const int64_t depart_ms = FindIncident("late-arrival").end_ms + 20 * 60'000;  // 10:00 local
  for (uint64_t seed : {1, 2, 3}) {
    Excerpt excerpt;
    excerpt.tour.seed = seed;
    excerpt.tour.incidents = false;
    excerpt.from_ms = depart_ms - 10 * 60'000;
    excerpt.until_ms = depart_ms + 30 * 60'000;
    excerpt.speedup = 150;
    const PlayResult played = Play(excerpt);
    EXPECT_GT(played.report.fixes, 80'000u);
    for (const HubAlert& a : played.alerts) {
      ADD_FAILURE() << "seed " << seed << ": " << Describe(a);
    }
  }
}

// Issue 7: a mixed convoy (10 phones over OsmAnd, 30 units) is followed as one convoy: every car
// in the order, no alert.
TEST(TourThroughHub, MixedConvoyOfPhonesAndUnitsIsOneConvoy) {
  const int64_t depart_ms = FindIncident("late-arrival").end_ms + 20 * 60'000;
  Excerpt excerpt;
  excerpt.tour.incidents = false;
  excerpt.from_ms = depart_ms + 20 * 60'000;
  excerpt.until_ms = depart_ms + 35 * 60'000;
  excerpt.speedup = 60;
  excerpt.phones = 10;
  const PlayResult played = Play(excerpt);
  EXPECT_GT(played.report.phone_reports_ok, 8'000u);
  ASSERT_TRUE(played.snapshot);
  EXPECT_EQ(played.snapshot->order.size(), kCars) << "cars in the convoy's order";
  for (const HubAlert& a : played.alerts) ADD_FAILURE() << Describe(a);
}

}  // namespace
}  // namespace convoy
