// The golden test: every gpsd regression log in tests/data/nmea-gpsd/ decoded by our pipeline
// and compared with gpsd's own output (.log.chk): the same sentences accepted, in order, and for
// every gpsd TPV with a fix a fix of ours at the same time with lat/lon within 1e-7 deg, speed
// within 0.01 m/s and course within 0.01 deg, at full precision and after rounding to proto::Fix.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include "tests/tracker/nmea/gpsd_chk.h"
#include "tracker/nmea/decoder.h"

namespace convoy::tracker::nmea {
namespace {

using testing::Chk;
using testing::Tpv;

const std::string kDir = std::string(CONVOY_TEST_DATA) + "/nmea-gpsd/";
constexpr int64_t kDayMs = 86'400'000;

std::vector<std::string> AllLogs() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() == ".log") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Logs whose .chk dates gpsd shifted (README.md "Date quirks"): compare the time of day only.
bool HasDateQuirk(const std::string& name) {
  return name == "neo-m8n.log" || name == "tcp-torture.log" || name == "april6_2019.log";
}

// What the lexer must reject in each log, by reason (everything else is accepted).
std::map<Reject, uint64_t> ExpectedRejects(const std::string& name) {
  if (name == "firefly-II.log") return {{Reject::kBadChecksum, 23}};  // 23 GGA with bad sums
  if (name == "et-332.log") return {{Reject::kBinary, 1}};       // terminal escapes inside a GSA
  if (name == "sl869.log") return {{Reject::kNoChecksum, 1}};    // $GPTXT without a checksum
  if (name == "ublox-8.log") return {{Reject::kNoChecksum, 1}};  // capture cut mid-sentence
  return {};
}

struct Decoded {
  std::vector<std::string> sentences;
  std::vector<NmeaFix> fixes;
  DecoderStats stats;
};

Decoded DecodeLog(const std::string& name, size_t chunk_bytes = 0) {
  Decoded d;
  Decoder decoder;
  auto keep = [&](std::string_view s) { d.sentences.emplace_back(s); };
  for (const std::string& chunk : testing::GpsfakeChunks(testing::ReadFile(kDir + name))) {
    if (chunk_bytes == 0) {
      decoder.FeedWithSentences(chunk, &d.fixes, keep);
      continue;
    }
    for (size_t at = 0; at < chunk.size(); at += chunk_bytes) {
      decoder.FeedWithSentences(std::string_view(chunk).substr(at, chunk_bytes), &d.fixes, keep);
    }
  }
  decoder.Finish(&d.fixes);
  d.stats = decoder.stats();
  return d;
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, AcceptsAndRejectsTheSameSentencesAsGpsd) {
  const std::string name = GetParam();
  const Chk chk = testing::ParseChk(testing::ReadFile(kDir + name + ".chk"));
  const Decoded d = DecodeLog(name);
  EXPECT_EQ(d.sentences, chk.sentences);
  for (size_t i = 0; i < kRejectKinds; ++i) {
    const Reject reason = static_cast<Reject>(i);
    const auto expected = ExpectedRejects(name);
    const auto it = expected.find(reason);
    EXPECT_EQ(d.stats.lexer.rejected_for(reason), it == expected.end() ? 0 : it->second)
        << RejectName(reason);
  }
}

TEST_P(GoldenTest, ArbitraryChunkBoundariesChangeNothing) {
  const std::string name = GetParam();
  const Decoded whole = DecodeLog(name);
  for (size_t chunk : {1, 7, 64}) {
    const Decoded pieces = DecodeLog(name, chunk);
    EXPECT_EQ(pieces.sentences, whole.sentences) << "chunk " << chunk;
    ASSERT_EQ(pieces.fixes.size(), whole.fixes.size()) << "chunk " << chunk;
    for (size_t i = 0; i < whole.fixes.size(); ++i) {
      EXPECT_EQ(ToProtoFix(pieces.fixes[i]), ToProtoFix(whole.fixes[i])) << "chunk " << chunk;
    }
  }
}

TEST_P(GoldenTest, FixesMatchGpsdTpvs) {
  const std::string name = GetParam();
  const bool quirk = HasDateQuirk(name);
  const Chk chk = testing::ParseChk(testing::ReadFile(kDir + name + ".chk"));
  const Decoded d = DecodeLog(name);
  auto key = [&](int64_t time_ms) { return quirk ? time_ms % kDayMs : time_ms; };

  // The last fix for each time, as for gpsd's TPVs (humminbird-M37's clock jumps back 13 s
  // and repeats times with new positions).
  std::map<int64_t, const NmeaFix*> ours;
  for (const NmeaFix& fix : d.fixes) ours[key(fix.time_ms)] = &fix;
  // gpsd also reads Trimble's $PERC,GPavp, a surveyed average position, into the TPV; that is
  // not the receiver's fix (ericsson-gru04-02-70sec), so TPVs that follow it are not compared.
  auto comparable = [](const std::string& address) { return address != "PERC"; };
  int compared = 0, speeds = 0, courses = 0, before_vtg = 0;
  for (const auto& [time_ms, tpv] : testing::LastFixTpvByTime(chk, comparable)) {
    SCOPED_TRACE(name + " at " + std::to_string(time_ms));
    const auto it = ours.find(key(time_ms));
    ASSERT_NE(it, ours.end()) << "gpsd has a fix we do not";
    const NmeaFix& fix = *it->second;
    ASSERT_TRUE(fix.is_fix());
    ++compared;
    EXPECT_NEAR(fix.lat_deg, *tpv.lat, 1e-7);
    EXPECT_NEAR(fix.lon_deg, *tpv.lon, 1e-7);
    const proto::Fix rounded = ToProtoFix(fix);
    EXPECT_NEAR(rounded.lat_deg(), *tpv.lat, 1e-7);
    EXPECT_NEAR(rounded.lon_deg(), *tpv.lon, 1e-7);
    // When no sentence of the cycle has given a speed yet, gpsd derives one from successive
    // positions and reports it without a track. So a TPV without track whose cycle we gave a
    // course (from a VTG that followed the TPV's sentence) is not comparable; everything else is.
    if (!tpv.track && fix.course_deg) {
      ++before_vtg;
      continue;
    }
    if (fix.speed_mps) {
      ASSERT_TRUE(tpv.speed.has_value());
      ++speeds;
      EXPECT_NEAR(*fix.speed_mps, *tpv.speed, 0.01);
      EXPECT_NEAR(rounded.speed_mps(), *tpv.speed, 0.01);
    }
    if (tpv.track) {
      ASSERT_TRUE(fix.course_deg.has_value());
      ++courses;
      EXPECT_NEAR(*fix.course_deg, *tpv.track, 0.01);
      EXPECT_NEAR(rounded.course_deg(), *tpv.track, 0.01);
    }
  }
  // The other direction: a fix of ours at a time gpsd reported without a fix is a
  // disagreement. gpsd reports no time at all for some cycles (the first, before RMC has
  // given a date, and the last, which it never saw end): those extra fixes are fine.
  std::set<int64_t> gpsd_fix_times, gpsd_times;
  for (const auto& [time_ms, tpv] : testing::LastFixTpvByTime(chk, comparable)) {
    gpsd_fix_times.insert(key(time_ms));
  }
  for (const Tpv& tpv : chk.tpvs) {
    if (tpv.time_ms) gpsd_times.insert(key(*tpv.time_ms));
  }
  int extra = 0;
  for (const auto& [k, fix] : ours) {
    if (!fix->is_fix() || gpsd_fix_times.count(k)) continue;
    ++extra;
    EXPECT_FALSE(gpsd_times.count(k)) << "gpsd has no fix at " << fix->time_ms << ", we do";
  }
  RecordProperty("compared", compared);
  RecordProperty("speeds", speeds);
  RecordProperty("courses", courses);
  std::printf(
      "%-24.24s fixes %3zu, gpsd %3d, extra %d, speeds %3d, courses %3d, before VTG %d; %s\n",
      name.c_str(), d.fixes.size(), compared, extra, speeds, courses, before_vtg,
      d.stats.Summary().c_str());
}

INSTANTIATE_TEST_SUITE_P(NmeaGpsd, GoldenTest, ::testing::ValuesIn(AllLogs()),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.size() - 4);
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(GoldenTest, EveryLogIsThere) { EXPECT_EQ(AllLogs().size(), 26u); }

}  // namespace
}  // namespace convoy::tracker::nmea
