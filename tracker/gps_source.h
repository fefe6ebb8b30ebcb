// Where a tracker's fixes come from: one interface, one implementation per kind of receiver.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "proto/asio.h"
#include "proto/clock.h"
#include "proto/fix.h"
#include "proto/log.h"
#include "proto/result.h"

namespace convoy::tracker {

// A receiver. Sources log what they recover from (a receiver unplugged, gpsd restarting, a
// count of rejected sentences) and go on. Not thread-safe: use from one strand.
class GpsSource {
 public:
  virtual ~GpsSource() = default;

  // Waits for the next fix, good or bad (the quality gate decides later; a fix without a
  // position has quality kNone). Returns nullopt when the source has ended for good (a file
  // replayed to its end). Recoverable trouble is handled inside: logged and retried.
  virtual asio::awaitable<std::optional<proto::Fix>> NextFix() = 0;

  // What the source reads, for the log ("sim:circle 41.9000,12.5000 r=500m 13.9m/s").
  virtual std::string Describe() const = 0;
};

// Builds a source from its command-line spec:
//   sim:circle[:LAT,LON,RADIUS_M,SPEED_MPS]   a car driving a circle, one fix per second
//   nmea:FILE[:xN|:fast]                      an NMEA log at its own pace, N times faster, or flat
//   out serial:DEVICE[:BAUD]                      NMEA 0183 from a serial port (default 9600 baud)
//   gpsd[:HOST[:PORT]]                        gpsd's JSON protocol (default localhost:2947)
// Returns an error naming the problem when the spec is malformed or names an unknown kind.
Result<std::unique_ptr<GpsSource>> MakeGpsSource(asio::any_io_executor executor,
                                                 std::string_view spec, const Clock& clock,
                                                 LogFn log);

}  // namespace convoy::tracker
