#include "tracker/nmea/receiver_sources.h"

#include "tracker/nmea/file_source.h"
#include "tracker/nmea/gpsd_source.h"
#include "tracker/nmea/serial_source.h"

namespace convoy::tracker::nmea {

bool IsReceiverSpec(std::string_view spec) {
  return spec.starts_with("nmea:") || spec.starts_with("serial:") || spec == "gpsd" ||
         spec.starts_with("gpsd:");
}

Result<std::unique_ptr<GpsSource>> MakeReceiverSource(asio::any_io_executor executor,
                                                      std::string_view spec, const Clock& clock,
                                                      LogFn log) {
  if (spec.starts_with("nmea:")) {
    Result<FileSourceSpec> parsed = ParseFileSourceSpec(spec.substr(5));
    if (!parsed.ok()) return parsed.status();
    auto source = NmeaFileSource::Open(executor, *parsed, clock, std::move(log));
    if (!source.ok()) return source.status();
    return std::unique_ptr<GpsSource>(std::move(*source));
  }
  if (spec.starts_with("serial:")) {
    Result<SerialSpec> parsed = ParseSerialSpec(spec.substr(7));
    if (!parsed.ok()) return parsed.status();
    return std::unique_ptr<GpsSource>(new SerialSource(executor, *parsed, std::move(log)));
  }
  Result<GpsdSpec> parsed = ParseGpsdSpec(spec.substr(4));
  if (!parsed.ok()) return parsed.status();
  return std::unique_ptr<GpsSource>(new GpsdSource(executor, *parsed, std::move(log)));
}

}  // namespace convoy::tracker::nmea
