#include "tracker/nmea/serial_source.h"

#include <algorithm>
#include <charconv>

namespace convoy::tracker::nmea {

Result<SerialSpec> ParseSerialSpec(std::string_view rest) {
  SerialSpec spec;
  const size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos) {
    const std::string_view baud = rest.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(baud.data(), baud.data() + baud.size(), value);
    constexpr unsigned kRates[] = {1200,  2400,   4800,   9600,   19200, 38400,
                                   57600, 115200, 230400, 460800, 921600};
    if (ec != std::errc() || end != baud.data() + baud.size() ||
        std::find(std::begin(kRates), std::end(kRates), value) == std::end(kRates)) {
      return Error{"serial:" + std::string(rest) + ": '" + std::string(baud) +
                   "' is not a baud rate (4800, 9600, 38400, 115200, ...)"};
    }
    spec.baud = value;
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return Error{"serial: needs a device, e.g. serial:/dev/ttyUSB0:9600"};
  spec.device = std::string(rest);
  return spec;
}

SerialSource::SerialSource(asio::any_io_executor executor, SerialSpec spec, LogFn log,
                           SerialTiming timing)
    : port_(executor),
      timer_(executor),
      idle_timer_(executor),
      spec_(std::move(spec)),
      log_(std::move(log)),
      timing_(timing),
      decoder_(AssemblerOptions{.rollover_floor_utc_ms = kDefaultRolloverFloorUtcMs}) {}

void SerialSource::Log(const std::string& line) const {
  if (log_) log_("serial:" + spec_.device + ": " + line);
}

asio::awaitable<void> SerialSource::TryOpen() {
  boost::system::error_code ec;
  port_.open(spec_.device, ec);
  if (!ec) {
    using asio::serial_port_base;
    boost::system::error_code option_ec;
    port_.set_option(serial_port_base::baud_rate(spec_.baud), option_ec);
    port_.set_option(serial_port_base::character_size(8), option_ec);
    port_.set_option(serial_port_base::parity(serial_port_base::parity::none), option_ec);
    port_.set_option(serial_port_base::stop_bits(serial_port_base::stop_bits::one), option_ec);
    port_.set_option(serial_port_base::flow_control(serial_port_base::flow_control::none),
                     option_ec);
    Log(std::string(ever_opened_ ? "receiver is back" : "open") + " at " +
        std::to_string(spec_.baud) + " baud");
    ever_opened_ = true;
    reported_down_ = false;
    reopen_wait_ = std::chrono::milliseconds(0);
    co_return;
  }
  if (!reported_down_) {
    Log("cannot open (" + ec.message() + "); retrying until it is back");
    reported_down_ = true;
  }
  reopen_wait_ = std::clamp(reopen_wait_ * 2, timing_.reopen_min, timing_.reopen_max);
  timer_.expires_after(reopen_wait_);
  co_await timer_.async_wait(NoThrow(ec));
}

asio::awaitable<std::optional<proto::Fix>> SerialSource::NextFix() {
  while (true) {
    if (!ready_.empty()) {
      const NmeaFix fix = ready_.front();
      ready_.pop_front();
      co_return ToProtoFix(fix);
    }
    if (!port_.is_open()) {
      co_await TryOpen();
      continue;
    }
    // A quiet receiver ends the open cycle: cancel the read after idle_flush.
    idle_ = false;
    idle_timer_.expires_after(timing_.idle_flush);
    idle_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      idle_ = true;
      boost::system::error_code ignored;
      port_.cancel(ignored);
    });
    boost::system::error_code ec;
    const size_t n = co_await port_.async_read_some(asio::buffer(buf_), NoThrow(ec));
    idle_timer_.cancel();
    decoded_.clear();
    if (ec == asio::error::operation_aborted && idle_) {
      decoder_.Flush(&decoded_);
    } else if (ec) {
      // Unplugged (EIO), or the device went away: drop what was half received and reopen.
      Log("read failed (" + ec.message() + "); the receiver was unplugged? reopening");
      boost::system::error_code ignored;
      port_.close(ignored);
      decoder_.Finish(&decoded_);
      reported_down_ = false;
    } else {
      decoder_.Feed(std::string_view(buf_.data(), n), &decoded_);
    }
    ready_.insert(ready_.end(), decoded_.begin(), decoded_.end());

    const auto now = std::chrono::steady_clock::now();
    if (now - last_stats_log_ >= timing_.stats_every) {
      const DecoderStats stats = decoder_.stats();
      if (stats.lexer.rejected_total() != last_logged_rejects_) {
        Log(stats.Summary());
        last_logged_rejects_ = stats.lexer.rejected_total();
      }
      last_stats_log_ = now;
    }
  }
}

std::string SerialSource::Describe() const {
  return "serial:" + spec_.device + " at " + std::to_string(spec_.baud) + " baud";
}

}  // namespace convoy::tracker::nmea
