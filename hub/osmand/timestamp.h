// The `timestamp` of an OsmAnd report, in every form the phone apps and Traccar accept.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "proto/result.h"

namespace convoy::hub::osmand {

// Maps a civil date-time without a zone, given as milliseconds since 1970 as if it were UTC, to
// UTC milliseconds. Empty: the civil time is taken as UTC.
using LocalToUtcFn = std::function<int64_t(int64_t civil_ms)>;

// Milliseconds since 1970-01-01 UTC of a proleptic Gregorian date-time. No range checks.
int64_t CivilToMs(int year, int month, int day, int hour, int minute, int second, int ms);

// Parses a report's timestamp into UTC milliseconds since 1970. Accepted, as Traccar does:
//   1377177267             integer seconds (any integer below 2^31-1)
//   1442068686579          integer milliseconds (any integer from 2^31-1 on)
//   1377177267.5           seconds with a fraction (the hub's extension; ms kept)
//   2016-01-27T18:55:47Z   ISO-8601 with 'T': optional fraction, then Z, +HH, +HHMM or +HH:MM;
//                          no zone at all is read as UTC
//   2016-01-27 18:55:47    a civil date-time in the hub's zone, through `local_to_utc`
// Results outside [1970, 6429) are refused (the fix-quality gate judges plausibility later).
// Errors name the form that failed, never the rest of the request.
Result<int64_t> ParseTimestamp(std::string_view text, const LocalToUtcFn& local_to_utc);

// The hub process's own zone (TZ, /etc/localtime) through mktime(3); a civil time that the zone
// skips (the hour a daylight-saving change jumps over) is moved as mktime moves it.
// Thread-safe (glibc's mktime takes a lock).
int64_t HubLocalToUtcMs(int64_t civil_ms);

}  // namespace convoy::hub::osmand
