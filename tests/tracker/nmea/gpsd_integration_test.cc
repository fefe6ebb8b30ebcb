// The gpsd source against the real gpsd: Debian's gpsfake starts gpsd on a loopback port and
// feeds it a fixture log through a pseudo-terminal; the source must deliver the fixes our own
// decoder finds in the same log. Skipped, saying why, when gpsd/gpsfake are not installed
// (apt-get install gpsd gpsd-clients).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "support/gpsfake.h"
#include "tests/tracker/nmea/gpsd_chk.h"
#include "tracker/nmea/decoder.h"
#include "tracker/nmea/gpsd_source.h"

namespace convoy::tracker::nmea {
namespace {

constexpr int64_t kDayMs = 86'400'000;

TEST(GpsdIntegrationTest, RealGpsdDeliversTheFixesOurDecoderFinds) {
  if (!convoy::testing::GpsdInstalled()) {
    GTEST_SKIP() << "gpsd and gpsfake are not installed (apt-get install gpsd gpsd-clients)";
  }
  // A moving receiver: 67 one-second cycles of GGA, GSA, GSV, RMC and VTG.
  const std::string log = std::string(CONVOY_TEST_DATA) + "/nmea-gpsd/haicom-305N.log";
  std::map<int64_t, NmeaFix> ours;  // by time of day: gpsd 3.22 replaces 2007 with this year
  {
    Decoder decoder;
    std::vector<NmeaFix> fixes;
    decoder.Feed(testing::ReadFile(log), &fixes);
    decoder.Finish(&fixes);
    for (const NmeaFix& f : fixes) {
      if (f.is_fix()) ours[f.time_ms % kDayMs] = f;
    }
  }
  ASSERT_GT(ours.size(), 60u);
  const int64_t last_tod = ours.rbegin()->first;

  asio::io_context io;
  std::string port;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = std::to_string(probe.local_endpoint().port());
  }
  GpsdTiming timing;
  timing.reconnect_min = std::chrono::milliseconds(50);
  timing.reconnect_max = std::chrono::milliseconds(200);
  std::vector<std::string> log_lines;
  GpsdSource source(
      io.get_executor(), {"127.0.0.1", port},
      [&](std::string_view line) { log_lines.emplace_back(line); }, timing);
  convoy::testing::Gpsfake gpsfake(port, log);
  ASSERT_TRUE(gpsfake.started());

  std::vector<proto::Fix> got;
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (!done) {
          std::optional<proto::Fix> fix = co_await source.NextFix();
          if (!fix) break;
          got.push_back(*fix);
          done = fix->time_ms % kDayMs == last_tod;
        }
      },
      asio::detached);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(100));
    io.restart();
  }
  ASSERT_TRUE(done) << "gpsd delivered " << got.size() << " fixes, not the last one; "
                    << (log_lines.empty() ? "" : log_lines.back());

  // Every fix gpsd delivered is ours, to the last digit proto::Fix keeps. gpsd needs a few
  // sentences to recognise the device, so the first cycles may be missing.
  size_t matched = 0;
  for (const proto::Fix& fix : got) {
    if (fix.quality == proto::FixQuality::kNone) continue;
    const auto it = ours.find(fix.time_ms % kDayMs);
    ASSERT_NE(it, ours.end()) << "gpsd has a fix at " << fix.time_ms << " that we do not";
    const proto::Fix want = ToProtoFix(it->second);
    SCOPED_TRACE(fix.time_ms);
    EXPECT_NEAR(fix.lat_e7, want.lat_e7, 1);
    EXPECT_NEAR(fix.lon_e7, want.lon_e7, 1);
    EXPECT_NEAR(fix.speed_cmps, want.speed_cmps, 1);
    EXPECT_NEAR(fix.course_cdeg, want.course_cdeg, 1);
    // gpsd's first TPV after it recognises the device may come before that cycle's GGA.
    if (fix.altitude_dm != 0) {
      EXPECT_EQ(fix.altitude_dm, want.altitude_dm);
    }
    ++matched;
  }
  EXPECT_GE(matched * 10, ours.size() * 8) << matched << " of " << ours.size();
}

}  // namespace
}  // namespace convoy::tracker::nmea
