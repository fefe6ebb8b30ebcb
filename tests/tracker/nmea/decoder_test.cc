// The decoders and the cycle assembler on crafted sentences: dates for dateless sentences,
// midnight, GPS week rollover, cycle endings, and fixes that must not be trusted.
#include "tracker/nmea/decoder.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/tracker/nmea/gpsd_chk.h"

namespace convoy::tracker::nmea {
namespace {

std::string Nmea(const std::string& body) {
  uint8_t sum = 0;
  for (char c : body) sum ^= static_cast<uint8_t>(c);
  char hex[3];
  std::snprintf(hex, sizeof hex, "%02X", sum);
  return "$" + body + "*" + hex + "\r\n";
}

int64_t Utc(int y, int mo, int d, int h, int mi, int s, int ms = 0) {
  return DaysFromCivil({y, mo, d}) * 86'400'000 + ((h * 60 + mi) * 60 + s) * 1000LL + ms;
}

std::vector<NmeaFix> DecodeAll(const std::vector<std::string>& bodies,
                               AssemblerOptions options = {}, DecoderStats* stats = nullptr) {
  Decoder decoder(options);
  std::vector<NmeaFix> fixes;
  for (const std::string& body : bodies) decoder.Feed(Nmea(body), &fixes);
  decoder.Finish(&fixes);
  if (stats != nullptr) *stats = decoder.stats();
  return fixes;
}

TEST(DecoderTest, RmcGivesTimePositionSpeedAndCourse) {
  const auto fixes =
      DecodeAll({"GPRMC,225446.33,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E,A"});
  ASSERT_EQ(fixes.size(), 1u);
  const NmeaFix& f = fixes[0];
  EXPECT_EQ(f.time_ms, Utc(1994, 11, 19, 22, 54, 46, 330));
  EXPECT_DOUBLE_EQ(f.lat_deg, 49 + 16.45 / 60);
  EXPECT_DOUBLE_EQ(f.lon_deg, -(123 + 11.12 / 60));
  EXPECT_NEAR(*f.speed_mps, 0.5 * 1852 / 3600, 1e-12);
  EXPECT_DOUBLE_EQ(*f.course_deg, 54.7);
  EXPECT_EQ(f.quality, proto::FixQuality::k2D);
  const proto::Fix p = ToProtoFix(f);
  EXPECT_EQ(p.lat_e7, 492741667);
  EXPECT_EQ(p.lon_e7, -1231853333);
  EXPECT_EQ(p.speed_cmps, 26u);
  EXPECT_EQ(p.course_cdeg, 5470u);
}

TEST(DecoderTest, SentencesOfOneCycleMergeIntoOneFix) {
  const auto fixes = DecodeAll({
      "GPGGA,123519,4807.038,N,01131.324,E,2,08,0.9,545.4,M,46.9,M,,",
      "GPGSA,A,3,04,05,,09,12,,,24,,,,,2.5,1.3,2.1",
      "GPRMC,123519,A,4807.038,N,01131.324,E,022.4,084.4,230394,003.1,W",
      "GPVTG,084.4,T,077.8,M,022.4,N,041.5,K",
  });
  ASSERT_EQ(fixes.size(), 1u);
  const proto::Fix p = ToProtoFix(fixes[0]);
  EXPECT_EQ(p.time_ms, Utc(1994, 3, 23, 12, 35, 19));
  EXPECT_EQ(p.altitude_dm, 5454);
  EXPECT_EQ(p.hdop_c, 130u);
  EXPECT_EQ(p.satellites, 8u);
  EXPECT_EQ(p.speed_cmps, 1152u);
  // RMC's plain "valid" does not undo GGA's DGPS.
  EXPECT_EQ(p.quality, proto::FixQuality::kDgps);
}

TEST(DecoderTest, DatelessSentencesTakeTheDateFromTheLatestRmc) {
  const auto fixes = DecodeAll({
      "GPRMC,120000,A,4807.038,N,01131.324,E,0.0,0.0,150305,,",
      "GPGGA,120001,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,",
      "GNGNS,120002,4807.038,N,01131.324,E,AA,08,0.9,545.4,46.9,,",
      "GPGLL,4807.038,N,01131.324,E,120003,A,A",
  });
  ASSERT_EQ(fixes.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(fixes[i].time_ms, Utc(2005, 3, 15, 12, 0, i));
  EXPECT_EQ(fixes[1].quality, proto::FixQuality::k3D);  // altitude with 8 satellites
}

TEST(DecoderTest, ZdaGivesTheDate) {
  const auto fixes = DecodeAll({
      "GPZDA,235959.50,31,12,2023,00,00",
      "GPGGA,235959.50,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,",
  });
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_EQ(fixes[0].time_ms, Utc(2023, 12, 31, 23, 59, 59, 500));
}

TEST(DecoderTest, MidnightWrapMovesTheDateForward) {
  const auto fixes = DecodeAll({
      "GPRMC,235959,A,4807.038,N,01131.324,E,0.0,0.0,311223,,",
      "GPGGA,000000,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,",
      "GPGGA,000001,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,",
  });
  ASSERT_EQ(fixes.size(), 3u);
  EXPECT_EQ(fixes[1].time_ms, Utc(2024, 1, 1, 0, 0, 0));
  EXPECT_EQ(fixes[2].time_ms, Utc(2024, 1, 1, 0, 0, 1));
}

TEST(DecoderTest, CycleWithNoDateYetIsDroppedAndCounted) {
  DecoderStats stats;
  const auto fixes = DecodeAll(
      {
          "GPGGA,120000,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,",
          "GPGGA,120001,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,",
          "GPRMC,120002,A,4807.038,N,01131.324,E,0.0,0.0,150305,,",
      },
      {}, &stats);
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_EQ(stats.assembler.undated_cycles, 2u);
}

TEST(DecoderTest, InvalidFixesAreReportedWithoutQuality) {
  const auto fixes = DecodeAll({
      "GPRMC,120000,A,4807.038,N,01131.324,E,0.0,0.0,150305,,",
      // GGA quality 0 and GSA mode 1: the receiver has lost the fix.
      "GPGGA,120001,4807.038,N,01131.324,E,0,00,,,M,,M,,",
      "GPGSA,A,1,,,,,,,,,,,,,,,",
      // GGA says a fix but with 2 satellites: gpsd calls it no fix, and so do we.
      "GPGGA,120002,4807.038,N,01131.324,E,1,02,9.9,545.4,M,46.9,M,,",
      // RMC with FAA mode N (data not valid).
      "GPRMC,120003,A,4807.038,N,01131.324,E,0.0,0.0,150305,,,N",
  });
  ASSERT_EQ(fixes.size(), 4u);
  EXPECT_TRUE(fixes[0].is_fix());
  for (int i = 1; i < 4; ++i) {
    EXPECT_FALSE(fixes[i].is_fix()) << i;
    EXPECT_EQ(ToProtoFix(fixes[i]).quality, proto::FixQuality::kNone) << i;
  }
}

TEST(DecoderTest, GsaModeRescuesGgaThatReportsZeroSatellites) {
  // garmin25lp.log: Garmin sends 00 satellites in GGA, and the real mode in GSA.
  const auto fixes = DecodeAll({
      "GPRMC,120326,A,4221.3871,N,01322.0800,E,000.0,000.0,150305,001.4,E",
      "GPGGA,120326,4221.3871,N,01322.0800,E,1,00,3.1,746.1,M,44.2,M,,",
      "GPGSA,A,2,01,03,,14,,,,,,,,,3.1,3.1,",
  });
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_TRUE(fixes[0].is_fix());
  EXPECT_EQ(fixes[0].quality, proto::FixQuality::k2D);
}

TEST(DecoderTest, OtherTalkersAndShortSentencesAreCountedNotDecoded) {
  DecoderStats stats;
  const auto fixes = DecodeAll(
      {
          "IIRMC,120000,A,4807.038,N,01131.324,E,0.0,0.0,150305,,",  // an instrument bus
          "GPGGA,120001,4807.038,N,01131.324,E,1",                   // fields cut off
          "GPGSV,1,1,01,36,19,156,51",
          "GAGGA,120002,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,",  // Galileo: fine
      },
      {}, &stats);
  EXPECT_EQ(stats.unsupported_talker, 1u);
  EXPECT_EQ(stats.too_few_fields, 1u);
  EXPECT_EQ(stats.unsupported_type, 1u);
  EXPECT_EQ(stats.decoded[static_cast<int>(SentenceType::kGga)], 1u);
  EXPECT_TRUE(fixes.empty());  // no date from any RMC or ZDA
}

TEST(DecoderTest, LearnedCycleEnderEmitsWithoutWaitingForTheNextCycle) {
  Decoder decoder;
  std::vector<NmeaFix> fixes;
  auto cycle = [&](int s) {
    char t[16];
    std::snprintf(t, sizeof t, "1200%02d", s);
    decoder.Feed(Nmea(std::string("GPRMC,") + t + ",A,4807.038,N,01131.324,E,1.0,90.0,150305,,"),
                 &fixes);
    decoder.Feed(Nmea(std::string("GPGGA,") + t + ",4807.038,N,01131.324,E,1,08,0.9,1,M,1,M,,"),
                 &fixes);
    decoder.Feed(Nmea("GPVTG,90.0,T,,M,1.0,N,1.9,K,A"), &fixes);
  };
  cycle(0);
  cycle(1);
  EXPECT_EQ(fixes.size(), 1u);  // cycle 0, ended by cycle 1's RMC
  cycle(2);
  // Cycle 1 was the second to end with VTG: from now on VTG ends a cycle as it arrives, so
  // cycle 2 is out without waiting for cycle 3.
  EXPECT_EQ(fixes.size(), 3u);
  cycle(3);
  EXPECT_EQ(fixes.size(), 4u);
  EXPECT_EQ(fixes.back().time_ms, Utc(2005, 3, 15, 12, 0, 3));
  // A sentence for the cycle already emitted is late: dropped and counted, and the ender is
  // learned again.
  decoder.Feed(Nmea("GPGLL,4807.038,N,01131.324,E,120003,A,A"), &fixes);
  EXPECT_EQ(fixes.size(), 4u);
  EXPECT_EQ(decoder.stats().assembler.late_sentences, 1u);
}

// GPS week rollover on real captures: with the rollover floor the dates come out 1024 weeks
// later, exactly as gpsd's rollover heuristic put them in its .chk for neo-m8n and tcp-torture.
TEST(DecoderTest, WeekRolloverIsUndoneWithAFloor) {
  const std::string dir = std::string(CONVOY_TEST_DATA) + "/nmea-gpsd/";
  for (const std::string name : {"neo-m8n.log", "tcp-torture.log"}) {
    SCOPED_TRACE(name);
    Decoder decoder({.rollover_floor_utc_ms = kDefaultRolloverFloorUtcMs});
    std::vector<NmeaFix> fixes;
    for (const std::string& chunk : testing::GpsfakeChunks(testing::ReadFile(dir + name))) {
      decoder.Feed(chunk, &fixes);
    }
    decoder.Finish(&fixes);
    const testing::Chk chk = testing::ParseChk(testing::ReadFile(dir + name + ".chk"));
    const auto expected = testing::LastFixTpvByTime(chk, [](const std::string&) { return true; });
    ASSERT_FALSE(expected.empty());
    int matched = 0;
    for (const NmeaFix& fix : fixes) matched += expected.count(fix.time_ms);
    EXPECT_EQ(matched, static_cast<int>(expected.size()));
    EXPECT_GT(decoder.stats().assembler.rollovers, 0u);
  }
}

TEST(DecoderTest, TelitYear99AfterThe2019RolloverIsMovedTo2019) {
  // april6_2019.log: after 2019-04-06 a Telit HE910 reports 1999-08-22 (and "2208-1").
  Decoder decoder({.rollover_floor_utc_ms = Utc(2019, 1, 1, 0, 0, 0)});
  std::vector<NmeaFix> fixes;
  const std::string dir = std::string(CONVOY_TEST_DATA) + "/nmea-gpsd/";
  decoder.Feed(testing::GpsfakeChunks(testing::ReadFile(dir + "april6_2019.log"))[0], &fixes);
  decoder.Finish(&fixes);
  ASSERT_EQ(fixes.size(), 1u);
  EXPECT_EQ(fixes[0].time_ms, Utc(2019, 4, 7, 0, 2, 31, 420));
  // Without a floor the date is what the receiver said, as gpsd reports it.
  Decoder plain;
  std::vector<NmeaFix> raw;
  plain.Feed(testing::GpsfakeChunks(testing::ReadFile(dir + "april6_2019.log"))[0], &raw);
  plain.Finish(&raw);
  ASSERT_EQ(raw.size(), 1u);
  EXPECT_EQ(raw[0].time_ms, Utc(1999, 8, 22, 0, 2, 31, 420));
}

TEST(DecoderTest, ProtoRoundingIsNearestAndCourseWraps) {
  NmeaFix f;
  f.has_position = true;
  f.quality = proto::FixQuality::k3D;
  f.lat_deg = 44.06882644;  // skytraq-dgps: 9 digits, rounds up
  f.lon_deg = -121.314475755;
  f.speed_mps = 0.30866;  // 0.60 kn
  f.course_deg = 359.996;
  f.altitude_m = -30.44;
  const proto::Fix p = ToProtoFix(f);
  EXPECT_EQ(p.lat_e7, 440688264);
  EXPECT_EQ(p.lon_e7, -1213144758);
  EXPECT_EQ(p.speed_cmps, 31u);
  EXPECT_EQ(p.course_cdeg, 0u);
  EXPECT_EQ(p.altitude_dm, -304);
}

}  // namespace
}  // namespace convoy::tracker::nmea
