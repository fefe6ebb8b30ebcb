#include "tracker/gps_source.h"

#include "tracker/nmea/receiver_sources.h"
#include "tracker/sim_circle.h"

namespace convoy::tracker {

Result<std::unique_ptr<GpsSource>> MakeGpsSource(asio::any_io_executor executor,
                                                 std::string_view spec, const Clock& clock,
                                                 LogFn log) {
  if (spec.starts_with("sim:circle")) {
    auto options = ParseCircleSpec(spec.substr(10));
    if (!options.ok()) return options.status();
    return std::unique_ptr<GpsSource>(new CircleSource(executor, *options, clock));
  }
  // nmea, serial and gpsd sources:
  if (nmea::IsReceiverSpec(spec)) return nmea::MakeReceiverSource(executor, spec, clock, log);
  return Error{"--gps " + std::string(spec) +
               ": unknown source; use sim:circle, nmea:FILE, serial:DEVICE or gpsd"};
}

}  // namespace convoy::tracker
