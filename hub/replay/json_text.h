// Appending JSON text to a string, for the replay API's answers (and the report's data). Only
// what those need: strings, integers, finite doubles (null otherwise), 1e-7 degree coordinates.
// Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace convoy::hub::replay {

// A JSON string literal, quotes included. Control characters and quotes are escaped; other bytes
// are copied as they are (the journal's text is valid UTF-8, checked where it entered the hub).
void AppendJsonString(std::string& out, std::string_view text);
// The shortest text that reads back to `value`; `null` for NaN and infinities.
void AppendJsonNumber(std::string& out, double value);
void AppendJsonInt(std::string& out, int64_t value);
// Degrees from 1e-7 degree integers with exactly 7 decimals ("41.6290811"), so a coordinate
// reads back to the recorded integer exactly.
void AppendE7(std::string& out, int32_t e7);

}  // namespace convoy::hub::replay
