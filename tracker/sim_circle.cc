#include "tracker/sim_circle.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <vector>

namespace convoy::tracker {
namespace {
constexpr double kEarthRadiusM = 6371008.8;
constexpr double kPi = 3.14159265358979323846;
}  // namespace

Result<CircleOptions> ParseCircleSpec(std::string_view rest) {
  CircleOptions options;
  if (rest.empty()) return options;
  auto fail = [&] {
    return Error{
        "sim:circle" + std::string(rest) +
        ": expected sim:circle:LAT,LON,RADIUS_M,SPEED_MPS (e.g. sim:circle:41.9,12.5,500,14)"};
  };
  if (rest.front() != ':') return fail();
  rest.remove_prefix(1);
  std::vector<double> values;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    double value = 0;
    auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (ec != std::errc() || end != item.data() + item.size() || !std::isfinite(value)) {
      return fail();
    }
    values.push_back(value);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (values.size() != 4 || std::abs(values[0]) > 89 || std::abs(values[1]) > 180 ||
      values[2] < 10 || values[2] > 1e6 || values[3] <= 0 || values[3] > 100) {
    return fail();
  }
  options.center_lat_deg = values[0];
  options.center_lon_deg = values[1];
  options.radius_m = values[2];
  options.speed_mps = values[3];
  return options;
}

proto::Fix CircleFixAt(const CircleOptions& options, double elapsed_s, int64_t time_ms) {
  const double angle = options.start_angle_rad + options.speed_mps * elapsed_s / options.radius_m;
  const double north_m = options.radius_m * std::sin(angle);
  const double east_m = options.radius_m * std::cos(angle);
  const double lat = options.center_lat_deg + north_m / kEarthRadiusM * 180 / kPi;
  const double lon =
      options.center_lon_deg +
      east_m / (kEarthRadiusM * std::cos(options.center_lat_deg * kPi / 180)) * 180 / kPi;
  // Counter-clockwise: heading is the angle plus a quarter turn, measured from north.
  double course_deg = std::fmod(360.0 - angle * 180 / kPi, 360.0);
  if (course_deg < 0) course_deg += 360;
  proto::Fix fix;
  fix.time_ms = time_ms;
  fix.lat_e7 = static_cast<int32_t>(std::lround(lat * 1e7));
  fix.lon_e7 = static_cast<int32_t>(std::lround(lon * 1e7));
  fix.altitude_dm = 500;
  fix.speed_cmps = static_cast<uint32_t>(std::lround(options.speed_mps * 100));
  fix.course_cdeg = static_cast<uint32_t>(std::lround(course_deg * 100)) % 36000;
  fix.hdop_c = 90;
  fix.satellites = 9;
  fix.quality = proto::FixQuality::k3D;
  return fix;
}

CircleSource::CircleSource(asio::any_io_executor executor, CircleOptions options,
                           const Clock& clock)
    : timer_(executor), options_(options), clock_(clock) {}

asio::awaitable<std::optional<proto::Fix>> CircleSource::NextFix() {
  if (started_) {
    timer_.expires_after(options_.interval);
    co_await timer_.async_wait(asio::use_awaitable);
    elapsed_s_ += std::chrono::duration<double>(options_.interval).count();
  }
  started_ = true;
  co_return CircleFixAt(options_, elapsed_s_, clock_.NowUtcMs());
}

std::string CircleSource::Describe() const {
  char text[128];
  std::snprintf(text, sizeof text, "sim:circle %.5f,%.5f r=%.0fm %.1fm/s", options_.center_lat_deg,
                options_.center_lon_deg, options_.radius_m, options_.speed_mps);
  return text;
}

}  // namespace convoy::tracker
