// The receiver sources built from a --gps spec: nmea:FILE[:xN|:fast], serial:DEVICE[:BAUD] and
// gpsd[:HOST[:PORT]]. MakeGpsSource (tracker/gps_source.cc) hands these specs here.
#pragma once

#include <memory>
#include <string_view>

#include "tracker/gps_source.h"

namespace convoy::tracker::nmea {

// True when the spec names a kind built here ("nmea:", "serial:", "gpsd" or "gpsd:").
bool IsReceiverSpec(std::string_view spec);

// Precondition: IsReceiverSpec(spec). Returns an error naming the problem when the spec is
// malformed or (nmea:) the file cannot be read. Serial and gpsd sources never fail here: a
// missing device or daemon is waited for.
Result<std::unique_ptr<GpsSource>> MakeReceiverSource(asio::any_io_executor executor,
                                                      std::string_view spec, const Clock& clock,
                                                      LogFn log);

}  // namespace convoy::tracker::nmea
