// Times and coordinates as text, for the exporters: parsing the --from/--to arguments, and
// formatting ISO-8601 times and 1e-7 degree coordinates fast enough to write millions of them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/result.h"

namespace convoy::hub {

// Parses a time given on the command line, to UTC ms since 1970-01-01:
//   - epoch milliseconds: "1716015600000" (digits only, optionally with a leading '-');
//   - ISO-8601 with a zone: "2024-05-18T09:00:00Z", "2024-05-18T11:00:00+02:00",
//     "2024-05-18T11:00+0200", "2024-05-18 09:00:00.250Z" (a space may stand for 'T'; seconds
//     and their fraction are optional).
// A time without a zone is refused: the tour crosses no zone, but the machine exporting may be
// anywhere, and guessing would shift the window silently. Errors name the argument and say what
// is wrong ("--from '2024-05-18T09:00': no time zone: add Z or an offset such as +02:00").
Result<int64_t> ParseTimeArg(std::string_view text, std::string_view flag);

// Longest text FormatIsoTime writes ("-292277026-..." cannot happen for fix times; 32 is ample).
inline constexpr size_t kIsoTimeMax = 32;
// Writes "2024-05-18T09:00:00Z", or "2024-05-18T09:00:00.250Z" when time_ms has milliseconds,
// to out (at least kIsoTimeMax bytes; not NUL-terminated). Returns the length. Years outside
// 0000-9999 are written with as many digits as they need. Cost: a few ns when consecutive calls
// fall on the same day (the date part is cached per thread).
size_t FormatIsoTime(int64_t time_ms, char* out);
std::string IsoTime(int64_t time_ms);
// "2024-05-18" for a day counted from 1970-01-01 (UTC), as the replay and the report name days.
std::string IsoDay(int64_t days_since_epoch);

// Writes a 1e-7 degree integer as a decimal with exactly 7 places ("-3.1415926"), so that the
// text reads back to the recorded value exactly. out: at least 13 bytes. Returns the length.
size_t FormatE7(int32_t value_e7, char* out);

// Writes v / 10^decimals with exactly `decimals` places (0..9), e.g. (234, 1) -> "23.4".
// out: at least 24 bytes. Returns the length.
size_t FormatFixed(int64_t v, int decimals, char* out);

// Appends `text` escaped for XML character data and attribute values (& < > " ').
void AppendXmlEscaped(std::string_view text, std::string* out);
// Appends `text` as a JSON string literal, quotes included.
void AppendJsonString(std::string_view text, std::string* out);
// Appends `text` as one CSV field (RFC 4180: quoted when it holds , " CR or LF).
void AppendCsvField(std::string_view text, std::string* out);

}  // namespace convoy::hub
