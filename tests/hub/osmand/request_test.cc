// The OsmAnd request parser on Traccar's own test requests, the phone apps' templates, every
// timestamp form, and malformed input.
#include "hub/osmand/request.h"

#include <gtest/gtest.h>

#include "fixtures.h"
#include "hub/osmand/timestamp.h"

namespace convoy::hub::osmand {
namespace {

using testing::LoadClientTemplates;
using testing::LoadTsvRequests;

Result<PhoneReport> Parse(const testing::TsvRequest& row, const ParseOptions& options = {}) {
  return ParseRequest({row.method, row.uri, row.content_type, row.body}, options);
}

std::string Attribute(const PhoneFix& fix, const std::string& key) {
  for (const auto& [name, value] : fix.attributes) {
    if (name == key) return value;
  }
  return "<absent>";
}

TEST(RequestTest, TraccarsTestRequestsDecodeAsTraccarDecodesThem) {
  const auto rows = LoadTsvRequests();
  ASSERT_EQ(rows.size(), 8u);
  for (const auto& row : rows) {
    SCOPED_TRACE(row.uri + row.body);
    auto report = Parse(row);
    if (row.expect.rfind("REJECTED", 0) == 0) {
      ASSERT_FALSE(report.ok());
      EXPECT_EQ(report.message(), "id: missing");
      continue;
    }
    ASSERT_TRUE(report.ok()) << report.message();
    ASSERT_EQ(report->fixes.size(), 1u);
    EXPECT_EQ(report->fixes[0].has_position(), row.expect.rfind("DECODED(no lat/lon", 0) != 0);
    EXPECT_EQ(report->form,
              row.content_type == "application/json" ? RequestForm::kJson : RequestForm::kQuery);
  }

  // The hand-checked values of NOTES.md.
  auto iso = Parse(rows[4]);
  ASSERT_TRUE(iso.ok());
  const PhoneFix& a = iso->fixes[0];
  EXPECT_EQ(iso->device_id, "902064");
  EXPECT_EQ(*a.time_ms, CivilToMs(2016, 1, 27, 18, 55, 47, 0));
  EXPECT_DOUBLE_EQ(*a.lat_deg, 42.06288);
  EXPECT_DOUBLE_EQ(*a.lon_deg, -88.23412);
  EXPECT_DOUBLE_EQ(*a.altitude_m, 224.0);
  EXPECT_DOUBLE_EQ(*a.speed_mps, 0.0);
  EXPECT_DOUBLE_EQ(*a.hdop, 6.0);
  EXPECT_EQ(*Parse(rows[5])->fixes[0].time_ms, 1442068686579);  // ms: 2015-09-12T14:38:06.579Z
  EXPECT_EQ(*Parse(rows[6])->fixes[0].time_ms, 1377177267000);  // s: 2013-08-22T13:14:27Z
  EXPECT_EQ(*Parse(rows[7])->fixes[0].lat_deg, 60.0);

  auto cells = Parse(rows[2]);
  ASSERT_TRUE(cells.ok());
  EXPECT_EQ(Attribute(cells->fixes[0], "cell"), "257,02,16,2224;257,02,16,2223,-90");
  EXPECT_EQ(Attribute(cells->fixes[0], "wifi"), "00-14-22-01-23-45,-80;00-1C-B3-09-85-15,-70");

  auto json = Parse(rows[0]);
  ASSERT_TRUE(json.ok());
  const PhoneFix& j = json->fixes[0];
  EXPECT_EQ(json->device_id, "48241179");
  EXPECT_EQ(*j.time_ms, CivilToMs(2025, 6, 15, 13, 45, 12, 862));
  EXPECT_DOUBLE_EQ(*j.lat_deg, 37.4219983);
  EXPECT_DOUBLE_EQ(*j.lon_deg, -122.084);
  EXPECT_DOUBLE_EQ(*j.accuracy_m, 5);
  EXPECT_FALSE(j.course_deg.has_value()) << "heading -1 means unknown";
  EXPECT_DOUBLE_EQ(*j.battery_pct, 100);
  EXPECT_FALSE(*j.charging);
  EXPECT_EQ(Attribute(j, "event"), "motionchange");
  EXPECT_EQ(Attribute(j, "activity"), "still");
  EXPECT_EQ(Attribute(j, "_"), "<absent>") << "the '_' field repeats the secret";

  auto extras = Parse(rows[1]);
  ASSERT_TRUE(extras.ok());
  EXPECT_EQ(Attribute(extras->fixes[0], "device_integer_twelve_test"), "12");
  EXPECT_EQ(Attribute(extras->fixes[0], "device_bool_false_test"), "false");
  EXPECT_EQ(Attribute(extras->fixes[0], "device_string_test"), "long_device_id");
  EXPECT_EQ(Attribute(extras->fixes[0], "device_very_long_double_test"), "1763636.3442");
}

TEST(RequestTest, CurrentAppTemplateWithSpeedHeadingAndBattery) {
  const auto templates = LoadClientTemplates();
  // NOTES.md case 4: 18.67 m/s, heading 63, battery 0.79.
  const std::string body = testing::FlutterBody(templates, "secret-of-car1",
                                                {{"timestamp", "2026-06-13T08:01:02.345Z"},
                                                 {"latitude", "40.6281"},
                                                 {"longitude", "14.4850"},
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
  auto report = ParseRequest({"POST", "/", "application/json; charset=utf-8", body}, {});
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->device_id, "secret-of-car1");
  const PhoneFix& fix = report->fixes.at(0);
  EXPECT_DOUBLE_EQ(*fix.speed_mps, 18.67);
  EXPECT_NEAR(*fix.speed_mps / (1852.0 / 3600), 36.29, 0.005);  // knots, as NOTES.md has it
  EXPECT_DOUBLE_EQ(*fix.course_deg, 63);
  EXPECT_DOUBLE_EQ(*fix.battery_pct, 79);
  EXPECT_TRUE(*fix.charging);
  EXPECT_EQ(Attribute(fix, "activity"), "in_vehicle");
  const proto::Fix out = ToFix(fix, 0);
  EXPECT_EQ(out.speed_cmps, 1867u);
  EXPECT_EQ(out.course_cdeg, 6300u);
  EXPECT_EQ(out.altitude_dm, 125);
  EXPECT_EQ(out.lat_e7, 406281000);
  EXPECT_EQ(out.time_ms, CivilToMs(2026, 6, 13, 8, 1, 2, 345));
}

TEST(RequestTest, LegacyAppTemplateInKnotsWithMockAndAlarm) {
  const auto templates = LoadClientTemplates();
  const std::map<std::string, std::string> values = {{"deviceId", "secret-of-car2"},
                                                     {"unixSeconds", "1781337662"},
                                                     {"lat", "40.6281"},
                                                     {"lon", "14.485"},
                                                     {"knots", "19.4384"},
                                                     {"deg", "359.5"},
                                                     {"altitude_m", "12.0"},
                                                     {"accuracy_m", "0.0"},
                                                     {"pct", "15.0"}};
  // The legacy app POSTs with an empty body and everything in the URI.
  auto plain =
      ParseRequest({"POST", testing::LegacyTarget(templates, values, false, ""), "", ""}, {});
  ASSERT_TRUE(plain.ok()) << plain.message();
  const PhoneFix& fix = plain->fixes.at(0);
  EXPECT_EQ(*fix.time_ms, 1781337662000);
  EXPECT_NEAR(*fix.speed_mps, 10.0, 1e-4);  // 19.4384 kn
  EXPECT_DOUBLE_EQ(*fix.course_deg, 359.5);
  EXPECT_FALSE(fix.accuracy_m.has_value()) << "0.0 is the GPS provider's 'no accuracy'";
  EXPECT_DOUBLE_EQ(*fix.battery_pct, 15);
  EXPECT_FALSE(fix.mock);
  EXPECT_EQ(ToFix(fix, 0).quality, proto::FixQuality::kUnknown);

  auto alarm =
      ParseRequest({"POST", testing::LegacyTarget(templates, values, true, "sos"), "", ""}, {});
  ASSERT_TRUE(alarm.ok()) << alarm.message();
  EXPECT_TRUE(alarm->fixes[0].mock);
  EXPECT_EQ(alarm->fixes[0].alarm, "sos");
  EXPECT_EQ(ToFix(alarm->fixes[0], 0).quality, proto::FixQuality::kSimulated);
}

TEST(RequestTest, FormBodyIsReadWhenTheUriHasNoParameters) {
  auto report = ParseRequest({"POST", "/", "application/x-www-form-urlencoded",
                              "id=abc12345&lat=1.5&lon=2.5&timestamp=1377177267"},
                             {});
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->device_id, "abc12345");
  EXPECT_DOUBLE_EQ(*report->fixes[0].lon_deg, 2.5);
  // With parameters in the URI, the body is not looked at.
  auto uri = ParseRequest({"POST", "/?id=fromuri1&lat=1&lon=1", "", "id=frombody&lat=9&lon=9"}, {});
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->device_id, "fromuri1");
}

TEST(RequestTest, DeviceidAndLocationAndValidAreAccepted) {
  auto report =
      ParseQueryForm("deviceid=abc12345&location=-33.5%2C151.25&valid=false&charge=1", {});
  ASSERT_TRUE(report.ok()) << report.message();
  EXPECT_EQ(report->device_id, "abc12345");
  EXPECT_DOUBLE_EQ(*report->fixes[0].lat_deg, -33.5);
  EXPECT_DOUBLE_EQ(*report->fixes[0].lon_deg, 151.25);
  EXPECT_FALSE(report->fixes[0].valid);
  EXPECT_TRUE(*report->fixes[0].charging);
  EXPECT_EQ(ToFix(report->fixes[0], 0).quality, proto::FixQuality::kNone);
  EXPECT_FALSE(report->fixes[0].time_ms.has_value());
  EXPECT_EQ(ToFix(report->fixes[0], 1234).time_ms, 1234) << "no timestamp: the hub's time";
}

TEST(RequestTest, OtherParametersBecomeAttributesInOrder) {
  auto report =
      ParseQueryForm("id=abc12345&ignition=true&rpm=933&fuel=24&driverUniqueId=D%C3%BC", {});
  ASSERT_TRUE(report.ok());
  const Attributes expected = {
      {"ignition", "true"}, {"rpm", "933"}, {"fuel", "24"}, {"driverUniqueId", "D\xC3\xBC"}};
  EXPECT_EQ(report->fixes[0].attributes, expected);
}

TEST(RequestTest, TimestampForms) {
  const LocalToUtcFn utc;
  EXPECT_EQ(*ParseTimestamp("1377177267", utc), 1377177267000);
  EXPECT_EQ(*ParseTimestamp("2147483646", utc), 2147483646000) << "below 2^31-1: seconds";
  EXPECT_EQ(*ParseTimestamp("2147483647", utc), 2147483647) << "from 2^31-1 on: milliseconds";
  EXPECT_EQ(*ParseTimestamp("1377177267.25", utc), 1377177267250);
  EXPECT_EQ(*ParseTimestamp("2016-01-27T18:55:47Z", utc), 1453920947000);
  EXPECT_EQ(*ParseTimestamp("2016-01-27T18:55:47.5Z", utc), 1453920947500);
  EXPECT_EQ(*ParseTimestamp("2016-01-27T20:55:47+02:00", utc), 1453920947000);
  EXPECT_EQ(*ParseTimestamp("2016-01-27T13:55:47-0500", utc), 1453920947000);
  EXPECT_EQ(*ParseTimestamp("2016-01-27T18:55:47", utc), 1453920947000) << "no zone: UTC";
  EXPECT_EQ(*ParseTimestamp("2016-02-29T00:00:00Z", utc), CivilToMs(2016, 2, 29, 0, 0, 0, 0));
  EXPECT_EQ(*ParseTimestamp("2016-01-27 18:55:47", utc), 1453920947000);
  // The hub's zone for the zone-less form, given here as a fixed UTC+2.
  const LocalToUtcFn plus_two = [](int64_t civil_ms) { return civil_ms - 2 * 3600 * 1000; };
  EXPECT_EQ(*ParseTimestamp("2016-01-27 20:55:47", plus_two), 1453920947000);
  EXPECT_EQ(CivilToMs(1970, 1, 1, 0, 0, 0, 0), 0);
  EXPECT_EQ(CivilToMs(2000, 3, 1, 0, 0, 0, 0), 951868800000);
}

TEST(RequestTest, BadTimestampsAreErrors) {
  for (const char* bad :
       {"", "abc", "2016-13-01T00:00:00Z", "2015-02-29T00:00:00Z", "2016-01-27T24:00:00Z",
        "2016-01-27T18:55:47+25:00", "2016-01-27T18:55:47Q", "2016-01-27 18:55",
        "2016/01/27 18:55:47", "1.2.3", "99999999999999999999", "-5", "1377177267.",
        "1969-12-31T23:59:59Z"}) {
    EXPECT_FALSE(ParseTimestamp(bad, {}).ok()) << "[" << bad << "]";
  }
}

TEST(RequestTest, MissingOrEmptyIdIsRefused) {
  EXPECT_EQ(ParseQueryForm("lat=1&lon=2", {}).message(), "id: missing");
  EXPECT_EQ(ParseQueryForm("id=&lat=1&lon=2", {}).message(), "id: missing");
  EXPECT_EQ(ParseQueryForm("", {}).message(), "id: missing");
  EXPECT_EQ(ParseJsonForm(R"({"location":{}})", {}).message(), "device_id: missing");
  EXPECT_EQ(ParseJsonForm(R"({"location":{},"device_id":""})", {}).message(), "device_id: missing");
  EXPECT_EQ(ParseJsonForm(R"({"location":{},"device_id":{}})", {}).message(), "device_id: missing");
}

TEST(RequestTest, BadNumbersNameTheFieldAndNeverTheId) {
  const std::pair<const char*, const char*> cases[] = {
      {"id=s3cr3t-id&lat=abc&lon=1", "lat: not a number"},
      {"id=s3cr3t-id&lat=1&lon=1e999", "lon: not a number"},
      {"id=s3cr3t-id&lat=nan&lon=1", "lat: not a number"},
      {"id=s3cr3t-id&lat=1&lon=2&speed=fast", "speed: not a number"},
      {"id=s3cr3t-id&lat=1&lon=2&batt=", "batt: not a number"},
      {"id=s3cr3t-id&lat=1&lon=2&altitude=1%2C5", "altitude: not a number"},
      {"id=s3cr3t-id&lat=1&lon=2&charge=maybe", "charge: expected true or false"},
      {"id=s3cr3t-id&lat=91&lon=2", "latitude outside [-90, 90]"},
      {"id=s3cr3t-id&lat=1&lon=-180.5", "longitude outside [-180, 180]"},
      {"id=s3cr3t-id&lat=1", "latitude without longitude"},
      {"id=s3cr3t-id&location=1", "location: expected lat,lon"},
      {"id=s3cr3t-id&lat=1&lon=2&timestamp=yesterday",
       "timestamp: not seconds, milliseconds, ISO-8601 or 'yyyy-MM-dd HH:mm:ss'"},
      {"id=s3cr3t-id&lat=1%ZZ&lon=2", "lat: bad percent-encoding"},
      {"id=s3cr3t-id%FF&lat=1&lon=2", "id: not valid UTF-8"},
      {"id=s3cr3t-id&na%C0%AFme=1", "a parameter name: not valid UTF-8"},
      {"id=s3cr3t-id&note=%ED%A0%80", "note: not valid UTF-8"},
  };
  for (const auto& [query, message] : cases) {
    auto report = ParseQueryForm(query, {});
    ASSERT_FALSE(report.ok()) << query;
    EXPECT_EQ(report.message(), message) << query;
    EXPECT_EQ(report.message().find("s3cr3t"), std::string::npos);
  }
}

TEST(RequestTest, BadJsonReportsAreErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"device_id":"x1234567"})", "location: missing"},
      {R"([1])", "JSON: expected an object"},
      {R"({"device_id":"x1234567","location":[]})", "location: empty array"},
      {R"({"device_id":"x1234567","location":7})", "location: expected an object"},
      {R"({"device_id":"x1234567","location":{"coords":{"latitude":"1","longitude":2}}})",
       "location.coords.latitude: expected a number"},
      {R"({"device_id":"x1234567","location":{"coords":{"latitude":1}}})",
       "location.coords.latitude without longitude"},
      {R"({"device_id":"x1234567","location":{"coords":{"accuracy":5}}})",
       "location.coords.latitude and longitude: missing"},
      {R"({"device_id":"x1234567","location":{"coords":{"latitude":100,"longitude":2}}})",
       "location.coords.latitude outside [-90, 90]"},
      {R"({"device_id":"x1234567","location":{"timestamp":"soon"}})",
       "location.timestamp: not seconds, milliseconds, ISO-8601 or 'yyyy-MM-dd HH:mm:ss'"},
      {R"({"device_id":"x1234567","location":{"timestamp":true}})",
       "location.timestamp: expected a string"},
      {R"({"device_id":"x1234567","location":[{},{"coords":[]}]})",
       "location[1].coords: expected an object"},
      {R"({"device_id":"x1234567","location":{},})", "JSON byte 38: expected a member name"},
  };
  for (const auto& [body, message] : cases) {
    auto report = ParseJsonForm(body, {});
    ASSERT_FALSE(report.ok()) << body;
    EXPECT_EQ(report.message(), message) << body;
  }
}

TEST(RequestTest, JsonBatchCarriesOneFixPerLocationUpToTheLimit) {
  std::string body = R"({"device_id":"x1234567","location":[)";
  for (int i = 0; i < 3; ++i) {
    body += std::string(i ? "," : "") + R"({"timestamp":")" + std::to_string(1700000000 + i) +
            R"(","coords":{"latitude":1,"longitude":)" + std::to_string(i) + "}}";
  }
  body += "]}";
  auto report = ParseJsonForm(body, {});
  ASSERT_TRUE(report.ok()) << report.message();
  ASSERT_EQ(report->fixes.size(), 3u);
  EXPECT_EQ(*report->fixes[2].lon_deg, 2);
  ParseOptions small;
  small.max_locations = 2;
  EXPECT_EQ(ParseJsonForm(body, small).message(), "location: more than 2 locations");
}

TEST(RequestTest, TooManyParametersAreRefused) {
  std::string query = "id=abc12345";
  for (int i = 0; i < 100; ++i) query += "&k" + std::to_string(i) + "=1";
  EXPECT_EQ(ParseQueryForm(query, {}).message(), "more than 100 parameters");
}

TEST(RequestTest, ContentTypeDecidesTheForm) {
  EXPECT_EQ(FormOf("application/json"), RequestForm::kJson);
  EXPECT_EQ(FormOf("Application/JSON; charset=UTF-8"), RequestForm::kJson);
  EXPECT_EQ(FormOf(" application/json"), RequestForm::kJson);
  EXPECT_EQ(FormOf("application/jsonp"), RequestForm::kQuery);
  EXPECT_EQ(FormOf("application/x-www-form-urlencoded"), RequestForm::kQuery);
  EXPECT_EQ(FormOf(""), RequestForm::kQuery);
}

TEST(RequestTest, ToFixClampsAndWraps) {
  PhoneFix fix;
  fix.lat_deg = 90;
  fix.lon_deg = -180;
  fix.course_deg = 359.999;
  fix.altitude_m = 1e12;
  fix.speed_mps = 1e12;
  fix.hdop = 1e12;
  const proto::Fix out = ToFix(fix, 5);
  EXPECT_TRUE(proto::InRange(out));
  EXPECT_EQ(out.lat_e7, 900000000);
  EXPECT_EQ(out.lon_e7, -1800000000);
  EXPECT_EQ(out.course_cdeg, 0u) << "359.999 rounds to 360, which is 0";
  EXPECT_EQ(out.altitude_dm, std::numeric_limits<int32_t>::max());
  EXPECT_EQ(out.speed_cmps, std::numeric_limits<uint32_t>::max());
}

}  // namespace
}  // namespace convoy::hub::osmand
