#include "tracker/nmea/file_source.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

namespace convoy::tracker::nmea {

Result<FileSourceSpec> ParseFileSourceSpec(std::string_view rest) {
  FileSourceSpec spec;
  const size_t colon = rest.rfind(':');
  std::string_view pace =
      colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  if (pace == "fast") {
    spec.speedup = std::numeric_limits<double>::infinity();
    rest = rest.substr(0, colon);
  } else if (pace.size() > 1 && pace[0] == 'x') {
    double n = 0;
    auto [end, ec] = std::from_chars(pace.data() + 1, pace.data() + pace.size(), n);
    if (ec != std::errc() || end != pace.data() + pace.size() || !(n > 0) || n > 1e6) {
      return Error{"nmea:" + std::string(rest) + ": '" + std::string(pace) +
                   "' is not a speed-up; use :xN with N > 0 (e.g. :x60) or :fast"};
    }
    spec.speedup = n;
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return Error{"nmea: needs a file, e.g. nmea:drive.nmea:x60"};
  spec.path = std::string(rest);
  return spec;
}

Result<std::unique_ptr<NmeaFileSource>> NmeaFileSource::Open(asio::any_io_executor executor,
                                                             FileSourceSpec spec,
                                                             const Clock& clock, LogFn log) {
  std::ifstream in(spec.path, std::ios::binary);
  if (!in) return Error{"nmea:" + spec.path + ": cannot open the file"};
  std::unique_ptr<NmeaFileSource> source(new NmeaFileSource(executor, spec, clock));
  // A replayed log keeps its dates: the restamping below makes them current anyway.
  Decoder decoder;
  std::vector<char> buf(64 * 1024);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    decoder.Feed(std::string_view(buf.data(), static_cast<size_t>(in.gcount())), &source->fixes_);
  }
  if (in.bad()) return Error{"nmea:" + spec.path + ": read error"};
  decoder.Finish(&source->fixes_);
  source->stats_ = decoder.stats().Summary();
  if (log) log("nmea:" + spec.path + ": " + source->stats_);
  return source;
}

asio::awaitable<std::optional<proto::Fix>> NmeaFileSource::NextFix() {
  if (next_ >= fixes_.size()) co_return std::nullopt;
  const int64_t first_ms = fixes_.front().time_ms;
  if (next_ == 0) {
    steady_start_ = std::chrono::steady_clock::now();
    // Stamp so that the last fix lands on the clock's "now" at its delivery (see the header).
    const double span_ms = static_cast<double>(fixes_.back().time_ms - first_ms);
    const double compress = std::isinf(spec_.speedup) ? 1.0 : 1.0 - 1.0 / spec_.speedup;
    stamp_base_ms_ = clock_.NowUtcMs() - static_cast<int64_t>(std::llround(span_ms * compress));
  }
  const NmeaFix& fix = fixes_[next_++];
  const int64_t offset_ms = fix.time_ms - first_ms;
  if (!std::isinf(spec_.speedup) && offset_ms > 0) {
    const auto due = steady_start_ + std::chrono::microseconds(static_cast<int64_t>(
                                         std::llround(offset_ms * 1000.0 / spec_.speedup)));
    if (due > std::chrono::steady_clock::now()) {
      timer_.expires_at(due);
      boost::system::error_code ec;
      co_await timer_.async_wait(NoThrow(ec));
      if (ec) co_return std::nullopt;  // cancelled: shutting down
    }
  }
  proto::Fix out = ToProtoFix(fix);
  out.time_ms = stamp_base_ms_ + offset_ms;
  co_return out;
}

std::string NmeaFileSource::Describe() const {
  std::string pace = "at its own pace";
  if (std::isinf(spec_.speedup)) {
    pace = "as fast as possible";
  } else if (spec_.speedup != 1) {
    char text[32];
    std::snprintf(text, sizeof text, "%g times faster", spec_.speedup);
    pace = text;
  }
  std::string span;
  if (!fixes_.empty()) {
    const int64_t s = (fixes_.back().time_ms - fixes_.front().time_ms) / 1000;
    char text[64];
    std::snprintf(text, sizeof text, ", %zu fixes over %lld:%02lld", fixes_.size(),
                  static_cast<long long>(s / 60), static_cast<long long>(s % 60));
    span = text;
  }
  return "nmea:" + spec_.path + " " + pace + span;
}

}  // namespace convoy::tracker::nmea
