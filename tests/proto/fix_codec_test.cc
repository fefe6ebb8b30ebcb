#include "proto/fix_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace convoy::proto {
namespace {

// A car on a highway: 1 Hz, ~30 m/s heading north-east, with GPS noise of a metre or two.
std::vector<SequencedFix> HighwayDrive(size_t count, uint64_t first_seq = 1) {
  std::mt19937 random(7);
  std::normal_distribution<double> noise_m(0, 1.5);
  std::vector<SequencedFix> fixes;
  double lat = 41.9, lon = 12.5;
  for (size_t i = 0; i < count; ++i) {
    lat += 20.0 / 111'320 + noise_m(random) / 111'320;
    lon += 22.0 / 83'000 + noise_m(random) / 83'000;
    Fix fix;
    fix.time_ms = 1'750'000'000'000 + static_cast<int64_t>(i) * 1000;
    fix.lat_e7 = static_cast<int32_t>(std::lround(lat * 1e7));
    fix.lon_e7 = static_cast<int32_t>(std::lround(lon * 1e7));
    fix.altitude_dm = 1200 + static_cast<int32_t>(std::lround(noise_m(random) * 3));
    fix.speed_cmps = static_cast<uint32_t>(std::lround(2970 + noise_m(random) * 20));
    fix.course_cdeg = static_cast<uint32_t>(std::lround(4200 + noise_m(random) * 30));
    fix.hdop_c = i % 60 == 0 ? 110 : 90;
    fix.satellites = 10;
    fix.quality = FixQuality::k3D;
    fixes.push_back({first_seq + i, fix});
  }
  return fixes;
}

TEST(FixCodecTest, RoundTripsAStream) {
  auto fixes = HighwayDrive(500);
  FixEncoder encoder;
  std::string packed;
  for (const auto& fix : fixes) encoder.Encode(fix, &packed);
  FixDecoder decoder;
  std::vector<SequencedFix> decoded;
  ASSERT_TRUE(decoder.Decode(packed, &decoded).ok());
  EXPECT_EQ(decoded, fixes);
}

TEST(FixCodecTest, RoundTripsExtremesAndOutOfOrderSeqs) {
  std::vector<SequencedFix> fixes;
  Fix a;
  a.time_ms = 1;
  a.lat_e7 = 900'000'000;
  a.lon_e7 = -1'800'000'000;
  a.course_cdeg = 35999;
  a.speed_cmps = 0;
  Fix b = a;
  b.time_ms = int64_t{1} << 45;
  b.lat_e7 = -900'000'000;
  b.lon_e7 = 1'800'000'000;
  b.course_cdeg = 1;
  b.altitude_dm = -4000;
  b.quality = FixQuality::kSimulated;
  fixes = {{5000, a}, {17, b}, {18, a}, {1, b}, {1u << 30, a}};
  FixEncoder encoder;
  std::string packed;
  for (const auto& fix : fixes) encoder.Encode(fix, &packed);
  FixDecoder decoder;
  std::vector<SequencedFix> decoded;
  ASSERT_TRUE(decoder.Decode(packed, &decoded).ok());
  EXPECT_EQ(decoded, fixes);
}

TEST(FixCodecTest, BackfillFitsTheCellularBudget) {
  // The link budget: backfill at most 12 bytes a fix; the coding itself must leave room.
  auto fixes = HighwayDrive(3600);
  FixEncoder encoder;
  std::string packed;
  for (const auto& fix : fixes) encoder.Encode(fix, &packed);
  EXPECT_LT(static_cast<double>(packed.size()) / fixes.size(), 11.0);
}

TEST(FixCodecTest, TruncatedEntryIsAnErrorNotAGuess) {
  auto fixes = HighwayDrive(3);
  FixEncoder encoder;
  std::string packed;
  for (const auto& fix : fixes) encoder.Encode(fix, &packed);
  for (size_t cut = 1; cut < packed.size(); ++cut) {
    FixDecoder decoder;
    std::vector<SequencedFix> decoded;
    Status status = decoder.Decode(std::string_view(packed).substr(0, cut), &decoded);
    // Either the cut falls between entries (a shorter valid stream) or it is reported.
    if (status.ok()) {
      ASSERT_LT(decoded.size(), fixes.size());
      EXPECT_EQ(decoded, std::vector<SequencedFix>(fixes.begin(), fixes.begin() + decoded.size()));
    } else {
      EXPECT_NE(status.message().find("fix entry at byte"), std::string::npos);
    }
  }
}

TEST(FixCodecTest, PositionOutOfRangeIsRejected) {
  FixEncoder encoder;
  std::string packed;
  Fix fix;
  fix.time_ms = 1000;
  fix.lat_e7 = 899'999'999;
  encoder.Encode({1, fix}, &packed);
  packed.push_back(0);              // header: nothing else changes
  packed.push_back(0);              // time step unchanged
  PutVarint(ZigZag(100), &packed);  // latitude beyond the pole
  PutVarint(0, &packed);
  FixDecoder decoder;
  std::vector<SequencedFix> decoded;
  Status status = decoder.Decode(packed, &decoded);
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(decoded.size(), 1u);
}

TEST(FixCodecTest, RandomBytesNeverCrashOrOverflow) {
  std::mt19937 random(99);
  for (int round = 0; round < 20000; ++round) {
    std::string bytes(random() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    FixDecoder decoder;
    std::vector<SequencedFix> decoded;
    (void)decoder.Decode(bytes, &decoded);
    for (const auto& fix : decoded) EXPECT_TRUE(InRange(fix.fix));
  }
}

TEST(VarintTest, RejectsOverlongEncodings) {
  std::string eleven(11, '\xff');
  size_t pos = 0;
  uint64_t value = 0;
  EXPECT_FALSE(GetVarint(eleven, &pos, &value));
  std::string max;
  PutVarint(UINT64_MAX, &max);
  pos = 0;
  ASSERT_TRUE(GetVarint(max, &pos, &value));
  EXPECT_EQ(value, UINT64_MAX);
}

}  // namespace
}  // namespace convoy::proto
