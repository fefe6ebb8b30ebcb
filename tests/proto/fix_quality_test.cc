// The fix-quality gate on crafted cases and on real recorded tracks (tests/data/gpx/): the
// clean drives pass whole, and the known glitch in the Cerknica track is flagged.
#include "proto/fix_quality.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace convoy::proto {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;  // 2023-11-14
constexpr int64_t kDayMs = 86'400'000;

// A fix at lat/lon degrees, t seconds after kNow - 1 h.
Fix At(double lat, double lon, double t_s, FixQuality quality = FixQuality::k3D) {
  Fix fix;
  fix.time_ms = kNow - 3'600'000 + static_cast<int64_t>(t_s * 1000);
  fix.lat_e7 = static_cast<int32_t>(std::lround(lat * 1e7));
  fix.lon_e7 = static_cast<int32_t>(std::lround(lon * 1e7));
  fix.quality = quality;
  fix.hdop_c = 120;
  return fix;
}

// About 1e-5 deg of latitude per 1.11 m.
constexpr double kDegPerM = 1.0 / 111'195.0;

TEST(FixGateTest, FirstPlausibleFixIsGood) {
  FixGate gate;
  EXPECT_EQ(gate.Check(At(45.0, 14.0, 0), kNow), FixVerdict::kGood);
}

TEST(FixGateTest, NoFixIsFlagged) {
  FixGate gate;
  EXPECT_EQ(gate.Check(At(45.0, 14.0, 0, FixQuality::kNone), kNow), FixVerdict::kNoFix);
  // A source that does not report quality (a phone) is not "no fix".
  EXPECT_EQ(gate.Check(At(45.0, 14.0, 0, FixQuality::kUnknown), kNow), FixVerdict::kGood);
}

TEST(FixGateTest, ZeroZeroIsNullIsland) {
  FixGate gate;
  EXPECT_EQ(gate.Check(At(0, 0, 0), kNow), FixVerdict::kNullIsland);
  EXPECT_EQ(gate.Check(At(0.0005, -0.0005, 1), kNow), FixVerdict::kNullIsland);
  EXPECT_EQ(gate.reference_fixes(), 0u);
  // The equator and the prime meridian themselves are real places.
  EXPECT_EQ(gate.Check(At(0.0, 32.5, 2), kNow), FixVerdict::kGood);
}

TEST(FixGateTest, CoordinatesOutOfRangeAreFlagged) {
  FixGate gate;
  Fix fix = At(45, 14, 0);
  fix.lat_e7 = 900'000'001;
  EXPECT_EQ(gate.Check(fix, kNow), FixVerdict::kOutOfRange);
  fix = At(45, 14, 0);
  fix.lon_e7 = -1'800'000'001;
  EXPECT_EQ(gate.Check(fix, kNow), FixVerdict::kOutOfRange);
  fix = At(45, 14, 0);
  fix.course_cdeg = 36000;
  EXPECT_EQ(gate.Check(fix, kNow), FixVerdict::kOutOfRange);
}

TEST(FixGateTest, FixFromTheFutureIsFlaggedWithinToleranceIsNot) {
  FixGate gate;
  Fix fix = At(45, 14, 0);
  fix.time_ms = kNow + 20'000;  // clock skew
  EXPECT_EQ(gate.Check(fix, kNow), FixVerdict::kGood);
  fix.time_ms = kNow + 3'600'000;
  EXPECT_EQ(gate.Check(fix, kNow), FixVerdict::kFutureTime);
}

TEST(FixGateTest, WeekRolloverDateIsStale) {
  FixGate gate;
  Fix fix = At(45, 14, 0);
  fix.time_ms -= 1024LL * 7 * kDayMs;  // a receiver with the GPS week-number bug
  EXPECT_EQ(gate.Check(fix, kNow), FixVerdict::kStaleTime);
}

TEST(FixGateTest, BackfillAfterSevenDayDeadZoneIsGood) {
  FixGate gate;
  Fix fix = At(45, 14, 0);
  fix.time_ms = kNow - 7 * kDayMs;  // the oldest fix a spool keeps
  EXPECT_EQ(gate.Check(fix, kNow), FixVerdict::kGood);
}

TEST(FixGateTest, JumpIsFlaggedAndNeverBecomesTheReference) {
  FixGate gate;
  EXPECT_EQ(gate.Check(At(45.0, 14.0, 0), kNow), FixVerdict::kGood);
  // 30 m/s (108 km/h) for 10 s: fine.
  EXPECT_EQ(gate.Check(At(45.0 + 300 * kDegPerM, 14.0, 10), kNow), FixVerdict::kGood);
  // 5 km in one second: a jump.
  EXPECT_EQ(gate.Check(At(45.0 + 5300 * kDegPerM, 14.0, 11), kNow), FixVerdict::kJump);
  // The next honest fix is judged against the last good one, not the jump.
  EXPECT_EQ(gate.Check(At(45.0 + 360 * kDegPerM, 14.0, 12), kNow), FixVerdict::kGood);
  EXPECT_EQ(gate.reference_fixes(), 3u);
}

TEST(FixGateTest, StandingStillJitterIsNotAJump) {
  FixGate gate;
  EXPECT_EQ(gate.Check(At(45.0, 14.0, 0), kNow), FixVerdict::kGood);
  // 15 m apart in the same second (two sentences' worth of noise).
  EXPECT_EQ(gate.Check(At(45.0 + 15 * kDegPerM, 14.0, 0), kNow), FixVerdict::kGood);
}

TEST(FixGateTest, BackfillIsCheckedAgainstItsNeighboursInTime) {
  FixGate gate;
  // Live fixes before and after a 10-minute dead zone, 9 km apart (15 m/s).
  EXPECT_EQ(gate.Check(At(45.0, 14.0, 0), kNow), FixVerdict::kGood);
  EXPECT_EQ(gate.Check(At(45.0 + 9000 * kDegPerM, 14.0, 600), kNow), FixVerdict::kGood);
  // The spooled fixes arrive afterwards, out of time order, along the way: good.
  for (int t = 60; t < 600; t += 60) {
    EXPECT_EQ(gate.Check(At(45.0 + 15.0 * t * kDegPerM, 14.0, t), kNow), FixVerdict::kGood) << t;
  }
  // A spooled fix 16 km off the way is a jump against its neighbours in time, although the
  // first fix alone would allow it (16 km in 330 s is 48 m/s).
  EXPECT_EQ(gate.Check(At(45.0, 14.0 + 0.2, 330), kNow), FixVerdict::kJump);
}

TEST(FixGateTest, ColdStartGlitchIsReanchoredAfterThreeAgreeingFixes) {
  FixGate gate;
  // The receiver's first fix is 400 km off (a stale almanac); the real ones follow.
  EXPECT_EQ(gate.Check(At(48.0, 14.0, 0), kNow), FixVerdict::kGood);
  EXPECT_EQ(gate.Check(At(45.0, 14.0, 1), kNow), FixVerdict::kJump);
  EXPECT_EQ(gate.Check(At(45.0 + 20 * kDegPerM, 14.0, 2), kNow), FixVerdict::kJump);
  EXPECT_EQ(gate.Check(At(45.0 + 40 * kDegPerM, 14.0, 3), kNow), FixVerdict::kGood);
  EXPECT_EQ(gate.Check(At(45.0 + 60 * kDegPerM, 14.0, 4), kNow), FixVerdict::kGood);
  // The glitch is gone from the reference: going back there is a jump.
  EXPECT_EQ(gate.Check(At(48.0, 14.0, 5), kNow), FixVerdict::kJump);
}

TEST(FixGateTest, ScatteredJumpsDoNotReanchor) {
  FixGate gate;
  EXPECT_EQ(gate.Check(At(45.0, 14.0, 0), kNow), FixVerdict::kGood);
  // Three glitches in a row, each far from the others: still jumps.
  EXPECT_EQ(gate.Check(At(46.0, 14.0, 1), kNow), FixVerdict::kJump);
  EXPECT_EQ(gate.Check(At(44.0, 14.0, 2), kNow), FixVerdict::kJump);
  EXPECT_EQ(gate.Check(At(45.0, 16.0, 3), kNow), FixVerdict::kJump);
  EXPECT_EQ(gate.Check(At(45.0 + 40 * kDegPerM, 14.0, 4), kNow), FixVerdict::kGood);
}

TEST(FixGateTest, PoorHdopAndPoorAccuracyAreFlagged) {
  FixGate gate;
  Fix fix = At(45.0, 14.0, 0);
  fix.hdop_c = 9999;  // "99.99": no geometry at all
  EXPECT_EQ(gate.Check(fix, kNow), FixVerdict::kPoorHdop);
  fix.hdop_c = 0;                                                       // not reported
  EXPECT_EQ(gate.Check(fix, kNow, 1500.0), FixVerdict::kPoorAccuracy);  // a cell-tower position
  EXPECT_EQ(gate.reference_fixes(), 0u);
  EXPECT_EQ(gate.Check(fix, kNow, 8.0), FixVerdict::kGood);
}

TEST(FixGateTest, VerdictNamesAreDistinct) {
  std::set<std::string> names;
  for (int i = 0; i < kFixVerdicts; ++i) names.insert(FixVerdictName(static_cast<FixVerdict>(i)));
  EXPECT_EQ(names.size(), static_cast<size_t>(kFixVerdicts));
  EXPECT_STREQ(FixVerdictName(FixVerdict::kJump), "jump");
}

// --- Real tracks -------------------------------------------------------------------------

struct TrackPoint {
  Fix fix;
  std::string time;  // as in the file, for messages
};

// A small GPX reader: <trkpt lat=".." lon=".."> with an optional <time> (ISO 8601 UTC). Points
// without a time are skipped: the gate needs one. Enough for the test files, not a GPX library.
std::vector<TrackPoint> ReadGpxTrack(const std::string& name) {
  std::ifstream in(std::string(CONVOY_TEST_DATA) + "/gpx/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  auto attr = [](const std::string& tag, const std::string& key) {
    const size_t at = tag.find(key + "=\"");
    return std::stod(tag.substr(at + key.size() + 2));
  };
  std::vector<TrackPoint> points;
  size_t pos = 0;
  while ((pos = text.find("<trkpt", pos)) != std::string::npos) {
    const size_t end = text.find("</trkpt>", pos);
    const std::string element = text.substr(pos, end - pos);
    pos = end;
    const size_t t = element.find("<time>");
    if (t == std::string::npos) continue;
    const std::string iso = element.substr(t + 6, 20);
    std::tm tm{};
    std::istringstream(iso) >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    TrackPoint p;
    p.time = iso;
    p.fix.time_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
    p.fix.lat_e7 = static_cast<int32_t>(std::lround(attr(element, "lat") * 1e7));
    p.fix.lon_e7 = static_cast<int32_t>(std::lround(attr(element, "lon") * 1e7));
    p.fix.quality = FixQuality::kUnknown;
    points.push_back(p);
  }
  return points;
}

// Runs a track through one gate, checked a minute after its latest point; returns the times of
// the points that were not good.
std::vector<std::string> Flagged(const std::vector<TrackPoint>& track) {
  FixGate gate;
  int64_t latest_ms = 0;
  for (const TrackPoint& p : track) latest_ms = std::max(latest_ms, p.fix.time_ms);
  const int64_t now = latest_ms + 60'000;
  std::vector<std::string> flagged;
  for (const TrackPoint& p : track) {
    const FixVerdict verdict = gate.Check(p.fix, now);
    if (verdict != FixVerdict::kGood) flagged.push_back(p.time + " " + FixVerdictName(verdict));
  }
  return flagged;
}

TEST(FixGateGpxTest, CleanCarDriveAroundVisnjanPassesWhole) {
  const auto track = ReadGpxTrack("gpxpy_around-visnjan-with-car.gpx");
  ASSERT_EQ(track.size(), 104u);
  EXPECT_EQ(Flagged(track), std::vector<std::string>{});
}

TEST(FixGateGpxTest, StopAndGoBusJourneyInLimerickPassesWhole) {
  const auto track = ReadGpxTrack("movingpandas_304_bus_limerick.gpx");
  ASSERT_EQ(track.size(), 2144u);
  EXPECT_EQ(Flagged(track), std::vector<std::string>{});
}

TEST(FixGateGpxTest, PartlyUntimedHikePassesWhole) {
  const auto track = ReadGpxTrack("gpxpy_korita-zbevnica_partial_times.gpx");
  ASSERT_EQ(track.size(), 513u);  // of 871 points, only these have a time
  EXPECT_EQ(Flagged(track), std::vector<std::string>{});
}

TEST(FixGateGpxTest, CerknicaGlitchIsFlaggedAndNothingElse) {
  const auto track = ReadGpxTrack("gpxpy_cerknicko-jezero_multitrack_glitches.gpx");
  ASSERT_EQ(track.size(), 296u);
  // 184 m in 2 s (331 km/h) between 15:40:00 and 15:40:02, then back on the way.
  EXPECT_EQ(Flagged(track), std::vector<std::string>{"2010-08-05T15:40:02Z jump"});
}

TEST(FixGateGpxTest, DriveBackfilledAfterADeadZoneStillPasses) {
  // The Visnjan drive as a tracker would deliver it after losing the uplink for its middle
  // third: live fixes first, then the spooled middle in order.
  const auto track = ReadGpxTrack("gpxpy_around-visnjan-with-car.gpx");
  std::vector<TrackPoint> delivered(track.begin(), track.begin() + 35);
  delivered.insert(delivered.end(), track.begin() + 70, track.end());
  delivered.insert(delivered.end(), track.begin() + 35, track.begin() + 70);
  EXPECT_EQ(Flagged(delivered), std::vector<std::string>{});
  // A spike 2 km off the road inside the backfill is still caught.
  delivered[80].fix.lat_e7 += 180'000;
  const auto flagged = Flagged(delivered);
  ASSERT_EQ(flagged.size(), 1u);
  EXPECT_EQ(flagged[0], delivered[80].time + " jump");
}

}  // namespace
}  // namespace convoy::proto
