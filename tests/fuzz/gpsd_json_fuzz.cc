// The gpsd JSON reader: one line from gpsd (or anything listening on its port) parsed into a
// tree; a TPV object then goes through TpvToFix and its time through ParseIsoUtcMs.
#include <string>
#include <string_view>

#include "proto/fix.h"
#include "proto/json.h"
#include "tracker/nmea/gpsd_source.h"

namespace nmea = convoy::tracker::nmea;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  convoy::Result<convoy::proto::JsonValue> value = convoy::proto::ParseJson(text);
  if (!value.ok()) return 0;
  if (value->kind == convoy::proto::JsonValue::Kind::kObject) {
    if (auto fix = nmea::TpvToFix(*value)) {
      // A fix from gpsd goes into the spool: it must be one the wire and journal can carry.
      if (!convoy::proto::InRange(*fix)) __builtin_trap();
    }
    if (auto time = value->String("time")) (void)nmea::ParseIsoUtcMs(*time);
  }
  return 0;
}
