// sim:circle: a simulated receiver driving a circle at a steady speed, one fix per interval,
// timestamped from the clock. For tests and demos without a receiver.
#pragma once

#include <chrono>

#include "tracker/gps_source.h"

namespace convoy::tracker {

struct CircleOptions {
  double center_lat_deg = 41.9028;  // Rome
  double center_lon_deg = 12.4964;
  double radius_m = 500;
  double speed_mps = 13.9;  // 50 km/h
  std::chrono::milliseconds interval{1000};
  double start_angle_rad = 0;
};

// Parses the part after "sim:circle", empty or ":LAT,LON,RADIUS_M,SPEED_MPS".
Result<CircleOptions> ParseCircleSpec(std::string_view rest);

// The fix at `elapsed_s` seconds after the start, on the circle, driving counter-clockwise.
proto::Fix CircleFixAt(const CircleOptions& options, double elapsed_s, int64_t time_ms);

class CircleSource final : public GpsSource {
 public:
  CircleSource(asio::any_io_executor executor, CircleOptions options, const Clock& clock);
  asio::awaitable<std::optional<proto::Fix>> NextFix() override;
  std::string Describe() const override;

 private:
  asio::steady_timer timer_;
  CircleOptions options_;
  const Clock& clock_;
  double elapsed_s_ = 0;
  bool started_ = false;
};

}  // namespace convoy::tracker
