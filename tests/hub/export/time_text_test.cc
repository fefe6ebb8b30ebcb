// Times and numbers as text for the exporters (hub/export/time_text.h).
#include "hub/export/time_text.h"

#include <gtest/gtest.h>

namespace convoy::hub {
namespace {

constexpr int64_t k0900Utc = 1716022800000;  // 2024-05-18T09:00:00Z

int64_t Parse(std::string_view text) {
  auto ms = ParseTimeArg(text, "--from");
  EXPECT_TRUE(ms.ok()) << text << ": " << ms.message();
  return ms.ok() ? *ms : 0;
}

std::string ParseError(std::string_view text) {
  auto ms = ParseTimeArg(text, "--from");
  EXPECT_FALSE(ms.ok()) << text << " parsed as " << (ms.ok() ? *ms : 0);
  return ms.ok() ? "" : ms.message();
}

TEST(ParseTimeArgTest, AcceptsUtcOffsetsAndEpochMilliseconds) {
  EXPECT_EQ(Parse("2024-05-18T09:00:00Z"), k0900Utc);
  EXPECT_EQ(Parse("2024-05-18t09:00:00z"), k0900Utc);
  EXPECT_EQ(Parse("2024-05-18 09:00:00Z"), k0900Utc);
  EXPECT_EQ(Parse("2024-05-18T09:00Z"), k0900Utc);
  EXPECT_EQ(Parse("2024-05-18T11:00:00+02:00"), k0900Utc);
  EXPECT_EQ(Parse("2024-05-18T11:00:00+0200"), k0900Utc);
  EXPECT_EQ(Parse("2024-05-18T11:00+02"), k0900Utc);
  EXPECT_EQ(Parse("2024-05-18T04:30:00-04:30"), k0900Utc);
  EXPECT_EQ(Parse("2024-05-18T09:00:00.250Z"), k0900Utc + 250);
  EXPECT_EQ(Parse("2024-05-18T09:00:00.5Z"), k0900Utc + 500);
  EXPECT_EQ(Parse("2024-05-18T09:00:00.123456Z"), k0900Utc + 123);
  EXPECT_EQ(Parse("1716022800000"), k0900Utc);
  EXPECT_EQ(Parse("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Parse("2024-02-29T00:00:00Z"), 1709164800000);  // a leap day
}

TEST(ParseTimeArgTest, TimeWithoutZoneIsRefusedWithAHint) {
  const std::string message = ParseError("2024-05-18T09:00:00");
  EXPECT_NE(message.find("--from '2024-05-18T09:00:00'"), std::string::npos) << message;
  EXPECT_NE(message.find("Z"), std::string::npos) << message;
}

TEST(ParseTimeArgTest, DateAloneIsAmbiguous) {
  EXPECT_NE(ParseError("2024-05-18").find("ambiguous"), std::string::npos);
}

TEST(ParseTimeArgTest, ImpossibleDatesAndTimesAreRefused) {
  ParseError("2024-02-30T00:00:00Z");
  ParseError("2023-02-29T00:00:00Z");
  ParseError("2024-13-01T00:00:00Z");
  ParseError("2024-05-18T24:00:00Z");
  ParseError("2024-05-18T09:60:00Z");
  ParseError("2024-05-18T09:00:00+25:00");
}

TEST(ParseTimeArgTest, GarbageIsRefused) {
  ParseError("");
  ParseError("yesterday");
  ParseError("-");
  ParseError("2024");  // too short for epoch ms: a year, most likely
  ParseError("20240518");
  ParseError("99999999999999999999999");
  ParseError("2024-05-18T09:00:00Zjunk");
  ParseError("2024-05-18T09:00:00.Z");
  ParseError("18/05/2024 09:00");
}

TEST(FormatIsoTimeTest, WritesSecondsOrMilliseconds) {
  EXPECT_EQ(IsoTime(k0900Utc), "2024-05-18T09:00:00Z");
  EXPECT_EQ(IsoTime(k0900Utc + 7), "2024-05-18T09:00:00.007Z");
  EXPECT_EQ(IsoTime(k0900Utc + 250), "2024-05-18T09:00:00.250Z");
  EXPECT_EQ(IsoTime(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(IsoTime(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(IsoTime(951782400000), "2000-02-29T00:00:00Z");
}

TEST(FormatIsoTimeTest, DayCacheFollowsDayChanges) {
  // The date part is cached per day: alternate days must not leak into each other.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(IsoTime(k0900Utc), "2024-05-18T09:00:00Z");
    EXPECT_EQ(IsoTime(k0900Utc + 86'400'000), "2024-05-19T09:00:00Z");
    EXPECT_EQ(IsoTime(k0900Utc + 54'000'000 - 1), "2024-05-18T23:59:59.999Z");
    EXPECT_EQ(IsoTime(k0900Utc + 54'000'000), "2024-05-19T00:00:00Z");
  }
}

TEST(FormatIsoTimeTest, RoundTripsThroughTheParser) {
  for (int64_t t : {int64_t{0}, k0900Utc, k0900Utc + 1, int64_t{4102444799999}}) {
    EXPECT_EQ(Parse(IsoTime(t)), t);
  }
}

std::string E7(int32_t v) {
  char buf[16];
  return std::string(buf, FormatE7(v, buf));
}

TEST(IsoDayTest, NamesTheUtcDayIncludingBefore1970) {
  EXPECT_EQ(IsoDay(0), "1970-01-01");
  EXPECT_EQ(IsoDay(19861), "2024-05-18");
  EXPECT_EQ(IsoDay(-1), "1969-12-31");
  EXPECT_EQ(IsoDay(11016), "2000-02-29");
}

TEST(FormatE7Test, WritesSevenDecimalsExactly) {
  EXPECT_EQ(E7(0), "0.0000000");
  EXPECT_EQ(E7(419000000), "41.9000000");
  EXPECT_EQ(E7(-5), "-0.0000005");
  EXPECT_EQ(E7(-1234567891), "-123.4567891");
  EXPECT_EQ(E7(1800000000), "180.0000000");
  EXPECT_EQ(E7(-1800000000), "-180.0000000");
}

TEST(FormatFixedTest, WritesTheGivenDecimals) {
  char buf[24];
  EXPECT_EQ(std::string(buf, FormatFixed(234, 1, buf)), "23.4");
  EXPECT_EQ(std::string(buf, FormatFixed(-7, 2, buf)), "-0.07");
  EXPECT_EQ(std::string(buf, FormatFixed(42, 0, buf)), "42");
  EXPECT_EQ(std::string(buf, FormatFixed(INT64_MIN, 0, buf)), "-9223372036854775808");
}

TEST(EscapingTest, XmlJsonAndCsv) {
  std::string xml;
  AppendXmlEscaped("Car 1 & \"the <Rossis>\" 'x'\x01", &xml);
  EXPECT_EQ(xml, "Car 1 &amp; &quot;the &lt;Rossis&gt;&quot; &apos;x&apos; ");
  std::string json;
  AppendJsonString("a\"b\\c\nd", &json);
  EXPECT_EQ(json, "\"a\\\"b\\\\c\\u000ad\"");
  std::string csv;
  AppendCsvField("plain", &csv);
  csv += ',';
  AppendCsvField("Rossi, \"Nonna\"", &csv);
  EXPECT_EQ(csv, "plain,\"Rossi, \"\"Nonna\"\"\"");
}

}  // namespace
}  // namespace convoy::hub
