// serial:DEVICE[:BAUD] - NMEA 0183 from a receiver on a serial port (USB or UART).
//
// Reads through Boost.Asio's serial_port and decodes with the NMEA Decoder. When the receiver
// is unplugged (a read fails, the device node disappears) the source logs it once, keeps
// trying to reopen the same path, and logs again when it is back; nothing is fatal. Use a stable
// path (/dev/serial/by-id/...) so a replugged receiver is found under the same name.
// Dates before kDefaultRolloverFloorUtcMs are treated as GPS week rollover (see assembler.h).
#pragma once

#include <chrono>
#include <deque>
#include <string>

#include "tracker/gps_source.h"
#include "tracker/nmea/decoder.h"

namespace convoy::tracker::nmea {

struct SerialSpec {
  std::string device;
  unsigned baud = 9600;
};
// Parses the part after "serial:" ("/dev/ttyUSB0", "/dev/ttyUSB0:4800").
Result<SerialSpec> ParseSerialSpec(std::string_view rest);

struct SerialTiming {
  // Wait between attempts to reopen a device that is gone, growing to the maximum.
  std::chrono::milliseconds reopen_min{250};
  std::chrono::milliseconds reopen_max{5000};
  // No bytes for this long ends the open cycle (the receiver stopped mid-cycle or went quiet).
  std::chrono::milliseconds idle_flush{1500};
  // How often a non-zero count of rejected sentences is logged.
  std::chrono::seconds stats_every{60};
};

class SerialSource final : public GpsSource {
 public:
  SerialSource(asio::any_io_executor executor, SerialSpec spec, LogFn log,
               SerialTiming timing = {});

  asio::awaitable<std::optional<proto::Fix>> NextFix() override;
  std::string Describe() const override;

  DecoderStats stats() const { return decoder_.stats(); }

 private:
  asio::awaitable<void> TryOpen();
  void Log(const std::string& line) const;

  asio::serial_port port_;
  asio::steady_timer timer_;
  asio::steady_timer idle_timer_;
  SerialSpec spec_;
  LogFn log_;
  SerialTiming timing_;
  Decoder decoder_;
  std::vector<NmeaFix> decoded_;
  std::deque<NmeaFix> ready_;
  std::array<char, 4096> buf_{};
  std::chrono::milliseconds reopen_wait_{0};
  bool ever_opened_ = false;
  bool reported_down_ = false;
  bool idle_ = false;
  std::chrono::steady_clock::time_point last_stats_log_{};
  uint64_t last_logged_rejects_ = 0;
};

}  // namespace convoy::tracker::nmea
