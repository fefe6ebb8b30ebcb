// ReplayApi over real journals written with hub::Journal: the JSON answers, the tail a live hub
// keeps writing, backfills and duplicates, and the refusals of bad queries.
#include "hub/replay/replay_api.h"

#include <gtest/gtest.h>

#include <fstream>

#include "hub/export/test_recording.h"
#include "proto/json.h"
#include "proto/record_log.h"
#include "support/temp_dir.h"

namespace convoy::hub::replay {
namespace {

using proto::JsonValue;
using testing::kTestStartMs;
using testing::StraightDrive;
using testing::TempDir;
using testing::TestCar;

const maps::LatLon kRome = *maps::LatLon::FromDegrees(41.9028, 12.4964);

proto::Roster TestRoster() {
  return *proto::Roster::Parse(
      "id,name,role,secret\n"
      "lead,The Lead,lead,secret-lead-1\n"
      "car02,Car 2 - the Rossis,car,secret-car-02\n"
      "sweep,Sweep,sweep,secret-sweep-1\n",
      "roster");
}

JsonValue Json(const ApiAnswer& answer) {
  auto parsed = proto::ParseJson(answer.body);
  EXPECT_TRUE(parsed.ok()) << parsed.message() << " in " << answer.body;
  return parsed.ok() ? *parsed : JsonValue();
}

std::unique_ptr<ReplayApi> Api(const TempDir& dir) {
  auto api = ReplayApi::Create(dir / "data", TestRoster());
  EXPECT_TRUE(api.ok()) << api.message();
  return api.ok() ? std::move(*api) : nullptr;
}

void AppendAlert(const std::filesystem::path& dir, const std::vector<v1::JournalAlert>& alerts) {
  JournalOptions options;
  options.dir = dir;
  auto journal = Journal::Open(options, nullptr, nullptr);
  ASSERT_TRUE(journal.ok());
  for (const auto& alert : alerts) {
    ASSERT_TRUE((*journal)->Append(RecordType::kAlert, alert.SerializeAsString(),
                                   [](const Status& s) { ASSERT_TRUE(s.ok()); }));
  }
  (*journal)->Flush();
}

v1::JournalAlert Alert(uint64_t id, v1::JournalAlert::Event event, int64_t raised_ms,
                       int64_t cleared_ms, std::string car) {
  v1::JournalAlert alert;
  alert.set_alert_id(id);
  alert.set_event(event);
  alert.set_kind("STRAGGLER");
  alert.add_car_ids(std::move(car));
  alert.set_lat_e7(419028000);
  alert.set_lon_e7(124964000);
  alert.set_gap_m(812.5);
  alert.set_gap_s(std::nan(""));
  alert.set_raised_ms(raised_ms);
  alert.set_cleared_ms(cleared_ms);
  alert.set_time_ms(cleared_ms ? cleared_ms : raised_ms);
  return alert;
}

TEST(ReplayApiTest, RangeListsDaysAndCarsInRosterOrder) {
  TempDir dir;
  // sweep drives on day 1 only; lead on day 1 and day 2 (2024-05-19); an unknown car too.
  TestCar sweep = StraightDrive("sweep", kRome, 90, 10, 20);
  TestCar lead = StraightDrive("lead", kRome, 90, 10, 20, kTestStartMs + 5000);
  TestCar lead2 = StraightDrive("lead", kRome, 90, 10, 20, kTestStartMs + 86400000);
  for (auto& f : lead2.fixes) f.seq += 100;
  TestCar stranger = StraightDrive("zz-unknown", kRome, 0, 3, 20);
  testing::WriteJournal(dir / "data", {sweep, lead, lead2, stranger});
  auto api = Api(dir);
  const ApiAnswer answer = api->Handle("/range", "");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.content_type, "application/json");
  const JsonValue json = Json(answer);
  EXPECT_EQ(json.Find("from_ms")->text, std::to_string(kTestStartMs));
  EXPECT_EQ(json.Find("to_ms")->text, std::to_string(kTestStartMs + 86400000 + 9000));
  const JsonValue& days = *json.Find("days");
  ASSERT_EQ(days.items.size(), 2u);
  EXPECT_EQ(days.items[0].Find("label")->text, "Day 1 (2024-05-18)");
  EXPECT_EQ(days.items[0].Find("to_ms")->text, std::to_string(kTestStartMs + 14000));
  EXPECT_EQ(days.items[1].Find("label")->text, "Day 2 (2024-05-19)");
  EXPECT_EQ(days.items[1].Find("from_ms")->text, std::to_string(kTestStartMs + 86400000));
  const JsonValue& cars = *json.Find("cars");
  ASSERT_EQ(cars.items.size(), 3u);
  EXPECT_EQ(cars.items[0].Find("id")->text, "lead");
  EXPECT_EQ(cars.items[0].Find("name")->text, "The Lead");
  EXPECT_EQ(cars.items[1].Find("id")->text, "sweep");
  EXPECT_EQ(cars.items[2].Find("id")->text, "zz-unknown");
  EXPECT_EQ(cars.items[2].Find("name")->text, "zz-unknown");
}

TEST(ReplayApiTest, EmptyDataDirectoryIsAnEmptyRecording) {
  TempDir dir;
  std::filesystem::create_directories(dir / "data");
  auto api = Api(dir);
  EXPECT_EQ(api->Handle("/range", "").body, R"({"from_ms":null,"to_ms":null,"days":[],"cars":[]})");
  EXPECT_EQ(api->Handle("/at", "t=5").body, R"({"t_ms":5,"cars":[]})");
}

TEST(ReplayApiTest, MissingDataDirectoryIsAnError) {
  TempDir dir;
  auto api = ReplayApi::Create(dir / "nowhere", TestRoster());
  ASSERT_FALSE(api.ok());
  EXPECT_NE(api.message().find("no such directory"), std::string::npos) << api.message();
}

TEST(ReplayApiTest, AtGivesEachCarsLastGoodFixAtOrBeforeT) {
  TempDir dir;
  TestCar lead = StraightDrive("lead", kRome, 90, 20, 15);
  lead.verdicts[10] = proto::FixVerdict::kJump;  // flagged: never shown
  TestCar car02 = StraightDrive("car02", kRome, 180, 20, 15, kTestStartMs + 12000);
  testing::WriteJournal(dir / "data", {lead, car02});
  auto api = Api(dir);

  // t exactly on lead's fix 5; car02 has not started.
  JsonValue json = Json(api->Handle("/at", "t=" + std::to_string(kTestStartMs + 5000)));
  ASSERT_EQ(json.Find("cars")->items.size(), 1u);
  const JsonValue& at5 = json.Find("cars")->items[0];
  EXPECT_EQ(at5.Find("id")->text, "lead");
  EXPECT_EQ(at5.Find("fix_ms")->text, std::to_string(kTestStartMs + 5000));
  EXPECT_EQ(at5.Find("lat")->number, lead.fixes[5].fix.lat_e7 * 1e-7);
  EXPECT_EQ(at5.Find("lon")->text, std::to_string(lead.fixes[5].fix.lon_e7 / 10000000) + "." +
                                       std::to_string(lead.fixes[5].fix.lon_e7 % 10000000));
  EXPECT_DOUBLE_EQ(at5.Find("speed_mps")->number, 15);
  EXPECT_DOUBLE_EQ(at5.Find("course_deg")->number, 90);

  // Just after the flagged fix 10: lead's last good fix is 9; car02 started at +12 s.
  json = Json(api->Handle("/at", "t=" + std::to_string(kTestStartMs + 10999)));
  ASSERT_EQ(json.Find("cars")->items.size(), 1u);
  EXPECT_EQ(json.Find("cars")->items[0].Find("fix_ms")->text, std::to_string(kTestStartMs + 9000));
  json = Json(api->Handle("/at", "t=" + std::to_string(kTestStartMs + 12500)));
  ASSERT_EQ(json.Find("cars")->items.size(), 2u);
  EXPECT_EQ(json.Find("cars")->items[1].Find("id")->text, "car02");
  EXPECT_EQ(json.Find("cars")->items[1].Find("fix_ms")->text, std::to_string(kTestStartMs + 12000));
  // Long after the end: the last fixes.
  json = Json(api->Handle("/at", "t=" + std::to_string(kTestStartMs + 86400000)));
  EXPECT_EQ(json.Find("cars")->items[0].Find("fix_ms")->text, std::to_string(kTestStartMs + 19000));
}

TEST(ReplayApiTest, NewTailWrittenByTheHubIsIndexedOnTheNextCall) {
  TempDir dir;
  TestCar lead = StraightDrive("lead", kRome, 90, 60, 15);
  TestCar first = lead, second = lead;
  first.fixes.resize(30);
  first.verdicts.resize(30);
  second.fixes.erase(second.fixes.begin(), second.fixes.begin() + 30);
  second.verdicts.erase(second.verdicts.begin(), second.verdicts.begin() + 30);
  testing::WriteJournal(dir / "data", {first});
  auto api = Api(dir);
  const std::string late = "t=" + std::to_string(kTestStartMs + 59000);
  EXPECT_EQ(Json(api->Handle("/at", late)).Find("cars")->items[0].Find("fix_ms")->text,
            std::to_string(kTestStartMs + 29000));
  testing::WriteJournal(dir / "data", {second});  // appends, as a running hub does
  EXPECT_EQ(Json(api->Handle("/at", late)).Find("cars")->items[0].Find("fix_ms")->text,
            std::to_string(kTestStartMs + 59000));
  // A car that appears only in the new tail is listed too.
  testing::WriteJournal(dir / "data", {StraightDrive("car02", kRome, 0, 5, 10)});
  EXPECT_EQ(Json(api->Handle("/range", "")).Find("cars")->items.size(), 2u);
}

TEST(ReplayApiTest, BackfillAndDuplicateBatchesAreMergedInTimeOrderOnce) {
  TempDir dir;
  TestCar lead = StraightDrive("lead", kRome, 90, 40, 15);
  TestCar live = lead, backfill = lead;
  // Live: fixes 0-9 and 30-39; then the dead zone's fixes 10-29 arrive as one backfill, and
  // fixes 30-34 are recorded a second time.
  live.fixes.erase(live.fixes.begin() + 10, live.fixes.begin() + 30);
  live.verdicts.resize(live.fixes.size());
  backfill.fixes = std::vector(lead.fixes.begin() + 10, lead.fixes.begin() + 35);
  backfill.verdicts.assign(backfill.fixes.size(), proto::FixVerdict::kGood);
  testing::WriteJournal(dir / "data", {live});
  auto api = Api(dir);
  const std::string all =
      "from=" + std::to_string(kTestStartMs) + "&to=" + std::to_string(kTestStartMs + 60000);
  EXPECT_EQ(Json(api->Handle("/tracks", all + "&step_s=1"))
                .Find("cars")
                ->items[0]
                .Find("points")
                ->items.size(),
            20u);
  testing::WriteJournal(dir / "data", {backfill}, 25);
  const JsonValue json = Json(api->Handle("/tracks", all + "&step_s=1"));
  const auto& points = json.Find("cars")->items[0].Find("points")->items;
  ASSERT_EQ(points.size(), 40u);
  for (size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i].items[0].text, std::to_string(kTestStartMs + 1000 * int64_t(i)));
    EXPECT_EQ(points[i].items[1].number, lead.fixes[i].fix.lat_e7 * 1e-7);
  }
}

TEST(ReplayApiTest, TracksAreDecimatedToOnePointPerStep) {
  TempDir dir;
  testing::WriteJournal(dir / "data", {StraightDrive("lead", kRome, 90, 100, 15),
                                       StraightDrive("car02", kRome, 0, 100, 15)});
  auto api = Api(dir);
  const std::string window =
      "from=" + std::to_string(kTestStartMs + 3000) + "&to=" + std::to_string(kTestStartMs + 53000);
  JsonValue json = Json(api->Handle("/tracks", window + "&step_s=10"));
  ASSERT_EQ(json.Find("cars")->items.size(), 2u);
  const auto& points = json.Find("cars")->items[0].Find("points")->items;
  ASSERT_EQ(points.size(), 5u);  // +3, +13, +23, +33, +43 s (to is exclusive)
  EXPECT_EQ(points[4].items[0].text, std::to_string(kTestStartMs + 43000));
  // Default step 5 s, one car.
  json = Json(api->Handle("/tracks", window + "&car=car02"));
  ASSERT_EQ(json.Find("cars")->items.size(), 1u);
  EXPECT_EQ(json.Find("cars")->items[0].Find("id")->text, "car02");
  EXPECT_EQ(json.Find("cars")->items[0].Find("points")->items.size(), 10u);
}

TEST(ReplayApiTest, TracksOverThePointBoundAre413) {
  TempDir dir;
  // 2 cars x 100,001 s at 1 Hz, asked at step 1 s: 200,002 points.
  TestCar a = StraightDrive("lead", kRome, 90, 100001, 0.1);
  TestCar b = StraightDrive("car02", kRome, 0, 100001, 0.1);
  testing::WriteJournal(dir / "data", {a, b}, 1000);
  auto api = Api(dir);
  const std::string window =
      "from=" + std::to_string(kTestStartMs) + "&to=" + std::to_string(kTestStartMs + 200000000);
  const ApiAnswer refused = api->Handle("/tracks", window + "&step_s=1");
  EXPECT_EQ(refused.status, 413);
  EXPECT_NE(refused.body.find("more than 200000 points"), std::string::npos) << refused.body;
  EXPECT_EQ(api->Handle("/tracks", window + "&step_s=2").status, 200);
}

TEST(ReplayApiTest, EventsListAlertsOpenDuringTheWindow) {
  TempDir dir;
  using E = v1::JournalAlert;
  const int64_t t0 = kTestStartMs;
  AppendAlert(dir / "data", {Alert(1, E::EVENT_RAISED, t0 + 1000, 0, "car02"),  // open until +5 s
                             Alert(2, E::EVENT_RAISED, t0 + 20000, 0, "lead"),  // never cleared
                             Alert(1, E::EVENT_CLEARED, t0 + 1000, t0 + 5000, "car02"),
                             // The hub restarted: its alert ids begin again at 1.
                             Alert(1, E::EVENT_RAISED, t0 + 40000, 0, "sweep")});
  auto api = Api(dir);
  auto events = [&](int64_t from, int64_t to) {
    return Json(api->Handle(
        "/events", "from=" + std::to_string(t0 + from) + "&to=" + std::to_string(t0 + to)));
  };
  JsonValue json = events(0, 100000);
  const auto& alerts = json.Find("alerts")->items;
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].Find("cars")->items[0].text, "car02");
  EXPECT_EQ(alerts[0].Find("cleared_ms")->text, std::to_string(t0 + 5000));
  EXPECT_EQ(alerts[0].Find("gap_m")->number, 812.5);
  EXPECT_EQ(alerts[0].Find("gap_s")->kind, JsonValue::Kind::kNull);
  EXPECT_EQ(alerts[0].Find("acknowledged_by")->kind, JsonValue::Kind::kNull);
  EXPECT_EQ(alerts[0].Find("kind")->text, "STRAGGLER");
  EXPECT_EQ(alerts[1].Find("cleared_ms")->kind, JsonValue::Kind::kNull);
  EXPECT_EQ(alerts[2].Find("cars")->items[0].text, "sweep");
  EXPECT_EQ(json.Find("radio")->items.size(), 0u);
  // A window after the first alert was cleared: the other two (one raised before it, still open).
  EXPECT_EQ(events(6000, 30000).Find("alerts")->items.size(), 1u);
  EXPECT_EQ(events(6000, 50000).Find("alerts")->items.size(), 2u);
  EXPECT_EQ(events(2000, 3000).Find("alerts")->items.size(), 1u);
}

TEST(ReplayApiTest, EventsListRadioMessagesWithTheirDeliveries) {
  TempDir dir;
  const int64_t t0 = kTestStartMs;
  JournalOptions options;
  options.dir = dir / "data";
  {
    auto journal = Journal::Open(options, nullptr, nullptr);
    ASSERT_TRUE(journal.ok());
    v1::JournalRadio sent;
    sent.set_event(v1::JournalRadio::EVENT_SENT);
    sent.set_message_id(1);
    sent.set_time_ms(t0 + 1000);
    sent.set_from("Anna");
    sent.set_to("all");
    sent.set_text("Regroup at the next service area");
    for (const char* car : {"lead", "car02", "sweep"}) sent.add_car_ids(car);
    sent.add_phone_car_ids("sweep");
    v1::JournalRadio delivered;
    delivered.set_event(v1::JournalRadio::EVENT_DELIVERED);
    delivered.set_message_id(1);
    delivered.set_time_ms(t0 + 1500);
    delivered.add_car_ids("car02");
    v1::JournalCarMessage sos;
    sos.set_message_id(2);
    sos.set_car_id("car02");
    sos.set_kind("sos");
    sos.set_text("Flat \"tyre\"");
    sos.set_time_ms(t0 + 900);
    const std::pair<RecordType, std::string> records[] = {
        {RecordType::kRadio, sent.SerializeAsString()},
        {RecordType::kRadio, delivered.SerializeAsString()},
        {RecordType::kCarMessage, sos.SerializeAsString()}};
    for (const auto& [type, payload] : records)
      ASSERT_TRUE((*journal)->Append(type, payload, [](const Status&) {}));
    (*journal)->Flush();
  }
  auto api = Api(dir);
  const ApiAnswer answer =
      api->Handle("/events", "from=" + std::to_string(t0) + "&to=" + std::to_string(t0 + 60000));
  ASSERT_EQ(answer.status, 200) << answer.body;
  // Oldest first: the car's SOS (900 ms) before the staff message (1000 ms).
  EXPECT_EQ(answer.body,
            R"({"alerts":[],"radio":[)"
            R"({"id":2,"from_car":"car02","kind":"sos","text":"Flat \"tyre\"","time_ms":)" +
                std::to_string(t0 + 900) +
                R"(},{"id":1,"from":"Anna","to":"all","text":"Regroup at the next service area",)"
                R"("sent_ms":)" +
                std::to_string(t0 + 1000) +
                R"(,"cars":["lead","car02","sweep"],"delivered":["car02"],"pending":["lead"],)"
                R"("phones":["sweep"]}]})");
  // Outside the window: nothing.
  EXPECT_EQ(api->Handle("/events",
                        "from=" + std::to_string(t0 + 2000) + "&to=" + std::to_string(t0 + 60000))
                .body,
            R"({"alerts":[],"radio":[]})");
}

TEST(ReplayApiTest, RecordBeingWrittenAtTheEndIsReadOnceComplete) {
  TempDir dir;
  testing::WriteJournal(dir / "data", {StraightDrive("lead", kRome, 90, 10, 15)});
  auto api = Api(dir);
  // Half a record at the end of the newest segment: what a reader sees mid-append.
  const std::string payload =
      EncodeJournalFixes("car02", kTestStartMs, StraightDrive("car02", kRome, 0, 3, 10).fixes, {},
                         v1::JournalFixes::SOURCE_UNIT);
  std::string record;
  proto::AppendRecord(static_cast<uint8_t>(RecordType::kFixes), payload, &record);
  auto segments = ListJournalSegments(dir / "data", proto::FileSystem::Default());
  const auto newest = segments->back().path;
  {
    std::ofstream out(newest, std::ios::binary | std::ios::app);
    out << record.substr(0, record.size() / 2);
  }
  EXPECT_EQ(Json(api->Handle("/range", "")).Find("cars")->items.size(), 1u);
  {
    std::ofstream out(newest, std::ios::binary | std::ios::app);
    out << record.substr(record.size() / 2);
  }
  EXPECT_EQ(Json(api->Handle("/range", "")).Find("cars")->items.size(), 2u);
}

TEST(ReplayApiTest, BadQueriesAre400WithAMessage) {
  TempDir dir;
  testing::WriteJournal(dir / "data", {StraightDrive("lead", kRome, 90, 10, 15)});
  auto api = Api(dir);
  struct Case {
    std::string path, query;
    int status;
    std::string message;
  };
  const Case cases[] = {
      {"/at", "", 400, "t is required"},
      {"/at", "t=soon", 400, "t: expected UTC milliseconds, got 'soon'"},
      {"/at", "t=12&t=13", 400, "parameter 't' given twice"},
      {"/at", "time=12", 400, "unknown parameter 'time' (this call takes t)"},
      {"/at", "t=%zz", 400, "bad %-escape"},
      {"/tracks", "from=10", 400, "to is required"},
      {"/tracks", "from=10&to=10", 400, "from (10) must be before to (10)"},
      {"/tracks", "from=1&to=10&step_s=0", 400, "step_s: expected whole seconds from 1 to 86400"},
      {"/tracks", "from=1&to=10&step_s=1.5", 400, "step_s: expected whole seconds"},
      {"/tracks", "from=1&to=10&car=nobody", 404, "no car 'nobody' in the recording"},
      {"/events", "from=x&to=10", 400, "from: expected UTC milliseconds, got 'x'"},
      {"/range", "t=1", 400, "unknown parameter 't' (this call takes none)"},
      {"/positions", "", 404, "no replay call '/positions'"},
  };
  for (const Case& c : cases) {
    const ApiAnswer answer = api->Handle(c.path, c.query);
    EXPECT_EQ(answer.status, c.status) << c.path << "?" << c.query;
    const JsonValue json = Json(answer);
    ASSERT_TRUE(json.Find("error")) << answer.body;
    EXPECT_NE(json.Find("error")->text.find(c.message), std::string::npos)
        << c.path << "?" << c.query << " -> " << answer.body;
  }
}

}  // namespace
}  // namespace convoy::hub::replay
