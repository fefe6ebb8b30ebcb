// gpsd[:HOST[:PORT]] - fixes from a gpsd daemon over its JSON protocol (default localhost:2947).
//
// Connects, sends ?WATCH={"enable":true,"json":true}, and reads one JSON object per line. TPV
// objects become fixes; SKY objects supply hdop and the satellites used. gpsd may send several
// TPVs for one time while a cycle fills in; the source delivers the last one for each time (when
// a TPV with another time arrives, or gpsd goes quiet). Lines that are not valid JSON, or longer
// than kMaxLine, are counted and skipped. When gpsd closes the connection or is not there, the
// source logs it once and reconnects with a growing backoff.
#pragma once

#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include "proto/json.h"
#include "tracker/gps_source.h"

namespace convoy::tracker::nmea {

struct GpsdSpec {
  std::string host = "localhost";
  std::string port = "2947";
};
// Parses the part after "gpsd" ("", ":HOST", ":HOST:PORT").
Result<GpsdSpec> ParseGpsdSpec(std::string_view rest);

// A gpsd TPV object as a fix; nullopt when it has no time (gpsd's first TPVs before a date).
// mode 0/1 or no position -> kNone; 2 -> k2D; 3 -> k3D; status 2 (DGPS), 3/4 (RTK), 5/6 (dead
// reckoning) and 8 (simulated) override the kind.
std::optional<proto::Fix> TpvToFix(const proto::JsonValue& tpv);
// "2015-02-25T07:41:56.799Z" -> ms since 1970; nullopt when malformed.
std::optional<int64_t> ParseIsoUtcMs(std::string_view iso);

struct GpsdTiming {
  std::chrono::milliseconds reconnect_min{250};
  std::chrono::milliseconds reconnect_max{10'000};
  // No line for this long delivers the last TPV held back.
  std::chrono::milliseconds idle_flush{1500};
};

struct GpsdStats {
  uint64_t lines = 0;
  uint64_t bad_json = 0;  // not JSON, or a line over kMaxLine
  uint64_t tpvs = 0;
  uint64_t tpvs_without_time = 0;
  uint64_t connects = 0;
};

class GpsdSource final : public GpsSource {
 public:
  static constexpr size_t kMaxLine = 256 * 1024;  // gpsd's longest (SKY with 100+ satellites)

  GpsdSource(asio::any_io_executor executor, GpsdSpec spec, LogFn log, GpsdTiming timing = {});

  asio::awaitable<std::optional<proto::Fix>> NextFix() override;
  std::string Describe() const override;

  const GpsdStats& stats() const { return stats_; }

 private:
  asio::awaitable<void> TryConnect();
  void HandleLine(std::string_view line);
  void Hold(const proto::Fix& fix);
  void Log(const std::string& line) const;

  asio::ip::tcp::socket socket_;
  asio::steady_timer timer_;
  asio::steady_timer idle_timer_;
  GpsdSpec spec_;
  LogFn log_;
  GpsdTiming timing_;
  GpsdStats stats_;
  std::string inbuf_;
  bool skip_to_newline_ = false;
  bool idle_ = false;
  bool reported_down_ = false;
  std::chrono::milliseconds reconnect_wait_{0};
  std::optional<proto::Fix> held_;  // the latest TPV of the current time
  std::deque<proto::Fix> ready_;
  uint32_t sky_hdop_c_ = 0;
  uint32_t sky_used_ = 0;
};

}  // namespace convoy::tracker::nmea
