// The OsmAnd endpoint of a real hub, over real sockets on loopback: Traccar's test requests, the
// phone apps' templates, keep-alive, resends, and what a hostile or broken client sends (missing
// ids, bad numbers, invalid UTF-8, huge bodies and headers, a client sending a byte at a time).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <thread>

#include "fixtures.h"
#include "http_client.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"

namespace convoy {
namespace {

using testing::HttpAnswer;
using testing::HttpClient;
using testing::HubHarness;
using testing::ReadRecordedFixes;
using testing::TempDir;

constexpr std::chrono::milliseconds kShort(400);

// A hub with its OsmAnd endpoint on; cars car1..carN with secrets secret-of-carN.
std::unique_ptr<HubHarness> StartHub(const TempDir& dir, const std::string& roster_csv,
                                     std::function<void(hub::osmand::EndpointOptions&)> tune = {}) {
  return std::make_unique<HubHarness>(dir / "data", roster_csv, 0, [&](hub::HubOptions& options) {
    options.osmand = proto::HostPort{"127.0.0.1", 0};
    options.osmand_options.local_time_is_utc = true;
    if (tune) tune(options.osmand_options);
  });
}

int64_t NowS() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A query-form report of car `car` at second `t` on a line heading north-east.
std::string Report(int car, int64_t t, int step, const std::string& extra = "") {
  char target[256];
  std::snprintf(target, sizeof target,
                "/?id=secret-of-car%d&timestamp=%lld&lat=%.7f&lon=%.7f&speed=10.0&bearing=45.0%s",
                car, static_cast<long long>(t), 40.0 + step * 1e-4, 14.0 + step * 1e-4,
                extra.c_str());
  return target;
}

size_t RecordedCount(const TempDir& dir, const std::string& car) {
  auto recorded = ReadRecordedFixes(dir / "data");
  return recorded.count(car) ? recorded[car].size() : 0;
}

TEST(OsmandEndpointTest, FixtureRequestsFromUnknownPhonesAreRefusedAndNothingIsRecorded) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(3));
  HttpClient client(hub->osmand_port());
  ASSERT_TRUE(client.connected());
  for (const auto& row : testing::LoadTsvRequests()) {
    SCOPED_TRACE(row.uri + row.body);
    const HttpAnswer answer = client.Send(row.method, row.uri, row.content_type, row.body);
    // No roster car has these ids: 404 for the JSON form, 400 for the query form and no id.
    EXPECT_EQ(answer.status, row.content_type == "application/json" ? 404 : 400) << answer.error;
    EXPECT_TRUE(answer.keep_alive);
  }
  hub.reset();
  EXPECT_TRUE(ReadRecordedFixes(dir / "data").empty());
}

TEST(OsmandEndpointTest, FixtureRequestsAreAnsweredAndRecordedOnce) {
  TempDir dir;
  // The fixtures' ids, as secrets (a secret has at least 8 bytes, so the two short ones are
  // mapped to longer ones in the requests).
  auto hub = StartHub(dir,
                      "id,name,role,secret\njson,JSON phone,lead,48241179\n"
                      "iso,ISO phone,car,id-902064\nsecs,Seconds phone,sweep,id-123456\n");
  HttpClient client(hub->osmand_port());
  for (const auto& row : testing::LoadTsvRequests()) {
    std::string uri = testing::ReplaceAll(row.uri, "id=902064", "id=id-902064");
    uri = testing::ReplaceAll(uri, "id=123456", "id=id-123456");
    const HttpAnswer answer = client.Send(row.method, uri, row.content_type, row.body);
    EXPECT_EQ(answer.status, row.expect.rfind("REJECTED", 0) == 0 ? 400 : 200)
        << row.expect << " " << uri << " " << answer.body;
  }
  hub.reset();
  auto recorded = ReadRecordedFixes(dir / "data");
  // Both JSON requests are one fix (same time, same place): recorded once.
  ASSERT_EQ(recorded["json"].size(), 1u);
  EXPECT_EQ(recorded["json"][0].fix.lat_e7, 374219983);
  EXPECT_EQ(recorded["json"][0].fix.lon_e7, -1220840000);
  EXPECT_EQ(recorded["json"][0].fix.time_ms, 1749995112862);
  ASSERT_EQ(recorded["iso"].size(), 2u);
  EXPECT_EQ(recorded["iso"][0].fix.time_ms, 1453920947000);  // 2016-01-27T18:55:47Z
  EXPECT_EQ(recorded["iso"][0].fix.altitude_dm, 2240);
  EXPECT_EQ(recorded["iso"][0].fix.hdop_c, 600u);
  EXPECT_EQ(recorded["iso"][1].fix.time_ms, 1442068686579);
  EXPECT_EQ(recorded["iso"][1].seq, 2u);
  // Two requests with the same time and place, and one of cell towers only (nothing to record).
  ASSERT_EQ(recorded["secs"].size(), 1u);
  EXPECT_EQ(recorded["secs"][0].fix.time_ms, 1377177267000);
  EXPECT_EQ(recorded["secs"][0].fix.lat_e7, 600000000);
}

TEST(OsmandEndpointTest, BothAppsTemplatesAreRecordedWithBatteryAndSos) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(3));
  std::atomic<int> sos_raised{0};
  std::atomic<size_t> sos_car{99};
  hub->hub().osmand()->set_on_sos([&](const hub::osmand::SosEvent& event) {
    sos_car = event.car_index;
    EXPECT_TRUE(event.fix.has_value());
    ++sos_raised;
  });
  const auto templates = testing::LoadClientTemplates();
  const int64_t now = NowS();
  HttpClient client(hub->osmand_port());

  // The current app: car1, JSON, battery 79 % and charging.
  const std::string body = testing::FlutterBody(templates, "secret-of-car1",
                                                {{"timestamp", "2026-06-13T08:01:02.345Z"},
                                                 {"latitude", "40.6281234"},
                                                 {"longitude", "14.4850001"},
                                                 {"accuracy", "3.9"},
                                                 {"speed", "18.67"},
                                                 {"heading", "63"},
                                                 {"altitude", "12.5"},
                                                 {"is_moving", "true"},
                                                 {"odometer", "1234.5"},
                                                 {"event", "motionchange"},
                                                 {"battery.level", "0.79"},
                                                 {"battery.is_charging", "true"},
                                                 {"activity.type", "in_vehicle"}});
  EXPECT_EQ(client.PostJson(body).status, 200);

  // The legacy app: car2, POST with an empty body, 15 % battery, then an SOS (sent twice).
  std::map<std::string, std::string> values = {{"deviceId", "secret-of-car2"},
                                               {"unixSeconds", std::to_string(now)},
                                               {"lat", "40.1"},
                                               {"lon", "14.1"},
                                               {"knots", "19.4384"},
                                               {"deg", "90.0"},
                                               {"altitude_m", "3.0"},
                                               {"accuracy_m", "0.0"},
                                               {"pct", "15.0"}};
  EXPECT_EQ(client.Send("POST", testing::LegacyTarget(templates, values, false, "")).status, 200);
  values["unixSeconds"] = std::to_string(now + 1);
  values["lat"] = "40.1001";
  const std::string sos = testing::LegacyTarget(templates, values, true, "sos");
  EXPECT_EQ(client.Send("POST", sos).status, 200);
  EXPECT_EQ(client.Send("POST", sos).status, 200);  // the app resends: no second SOS

  const auto& phones = hub->hub().osmand()->phones();
  const auto car1 = phones.Get(0);
  EXPECT_TRUE(car1.reports_from_phone);
  EXPECT_DOUBLE_EQ(*car1.battery_pct, 79);
  EXPECT_TRUE(*car1.charging);
  EXPECT_FALSE(car1.low_battery);
  const auto car2 = phones.Get(1);
  EXPECT_DOUBLE_EQ(*car2.battery_pct, 15);
  EXPECT_TRUE(car2.low_battery);
  EXPECT_NE(car2.last_sos_ms, 0);
  EXPECT_FALSE(phones.Get(2).reports_from_phone);
  EXPECT_EQ(sos_raised.load(), 1);
  EXPECT_EQ(sos_car.load(), 1u);

  hub.reset();
  auto recorded = ReadRecordedFixes(dir / "data");
  ASSERT_EQ(recorded["car1"].size(), 1u);
  const proto::Fix& json = recorded["car1"][0].fix;
  EXPECT_EQ(json.lat_e7, 406281234);
  EXPECT_EQ(json.lon_e7, 144850001);
  EXPECT_EQ(json.speed_cmps, 1867u);
  EXPECT_EQ(json.course_cdeg, 6300u);
  EXPECT_EQ(json.altitude_dm, 125);
  ASSERT_EQ(recorded["car2"].size(), 2u);
  EXPECT_EQ(recorded["car2"][0].fix.speed_cmps, 1000u);  // 19.4384 kn
  EXPECT_EQ(recorded["car2"][0].fix.time_ms, now * 1000);
  EXPECT_EQ(recorded["car2"][1].fix.quality, proto::FixQuality::kSimulated);  // mock=true
}

TEST(OsmandEndpointTest, KeepAliveCarriesManyReportsOnOneConnection) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2));
  HttpClient client(hub->osmand_port());
  const int64_t now = NowS();
  for (int i = 0; i < 60; ++i) {
    const HttpAnswer answer = client.Get(Report(2, now - 60 + i, i));
    ASSERT_EQ(answer.status, 200) << answer.error;
    ASSERT_TRUE(answer.keep_alive);
  }
  EXPECT_EQ(hub->hub().osmand()->stats().answered_ok, 60u);
  hub.reset();
  auto recorded = ReadRecordedFixes(dir / "data")["car2"];
  ASSERT_EQ(recorded.size(), 60u);
  for (int i = 0; i < 60; ++i) EXPECT_EQ(recorded[i].seq, static_cast<uint64_t>(i + 1));
}

TEST(OsmandEndpointTest, ResentReportIsRecordedOnceWhicheverConnectionItComesOn) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2));
  const std::string report = Report(1, NowS(), 0, "&batt=50");
  for (int i = 0; i < 3; ++i) {
    HttpClient client(hub->osmand_port());  // the app opens a new connection to resend
    EXPECT_EQ(client.Get(report).status, 200);
  }
  {
    // The same fix in a form body is the same fix.
    HttpClient client(hub->osmand_port());
    EXPECT_EQ(
        client.Send("POST", "/", "application/x-www-form-urlencoded", report.substr(2)).status,
        200);
  }
  EXPECT_EQ(hub->hub().osmand()->recorder_stats().fixes_resent, 3u);
  hub.reset();
  EXPECT_EQ(RecordedCount(dir, "car1"), 1u);
}

TEST(OsmandEndpointTest, MalformedReportsAre400AndTheConnectionCarriesOn) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2));
  HttpClient client(hub->osmand_port());
  const std::string now = std::to_string(NowS());
  const std::string bad[] = {
      "/?timestamp=" + now + "&lat=60.0&lon=30.0",                     // no id
      "/?id=&lat=60.0&lon=30.0",                                       // empty id
      "/?id=secret-of-car1&timestamp=" + now + "&lat=sixty&lon=30",    // bad number
      "/?id=secret-of-car1&timestamp=" + now + "&lat=60.0&lon=1e400",  // out of double range
      "/?id=secret-of-car1&timestamp=" + now + "&lat=95.0&lon=30",     // out of range
      "/?id=secret-of-car1&timestamp=" + now + "&lat=60.0",            // half a position
      "/?id=secret-of-car1&timestamp=noon&lat=60.0&lon=30",            // bad time
      "/?id=secret-of-car1&timestamp=" + now + "&lat=60.0&lon=30&speed=--1",
      "/?id=secret-of-car1&timestamp=" + now + "&lat=60.0&lon=30&note=%C3%28",  // bad UTF-8
      "/?id=secret-of-car1%FF&lat=60.0&lon=30",  // bad UTF-8 in the id
      "/?id=secret-of-car1&lat=60.0%2&lon=30",   // bad percent-encoding
  };
  for (const std::string& target : bad) {
    const HttpAnswer answer = client.Get(target);
    EXPECT_EQ(answer.status, 400) << target;
    EXPECT_TRUE(answer.keep_alive) << target;
    EXPECT_EQ(answer.body.find("secret"), std::string::npos) << "never echo the secret";
  }
  EXPECT_EQ(client.PostJson(R"({"device_id":"secret-of-car1","location":{"coords":)").status, 400);
  EXPECT_EQ(client.PostJson("{\"device_id\":\"secret-of-car1\",\"location\":{\"event\":\"\xC3\"}}")
                .status,
            400);
  EXPECT_EQ(
      client.PostJson(R"({"device_id":"secret-of-car1","location":{"coords":{"latitude":"x"}}})")
          .status,
      400);
  EXPECT_EQ(client.PostJson(R"({"device_id":"not-a-secret","location":{}})").status, 404);
  EXPECT_EQ(client.Send("DELETE", "/?id=secret-of-car1&lat=1&lon=1").status, 405);
  // Still the same connection, still serving.
  EXPECT_EQ(client.Get(Report(1, NowS(), 0)).status, 200);
  EXPECT_GE(hub->hub().osmand()->stats().malformed, 14u);
  hub.reset();
  EXPECT_EQ(RecordedCount(dir, "car1"), 1u);
}

TEST(OsmandEndpointTest, HugeBodyIs413AndTheConnectionCloses) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2));
  {
    HttpClient client(hub->osmand_port());
    const std::string body = "id=secret-of-car1&lat=1&lon=1&pad=" + std::string(200 << 10, 'x');
    const HttpAnswer answer = client.Send("POST", "/", "application/x-www-form-urlencoded", body);
    EXPECT_EQ(answer.status, 413) << answer.error;
    EXPECT_FALSE(answer.keep_alive);
    EXPECT_TRUE(client.WaitClosed());
  }
  {
    // Chunked, so the size is only known as it arrives.
    HttpClient client(hub->osmand_port());
    ASSERT_TRUE(
        client.WriteRaw("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n"));
    const std::string chunk(16 << 10, ' ');
    char size_line[32];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    bool refused = false;
    for (int i = 0; i < 16 && !refused; ++i) refused = !client.WriteRaw(size_line + chunk + "\r\n");
    if (!refused) {
      const HttpAnswer answer = client.ReadAnswer();
      EXPECT_EQ(answer.status, 413) << answer.error;
    }
    EXPECT_TRUE(client.WaitClosed());
  }
  {
    HttpClient client(hub->osmand_port());
    const std::string target = "/?id=secret-of-car1&pad=" + std::string(10 << 10, 'x');
    EXPECT_EQ(client.Get(target).status, 431);
    EXPECT_TRUE(client.WaitClosed());
  }
  hub.reset();
  EXPECT_TRUE(ReadRecordedFixes(dir / "data").empty());
}

TEST(OsmandEndpointTest, GarbageIsAnswered400AndClosed) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2));
  HttpClient client(hub->osmand_port());
  ASSERT_TRUE(client.WriteRaw("\x16\x03\x01 this is not HTTP\r\n\r\n"));
  EXPECT_EQ(client.ReadAnswer().status, 400);
  EXPECT_TRUE(client.WaitClosed());
}

TEST(OsmandEndpointTest, ClientSendingAByteAtATimeIsCutOff) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2),
                      [](auto& options) { options.request_timeout = kShort; });
  for (bool in_body : {false, true}) {
    SCOPED_TRACE(in_body ? "body" : "header");
    HttpClient client(hub->osmand_port());
    const std::string report = Report(1, NowS(), 0).substr(2);
    // A body under the size limit, so that only its slowness is wrong.
    std::string head = in_body
                           ? "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: "
                             "application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n"
                           : "GET /?";
    if (in_body) {
      ASSERT_TRUE(client.WriteRaw(head));
    }
    // Far longer than the timeout at 20 ms a byte: the hub must hang up first.
    std::string trickle = report + std::string(in_body ? 60000 - report.size() : 4000, 'x');
    bool cut = false;
    for (size_t i = 0; i < trickle.size() && !cut; ++i) {
      if (!in_body && i == 0) cut = !client.WriteRaw(head);
      cut = cut || !client.WriteRaw(std::string(1, trickle[i]));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(cut) << "the hub kept a trickling client";
  }
  EXPECT_GE(hub->hub().osmand()->stats().timeouts, 2u);
  hub.reset();
  EXPECT_TRUE(ReadRecordedFixes(dir / "data").empty());
}

TEST(OsmandEndpointTest, IdleKeepAliveConnectionIsClosed) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2), [](auto& options) {
    options.idle_timeout = std::chrono::milliseconds(1500);
  });
  HttpClient client(hub->osmand_port());
  EXPECT_EQ(client.Get(Report(1, NowS(), 0)).status, 200);
  EXPECT_TRUE(client.WaitClosed());
}

TEST(OsmandEndpointTest, ExpectContinueGetsAnInterimAnswer) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2));
  HttpClient client(hub->osmand_port());
  const std::string body = Report(2, NowS(), 0).substr(2);
  ASSERT_TRUE(
      client.WriteRaw("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: "
                      "application/x-www-form-urlencoded\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n"));
  ASSERT_TRUE(client.WriteRaw(body));
  const HttpAnswer answer = client.ReadAnswer();
  EXPECT_EQ(answer.status, 200) << answer.error;
  EXPECT_EQ(answer.interim_answers, 1);
  hub.reset();
  EXPECT_EQ(RecordedCount(dir, "car2"), 1u);
}

TEST(OsmandEndpointTest, HttpsWithTheConfiguredCertificate) {
  TempDir dir;
  auto hub = StartHub(dir, testing::TestRosterCsv(2), [](auto& options) {
    options.tls_cert_path = testing::OsmandData("test-cert.pem");
    options.tls_key_path = testing::OsmandData("test-key.pem");
  });
  ASSERT_TRUE(hub->hub().osmand()->tls());
  {
    HttpClient client(hub->osmand_port(), testing::OsmandData("test-cert.pem"));
    ASSERT_TRUE(client.connected());
    const int64_t now = NowS();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(client.Get(Report(1, now + i, i)).status, 200);
  }
  {
    HttpClient plain(hub->osmand_port());  // plain HTTP to the HTTPS port: no answer
    EXPECT_EQ(plain.Get(Report(1, NowS() + 9, 9)).status, 0);
  }
  hub.reset();
  EXPECT_EQ(RecordedCount(dir, "car1"), 3u);
}

TEST(OsmandEndpointTest, MissingCertificateIsAnErrorAtStart) {
  TempDir dir;
  const auto roster = dir.Write("cars.csv", testing::TestRosterCsv(1));
  hub::HubOptions options;
  options.data_dir = dir / "data";
  options.roster_path = roster.string();
  options.osmand = proto::HostPort{"127.0.0.1", 0};
  options.osmand_options.tls_cert_path = (dir / "nope.pem").string();
  options.osmand_options.tls_key_path = (dir / "nope.key").string();
  auto hub = hub::Hub::Create(options, [](std::string_view) {});
  ASSERT_FALSE(hub.ok());
  EXPECT_NE(hub.message().find("--osmand-tls-cert"), std::string::npos) << hub.message();
}

}  // namespace
}  // namespace convoy
