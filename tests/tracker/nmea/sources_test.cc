// The receiver sources: nmea: file replay, serial: over a pseudo-terminal pair (a receiver that
// is unplugged and plugged back), and gpsd: against a scripted gpsd on loopback (bad JSON,
// repeated TPVs, a restart). The real gpsd is in gpsd_integration_test.cc.
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "proto/json.h"
#include "tests/tracker/nmea/gpsd_chk.h"
#include "tracker/nmea/file_source.h"
#include "tracker/nmea/gpsd_source.h"
#include "tracker/nmea/receiver_sources.h"
#include "tracker/nmea/serial_source.h"

namespace convoy::tracker::nmea {
namespace {

const std::string kDir = std::string(CONVOY_TEST_DATA) + "/nmea-gpsd/";

std::string Nmea(const std::string& body) {
  uint8_t sum = 0;
  for (char c : body) sum ^= static_cast<uint8_t>(c);
  char hex[3];
  std::snprintf(hex, sizeof hex, "%02X", sum);
  return "$" + body + "*" + hex + "\r\n";
}

// Collects up to `count` fixes from a source (fewer if it ends); the io_context runs at most
// `limit` so that a broken source fails the test instead of hanging it.
std::vector<proto::Fix> Collect(asio::io_context& io, GpsSource& source, size_t count,
                                std::chrono::seconds limit = std::chrono::seconds(60)) {
  std::vector<proto::Fix> fixes;
  bool done = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (fixes.size() < count) {
          std::optional<proto::Fix> fix = co_await source.NextFix();
          if (!fix) break;
          fixes.push_back(*fix);
        }
        done = true;
      },
      asio::detached);
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(50));
    io.restart();
  }
  return fixes;
}

std::vector<NmeaFix> DecodeFile(const std::string& path) {
  Decoder decoder;
  std::vector<NmeaFix> fixes;
  decoder.Feed(testing::ReadFile(path), &fixes);
  decoder.Finish(&fixes);
  return fixes;
}

// --- specs ----------------------------------------------------------------------------------

TEST(ReceiverSpecTest, KindsAndOptionsParse) {
  EXPECT_TRUE(IsReceiverSpec("nmea:a.log"));
  EXPECT_TRUE(IsReceiverSpec("serial:/dev/ttyUSB0"));
  EXPECT_TRUE(IsReceiverSpec("gpsd"));
  EXPECT_TRUE(IsReceiverSpec("gpsd:host"));
  EXPECT_FALSE(IsReceiverSpec("gpsdx"));
  EXPECT_FALSE(IsReceiverSpec("sim:circle"));

  EXPECT_EQ(ParseFileSourceSpec("logs/drive.nmea")->speedup, 1);
  EXPECT_EQ(ParseFileSourceSpec("logs/drive.nmea:x60")->speedup, 60);
  EXPECT_EQ(ParseFileSourceSpec("logs/drive.nmea:x60")->path, "logs/drive.nmea");
  EXPECT_TRUE(std::isinf(ParseFileSourceSpec("a:b.nmea:fast")->speedup));
  EXPECT_EQ(ParseFileSourceSpec("a:b.nmea:fast")->path, "a:b.nmea");
  EXPECT_FALSE(ParseFileSourceSpec("a.nmea:x0").ok());
  EXPECT_FALSE(ParseFileSourceSpec("a.nmea:xfast").ok());
  EXPECT_FALSE(ParseFileSourceSpec("").ok());

  EXPECT_EQ(ParseSerialSpec("/dev/ttyUSB0")->baud, 9600u);
  EXPECT_EQ(ParseSerialSpec("/dev/ttyUSB0:4800")->baud, 4800u);
  EXPECT_EQ(ParseSerialSpec("/dev/ttyUSB0:4800")->device, "/dev/ttyUSB0");
  EXPECT_FALSE(ParseSerialSpec("/dev/ttyUSB0:4801").ok());
  EXPECT_FALSE(ParseSerialSpec("").ok());

  EXPECT_EQ(ParseGpsdSpec("")->host, "localhost");
  EXPECT_EQ(ParseGpsdSpec("")->port, "2947");
  EXPECT_EQ(ParseGpsdSpec(":10.0.0.5")->host, "10.0.0.5");
  EXPECT_EQ(ParseGpsdSpec(":box:2948")->port, "2948");
  EXPECT_EQ(ParseGpsdSpec(":[::1]:2948")->host, "::1");
  EXPECT_FALSE(ParseGpsdSpec(":box:70000").ok());
  EXPECT_FALSE(ParseGpsdSpec("x").ok());
}

TEST(ReceiverSpecTest, MissingLogFileIsAnErrorThatNamesIt) {
  asio::io_context io;
  FakeClock clock;
  auto source = MakeReceiverSource(io.get_executor(), "nmea:/nonexistent/drive.nmea", clock, {});
  ASSERT_FALSE(source.ok());
  EXPECT_NE(source.message().find("/nonexistent/drive.nmea"), std::string::npos);
}

// --- nmea: ----------------------------------------------------------------------------------

TEST(NmeaFileSourceTest, FastReplayDeliversEveryFixRestampedToEndNow) {
  asio::io_context io;
  FakeClock clock;
  const std::string path = kDir + "haicom-305N.log";
  std::vector<std::string> lines;
  auto source = MakeReceiverSource(io.get_executor(), "nmea:" + path + ":fast", clock,
                                   [&](std::string_view l) { lines.emplace_back(l); });
  ASSERT_TRUE(source.ok()) << source.message();
  ASSERT_FALSE(lines.empty());  // the decoder's counts are logged
  const std::vector<NmeaFix> expected = DecodeFile(path);
  const std::vector<proto::Fix> got = Collect(io, **source, 100000);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 0; i < got.size(); ++i) {
    proto::Fix want = ToProtoFix(expected[i]);
    // Same spacing as the log, ending at the clock's now.
    want.time_ms = expected[i].time_ms - expected.back().time_ms + clock.NowUtcMs();
    EXPECT_EQ(got[i], want) << i;
  }
}

TEST(NmeaFileSourceTest, SpedUpReplayKeepsTheLogsSpacingAndEndsAtItsDeliveryTime) {
  asio::io_context io;
  FakeClock clock;
  const std::string path = kDir + "magellan-ec10.log";  // 21 fixes over 40 s
  auto source = MakeReceiverSource(io.get_executor(), "nmea:" + path + ":x400", clock, {});
  ASSERT_TRUE(source.ok());
  const std::vector<NmeaFix> expected = DecodeFile(path);
  const std::vector<proto::Fix> got = Collect(io, **source, 100000);
  ASSERT_EQ(got.size(), expected.size());
  for (size_t i = 1; i < got.size(); ++i) {
    EXPECT_EQ(got[i].time_ms - got[i - 1].time_ms, expected[i].time_ms - expected[i - 1].time_ms);
  }
  // The fake clock stands still while the replay takes its 40 s / 400 = 100 ms of real time:
  // the first fix is stamped 40 s * (1 - 1/400) before the start, so that the last one lands
  // on its delivery time, the start + 100 ms.
  const double span_ms = static_cast<double>(expected.back().time_ms - expected.front().time_ms);
  EXPECT_NEAR(static_cast<double>(got.front().time_ms - clock.NowUtcMs()),
              -span_ms * (1 - 1 / 400.0), 2);
  EXPECT_NEAR(static_cast<double>(got.back().time_ms - clock.NowUtcMs()), span_ms / 400, 2);
}

// --- serial: --------------------------------------------------------------------------------

// A pseudo-terminal pair standing in for a receiver: the source opens `link` (a symlink to the
// slave, as /dev/serial/by-id/ is), the test writes NMEA into the master.
class FakeReceiver {
 public:
  explicit FakeReceiver(const std::string& link) : link_(link) { PlugIn(); }
  ~FakeReceiver() { Unplug(); }
  void PlugIn() {
    int slave = -1;
    char name[256];
    ASSERT_EQ(openpty(&master_, &slave, name, nullptr, nullptr), 0);
    ::close(slave);  // the source opens it by name
    std::filesystem::remove(link_);
    std::filesystem::create_symlink(name, link_);
  }
  void Unplug() {
    if (master_ >= 0) ::close(master_);
    master_ = -1;
    std::filesystem::remove(link_);
  }
  void Send(const std::string& bytes) {
    ASSERT_EQ(::write(master_, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }

 private:
  std::string link_;
  int master_ = -1;
};

std::string Cycle(int second, double lat_min) {
  char t[16], lat[32];
  std::snprintf(t, sizeof t, "1200%02d", second);
  std::snprintf(lat, sizeof lat, "48%07.4f", lat_min);
  return Nmea(std::string("GPRMC,") + t + ",A," + lat + ",N,01131.324,E,10.0,90.0,150324,,,A") +
         Nmea(std::string("GPGGA,") + t + "," + lat + ",N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,");
}

TEST(SerialSourceTest, DecodesAReceiverAndSurvivesUnplugging) {
  const std::string link =
      (std::filesystem::temp_directory_path() / ("convoy-gps-" + std::to_string(getpid())))
          .string();
  FakeReceiver receiver(link);
  asio::io_context io;
  std::vector<std::string> log;
  SerialTiming timing;
  timing.reopen_min = std::chrono::milliseconds(20);
  timing.reopen_max = std::chrono::milliseconds(100);
  timing.idle_flush = std::chrono::milliseconds(200);
  SerialSource source(
      io.get_executor(), {link, 4800}, [&](std::string_view l) { log.emplace_back(l); }, timing);

  // Open the port before the receiver talks (a pty drops what nobody has open).
  std::vector<proto::Fix> got;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        while (got.size() < 4) {
          std::optional<proto::Fix> fix = co_await source.NextFix();
          if (!fix) break;
          got.push_back(*fix);
        }
      },
      asio::detached);
  auto run_until = [&](const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      io.run_for(std::chrono::milliseconds(20));
      io.restart();
    }
  };
  auto logged = [&](const std::string& what) {
    for (const std::string& l : log) {
      if (l.find(what) != std::string::npos) return true;
    }
    return false;
  };
  run_until([&] { return logged("open at 4800 baud"); });
  ASSERT_TRUE(logged("open at 4800 baud"));

  // Garbage, a sentence with a bad checksum, then two cycles; the second ends when the
  // receiver goes quiet.
  receiver.Send("\x01\x02garbage$GPGGA,1,2*00\r\n" + Cycle(0, 7.038) + Cycle(1, 7.040));
  run_until([&] { return got.size() >= 2; });
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1].time_ms - got[0].time_ms, 1000);
  EXPECT_EQ(got[0].quality, proto::FixQuality::k3D);
  EXPECT_EQ(source.stats().lexer.rejected_for(Reject::kBadChecksum), 1u);

  // Unplug: the source notices, waits, and finds the receiver again under the same name.
  receiver.Unplug();
  run_until([&] { return logged("reopening"); });
  EXPECT_TRUE(logged("reopening"));
  receiver.PlugIn();
  run_until([&] { return logged("receiver is back"); });
  ASSERT_TRUE(logged("receiver is back"));
  receiver.Send(Cycle(2, 7.042) + Cycle(3, 7.044));
  run_until([&] { return got.size() >= 4; });
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[3].time_ms - got[0].time_ms, 3000);
  receiver.Unplug();
}

// --- gpsd: JSON and TPV -------------------------------------------------------------------------

TEST(JsonTest, ParsesGpsdObjects) {
  auto v = proto::ParseJson(
      R"({"class":"TPV","mode":3,"time":"2015-02-25T07:41:56.799Z","lat":31.248250000,)"
      R"("lon":-121.587403333,"ok":true,"none":null,"sats":[{"PRN":1},{"PRN":2}],"s":"a\"\u0041"})");
  ASSERT_TRUE(v.ok()) << v.message();
  EXPECT_EQ(v->String("class"), "TPV");
  EXPECT_EQ(v->Number("mode"), 3);
  EXPECT_DOUBLE_EQ(*v->Number("lon"), -121.587403333);
  EXPECT_EQ(v->Find("sats")->items.size(), 2u);
  EXPECT_EQ(v->String("s"), "a\"A");
  EXPECT_FALSE(v->Number("class"));  // a string is not a number
}

TEST(JsonTest, RejectsMalformedInputAndSaysWhere) {
  for (const char* bad :
       {"", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1} x", "{\"a\":\"x", "{a:1}",
        "[1,2", "{\"a\":1e999}", "{\"a\":-}", "{\"a\":tru}", "{\"a\":\"\x01\"}"}) {
    auto v = proto::ParseJson(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_EQ(v.message().rfind("JSON byte ", 0), 0u) << v.message();
    }
  }
  std::string deep(100, '[');
  EXPECT_FALSE(proto::ParseJson(deep).ok());
}

TEST(TpvTest, TpvBecomesAFix) {
  auto tpv = proto::ParseJson(
      R"({"class":"TPV","status":2,"mode":3,"time":"2016-04-07T21:31:21.000Z","lat":44.068826440,)"
      R"("lon":-121.314475755,"altMSL":1102.537,"speed":0.309,"track":359.996})");
  ASSERT_TRUE(tpv.ok());
  const std::optional<proto::Fix> fix = TpvToFix(*tpv);
  ASSERT_TRUE(fix);
  EXPECT_EQ(fix->time_ms, testing::IsoToMs("2016-04-07T21:31:21.000Z"));
  EXPECT_EQ(fix->lat_e7, 440688264);
  EXPECT_EQ(fix->lon_e7, -1213144758);
  EXPECT_EQ(fix->altitude_dm, 11025);
  EXPECT_EQ(fix->speed_cmps, 31u);
  EXPECT_EQ(fix->course_cdeg, 0u);
  EXPECT_EQ(fix->quality, proto::FixQuality::kDgps);
  // No time: nothing to place. No fix: kept as kNone.
  EXPECT_FALSE(TpvToFix(*proto::ParseJson(R"({"class":"TPV","mode":1})")));
  EXPECT_EQ(TpvToFix(*proto::ParseJson(R"({"class":"TPV","mode":1,"time":"2016-04-07T21:31:21Z"})"))
                ->quality,
            proto::FixQuality::kNone);
  EXPECT_FALSE(ParseIsoUtcMs("2016-04-07 21:31:21Z"));
  EXPECT_FALSE(ParseIsoUtcMs("2016-13-07T21:31:21Z"));
}

// Found by fuzz_gpsd_json: a mode or status far outside int was converted to int (undefined).
// Out of gpsd's range they count as absent: no fix, or no better quality than the mode's.
TEST(TpvTest, ModeAndStatusOutOfRangeCountAsAbsent) {
  const std::string rest = R"(,"time":"2016-04-07T21:31:21.000Z","lat":44.5,"lon":-121.3})";
  for (const char* mode : {"7777777777777777777777777777777777777777773", "-3", "1e300", "256"}) {
    auto tpv = proto::ParseJson(std::string(R"({"class":"TPV","mode":)") + mode + rest);
    ASSERT_TRUE(tpv.ok()) << mode;
    EXPECT_EQ(TpvToFix(*tpv)->quality, proto::FixQuality::kNone) << mode;
  }
  auto tpv = proto::ParseJson(R"({"class":"TPV","mode":3,"status":1e40)" + rest);
  ASSERT_TRUE(tpv.ok());
  EXPECT_EQ(TpvToFix(*tpv)->quality, proto::FixQuality::k3D);
}

// A scripted gpsd: accepts connections on loopback and, for each, sends the next script's
// lines and closes.
class FakeGpsd {
 public:
  FakeGpsd(asio::io_context& io, std::vector<std::vector<std::string>> scripts)
      : acceptor_(io, {asio::ip::make_address("127.0.0.1"), 0}), scripts_(std::move(scripts)) {
    asio::co_spawn(io, Serve(), asio::detached);
  }
  std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }
  const std::vector<std::string>& requests() const { return requests_; }

 private:
  asio::awaitable<void> Serve() {
    for (const auto& script : scripts_) {
      boost::system::error_code ec;
      asio::ip::tcp::socket socket = co_await acceptor_.async_accept(NoThrow(ec));
      if (ec) co_return;
      std::string request;
      co_await asio::async_read_until(socket, asio::dynamic_buffer(request), '\n', NoThrow(ec));
      requests_.push_back(request);
      for (const std::string& line : script) {
        co_await asio::async_write(socket, asio::buffer(line), NoThrow(ec));
      }
      socket.close(ec);
    }
  }
  asio::ip::tcp::acceptor acceptor_;
  std::vector<std::vector<std::string>> scripts_;
  std::vector<std::string> requests_;
};

std::string Tpv(const std::string& time, double lat, int mode = 3) {
  char text[256];
  std::snprintf(text, sizeof text,
                "{\"class\":\"TPV\",\"device\":\"/dev/pts/1\",\"mode\":%d,\"time\":\"%s\","
                "\"lat\":%.9f,\"lon\":11.5,\"speed\":1.5,\"track\":90.0}\r\n",
                mode, time.c_str(), lat);
  return text;
}

TEST(GpsdSourceTest, SkipsBadJsonKeepsTheLastTpvPerTimeAndReconnects) {
  asio::io_context io;
  FakeGpsd gpsd(io, {
                        {
                            "{\"class\":\"VERSION\",\"release\":\"3.22\"}\r\n",
                            Tpv("2024-03-15T12:00:00.000Z", 48.1, 2),
                            "{\"class\":\"TPV\",\"mode\":3,\"time\":\"2024-03-15T12:00\r\n",  // cut
                            Tpv("2024-03-15T12:00:00.000Z", 48.2),  // completes 12:00:00
                            "{\"class\":\"SKY\",\"hdop\":1.25,\"uSat\":7}\r\n",
                            "not json at all\r\n",
                            Tpv("2024-03-15T12:00:01.000Z", 48.3),
                        },
                        // gpsd restarted.
                        {Tpv("2024-03-15T12:00:02.000Z", 48.4)},
                    });
  GpsdTiming timing;
  timing.reconnect_min = std::chrono::milliseconds(20);
  timing.idle_flush = std::chrono::milliseconds(300);
  std::vector<std::string> log;
  GpsdSource source(
      io.get_executor(), {"127.0.0.1", gpsd.port()},
      [&](std::string_view l) { log.emplace_back(l); }, timing);
  const std::vector<proto::Fix> got = Collect(io, source, 3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].lat_e7, 482000000);  // the later TPV of 12:00:00
  EXPECT_EQ(got[0].quality, proto::FixQuality::k3D);
  EXPECT_EQ(got[0].hdop_c, 125u);
  EXPECT_EQ(got[0].satellites, 7u);
  EXPECT_EQ(got[1].lat_e7, 483000000);
  EXPECT_EQ(got[2].lat_e7, 484000000);
  EXPECT_EQ(got[2].time_ms - got[0].time_ms, 2000);
  EXPECT_EQ(source.stats().bad_json, 2u);
  EXPECT_EQ(source.stats().connects, 2u);
  ASSERT_EQ(gpsd.requests().size(), 2u);
  EXPECT_EQ(gpsd.requests()[0], "?WATCH={\"enable\":true,\"json\":true}\n");
}

TEST(GpsdSourceTest, WaitsForGpsdThatIsNotThereYet) {
  asio::io_context io;
  // Find a free port, then start nobody on it for a while.
  std::string port;
  {
    asio::ip::tcp::acceptor probe(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = std::to_string(probe.local_endpoint().port());
  }
  GpsdTiming timing;
  timing.reconnect_min = std::chrono::milliseconds(20);
  timing.reconnect_max = std::chrono::milliseconds(50);
  timing.idle_flush = std::chrono::milliseconds(300);
  std::vector<std::string> log;
  GpsdSource source(
      io.get_executor(), {"127.0.0.1", port}, [&](std::string_view l) { log.emplace_back(l); },
      timing);
  std::vector<proto::Fix> got;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        std::optional<proto::Fix> fix = co_await source.NextFix();
        if (fix) got.push_back(*fix);
      },
      asio::detached);
  io.run_for(std::chrono::milliseconds(300));
  io.restart();
  ASSERT_FALSE(log.empty());
  EXPECT_NE(log[0].find("cannot connect"), std::string::npos);
  // gpsd starts on that port.
  asio::ip::tcp::acceptor acceptor(
      io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(port))});
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        boost::system::error_code ec;
        asio::ip::tcp::socket s = co_await acceptor.async_accept(NoThrow(ec));
        const std::string line = Tpv("2024-03-15T12:00:00.000Z", 48.1);
        co_await asio::async_write(s, asio::buffer(line), NoThrow(ec));
        asio::steady_timer wait(s.get_executor(), std::chrono::seconds(5));
        co_await wait.async_wait(NoThrow(ec));
      },
      asio::detached);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (got.empty() && std::chrono::steady_clock::now() < deadline) {
    io.run_for(std::chrono::milliseconds(50));
    io.restart();
  }
  ASSERT_EQ(got.size(), 1u);  // delivered when gpsd went quiet
  EXPECT_EQ(got[0].lat_e7, 481000000);
}

}  // namespace
}  // namespace convoy::tracker::nmea
