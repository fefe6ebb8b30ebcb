#include "tracker/nmea/gpsd_source.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "tracker/nmea/sentence.h"

namespace convoy::tracker::nmea {
namespace {

int64_t Round(double v, double lo, double hi) {
  return static_cast<int64_t>(std::llround(std::clamp(v, lo, hi)));
}

// A small integer field of a TPV (mode, status): `fallback` when absent or outside 0..255 (gpsd
// sends 0..8; converting a larger double to int is undefined behaviour).
int SmallIntField(const proto::JsonValue& tpv, std::string_view key, int fallback) {
  const std::optional<double> v = tpv.Number(key);
  if (!v || !(*v >= 0 && *v <= 255)) return fallback;
  return static_cast<int>(*v);
}

}  // namespace

Result<GpsdSpec> ParseGpsdSpec(std::string_view rest) {
  GpsdSpec spec;
  if (rest.empty()) return spec;
  if (rest[0] != ':') return Error{"gpsd" + std::string(rest) + ": expected gpsd[:HOST[:PORT]]"};
  rest.remove_prefix(1);
  const size_t colon = rest.rfind(':');
  // "[::1]:2947" and bare IPv6 addresses keep their colons inside brackets.
  const bool bracketed = !rest.empty() && rest[0] == '[';
  if (colon != std::string_view::npos && (!bracketed || rest.find(']') < colon)) {
    spec.port = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(spec.port.data(), spec.port.data() + spec.port.size(), port);
    if (ec != std::errc() || end != spec.port.data() + spec.port.size() || port == 0 ||
        port > 65535) {
      return Error{"gpsd:" + std::string(rest) + ":" + spec.port + ": bad port"};
    }
  }
  if (bracketed && rest.size() >= 2 && rest.back() == ']') rest = rest.substr(1, rest.size() - 2);
  if (!rest.empty()) spec.host = std::string(rest);
  return spec;
}

std::optional<int64_t> ParseIsoUtcMs(std::string_view iso) {
  // YYYY-MM-DDTHH:MM:SS[.fff...]Z
  if (iso.size() < 20 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' || iso[13] != ':' ||
      iso[16] != ':' || iso.back() != 'Z') {
    return std::nullopt;
  }
  auto num = [&](size_t pos, size_t len) -> std::optional<int> {
    int v = 0;
    auto [end, ec] = std::from_chars(iso.data() + pos, iso.data() + pos + len, v);
    if (ec != std::errc() || end != iso.data() + pos + len) return std::nullopt;
    return v;
  };
  const auto year = num(0, 4), month = num(5, 2), day = num(8, 2);
  const auto hour = num(11, 2), minute = num(14, 2), second = num(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || *month < 1 || *month > 12 ||
      *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  int64_t ms = DaysFromCivil({*year, *month, *day}) * 86'400'000 +
               ((*hour * 60 + *minute) * 60 + *second) * 1000LL;
  if (iso.size() > 20) {
    if (iso[19] != '.') return std::nullopt;
    std::string_view frac = iso.substr(20, iso.size() - 21);
    if (frac.empty()) return std::nullopt;
    int value = 0, scale = 1;
    for (size_t i = 0; i < frac.size(); ++i) {
      if (frac[i] < '0' || frac[i] > '9') return std::nullopt;
      if (i < 3) {
        value = value * 10 + (frac[i] - '0');
        scale *= 10;
      }
    }
    ms += value * 1000 / scale;
  }
  return ms;
}

std::optional<proto::Fix> TpvToFix(const proto::JsonValue& tpv) {
  const auto time = tpv.String("time");
  if (!time) return std::nullopt;
  const std::optional<int64_t> time_ms = ParseIsoUtcMs(*time);
  if (!time_ms) return std::nullopt;
  proto::Fix fix;
  fix.time_ms = *time_ms;
  const int mode = SmallIntField(tpv, "mode", 0);
  const auto lat = tpv.Number("lat");
  const auto lon = tpv.Number("lon");
  if (mode < 2 || !lat || !lon) {
    fix.quality = proto::FixQuality::kNone;
    return fix;
  }
  fix.lat_e7 = static_cast<int32_t>(Round(*lat * 1e7, -9e8, 9e8));
  fix.lon_e7 = static_cast<int32_t>(Round(*lon * 1e7, -1.8e9, 1.8e9));
  fix.quality = mode == 3 ? proto::FixQuality::k3D : proto::FixQuality::k2D;
  switch (SmallIntField(tpv, "status", 0)) {
    case 2:
      fix.quality = proto::FixQuality::kDgps;
      break;
    case 3:
      fix.quality = proto::FixQuality::kRtkFixed;
      break;
    case 4:
      fix.quality = proto::FixQuality::kRtkFloat;
      break;
    case 5:
    case 6:
      fix.quality = proto::FixQuality::kDeadReckoning;
      break;
    case 8:
      fix.quality = proto::FixQuality::kSimulated;
      break;
    default:
      break;
  }
  std::optional<double> alt = tpv.Number("altMSL");
  if (!alt) alt = tpv.Number("alt");
  if (alt) fix.altitude_dm = static_cast<int32_t>(Round(*alt * 10, -2e9, 2e9));
  if (auto speed = tpv.Number("speed")) {
    fix.speed_cmps = static_cast<uint32_t>(Round(*speed * 100, 0, 4e9));
  }
  if (auto track = tpv.Number("track")) {
    int64_t cdeg = Round(*track * 100, -1e9, 1e9) % 36000;
    if (cdeg < 0) cdeg += 36000;
    fix.course_cdeg = static_cast<uint32_t>(cdeg);
  }
  return fix;
}

GpsdSource::GpsdSource(asio::any_io_executor executor, GpsdSpec spec, LogFn log, GpsdTiming timing)
    : socket_(executor),
      timer_(executor),
      idle_timer_(executor),
      spec_(std::move(spec)),
      log_(std::move(log)),
      timing_(timing) {}

void GpsdSource::Log(const std::string& line) const {
  if (log_) log_("gpsd " + spec_.host + ":" + spec_.port + ": " + line);
}

asio::awaitable<void> GpsdSource::TryConnect() {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(socket_.get_executor());
  auto endpoints = co_await resolver.async_resolve(spec_.host, spec_.port, NoThrow(ec));
  if (!ec) co_await asio::async_connect(socket_, endpoints, NoThrow(ec));
  if (!ec) {
    static constexpr std::string_view kWatch = "?WATCH={\"enable\":true,\"json\":true}\n";
    co_await asio::async_write(socket_, asio::buffer(kWatch), NoThrow(ec));
  }
  if (!ec) {
    ++stats_.connects;
    Log(stats_.connects == 1 ? "connected" : "reconnected");
    reported_down_ = false;
    reconnect_wait_ = std::chrono::milliseconds(0);
    inbuf_.clear();
    skip_to_newline_ = false;
    co_return;
  }
  boost::system::error_code ignored;
  socket_.close(ignored);
  if (!reported_down_) {
    Log("cannot connect (" + ec.message() + "); retrying until gpsd is back");
    reported_down_ = true;
  }
  reconnect_wait_ = std::clamp(reconnect_wait_ * 2, timing_.reconnect_min, timing_.reconnect_max);
  timer_.expires_after(reconnect_wait_);
  co_await timer_.async_wait(NoThrow(ec));
}

void GpsdSource::Hold(const proto::Fix& fix) {
  if (held_ && held_->time_ms != fix.time_ms) {
    ready_.push_back(*held_);
  } else if (held_ && fix.quality == proto::FixQuality::kNone &&
             held_->quality != proto::FixQuality::kNone) {
    // gpsd repeats the last cycle's time on a no-fix TPV when the next cycle starts invalid
    // (an RMC with 'V'); that does not undo the fix it reported for that time.
    return;
  }
  held_ = fix;
}

void GpsdSource::HandleLine(std::string_view line) {
  ++stats_.lines;
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  if (line.empty()) return;
  Result<proto::JsonValue> json = proto::ParseJson(line);
  if (!json.ok() || json->kind != proto::JsonValue::Kind::kObject) {
    if (++stats_.bad_json <= 3) {
      Log("skipping a line that is not a JSON object (" +
          (json.ok() ? std::string("not an object") : json.message()) + ")");
    }
    return;
  }
  const auto cls = json->String("class");
  if (cls == "TPV") {
    ++stats_.tpvs;
    std::optional<proto::Fix> fix = TpvToFix(*json);
    if (!fix) {
      ++stats_.tpvs_without_time;
      return;
    }
    fix->hdop_c = sky_hdop_c_;
    fix->satellites = sky_used_;
    Hold(*fix);
  } else if (cls == "SKY") {
    // SKY follows the TPV of its cycle: it completes the fix held back.
    if (auto hdop = json->Number("hdop"); hdop && *hdop >= 0 && *hdop < 100) {
      sky_hdop_c_ = static_cast<uint32_t>(std::llround(*hdop * 100));
    }
    if (auto used = json->Number("uSat"); used && *used >= 0 && *used < 1000) {
      sky_used_ = static_cast<uint32_t>(*used);
    }
    if (held_) {
      held_->hdop_c = sky_hdop_c_;
      held_->satellites = sky_used_;
    }
  }
}

asio::awaitable<std::optional<proto::Fix>> GpsdSource::NextFix() {
  while (true) {
    if (!ready_.empty()) {
      const proto::Fix fix = ready_.front();
      ready_.pop_front();
      co_return fix;
    }
    if (!socket_.is_open()) {
      co_await TryConnect();
      continue;
    }
    idle_ = false;
    idle_timer_.expires_after(timing_.idle_flush);
    idle_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      idle_ = true;
      boost::system::error_code ignored;
      socket_.cancel(ignored);
    });
    boost::system::error_code ec;
    const size_t n = co_await asio::async_read_until(
        socket_, asio::dynamic_buffer(inbuf_, kMaxLine), '\n', NoThrow(ec));
    idle_timer_.cancel();
    if (ec == asio::error::operation_aborted && idle_) {
      if (held_) ready_.push_back(*held_);
      held_.reset();
      continue;
    }
    if (ec == asio::error::not_found) {
      // A line longer than kMaxLine: drop it up to its end.
      ++stats_.bad_json;
      inbuf_.clear();
      skip_to_newline_ = true;
      continue;
    }
    if (ec) {
      Log(ec == asio::error::eof ? "gpsd closed the connection; reconnecting"
                                 : "read failed (" + ec.message() + "); reconnecting");
      boost::system::error_code ignored;
      socket_.close(ignored);
      if (held_) ready_.push_back(*held_);
      held_.reset();
      continue;
    }
    std::string_view line(inbuf_.data(), n - 1);
    if (skip_to_newline_) {
      skip_to_newline_ = false;
    } else {
      HandleLine(line);
    }
    inbuf_.erase(0, n);
  }
}

std::string GpsdSource::Describe() const { return "gpsd " + spec_.host + ":" + spec_.port; }

}  // namespace convoy::tracker::nmea
