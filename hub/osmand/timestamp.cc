#include "hub/osmand/timestamp.h"

#include <charconv>
#include <ctime>
#include <optional>
#include <string>

namespace convoy::hub::osmand {
namespace {

constexpr int64_t kMaxTimeMs = int64_t{1} << 47;  // about year 6429
// Traccar's cut between seconds and milliseconds: Integer.MAX_VALUE.
constexpr int64_t kSecondsBelow = 2147483647;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at text[*pos].
std::optional<int> Digits(std::string_view text, size_t* pos, size_t n) {
  if (*pos + n > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  *pos += n;
  return value;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

struct Civil {
  int64_t ms = 0;  // as if UTC
  size_t end = 0;  // index after the date-time (and its fraction)
};

// "YYYY-MM-DD<sep>HH:MM[:SS[.fff...]]" at the start of text (ISO-8601 lets seconds out; the
// zone-less form, Java's "yyyy-MM-dd HH:mm:ss", does not). A leap second (:60) is allowed and
// lands on the next minute's first second, as most clocks count it.
std::optional<Civil> ParseCivil(std::string_view text, char separator, bool seconds_required) {
  size_t pos = 0;
  const auto year = Digits(text, &pos, 4);
  if (!year || !Expect(text, &pos, '-')) return std::nullopt;
  const auto month = Digits(text, &pos, 2);
  if (!month || !Expect(text, &pos, '-')) return std::nullopt;
  const auto day = Digits(text, &pos, 2);
  if (!day || !Expect(text, &pos, separator)) return std::nullopt;
  const auto hour = Digits(text, &pos, 2);
  if (!hour || !Expect(text, &pos, ':')) return std::nullopt;
  const auto minute = Digits(text, &pos, 2);
  if (!minute) return std::nullopt;
  int second = 0, ms = 0;
  if (seconds_required && (pos >= text.size() || text[pos] != ':')) return std::nullopt;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    const auto s = Digits(text, &pos, 2);
    if (!s) return std::nullopt;
    second = *s;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
      ++pos;
      int scale = 100;
      const size_t first = pos;
      while (pos < text.size() && IsDigit(text[pos])) {
        ms += (text[pos] - '0') * scale;  // digits past milliseconds are dropped
        scale /= 10;
        ++pos;
      }
      if (pos == first) return std::nullopt;
    }
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > DaysInMonth(*year, *month) || *hour > 23 ||
      *minute > 59 || second > 60) {
    return std::nullopt;
  }
  return Civil{CivilToMs(*year, *month, *day, *hour, *minute, second, ms), pos};
}

// "Z", "+HH", "+HHMM", "+HH:MM" (or '-'), or nothing; the offset east of UTC in ms.
std::optional<int64_t> ParseZone(std::string_view zone) {
  if (zone.empty() || zone == "Z" || zone == "z") return 0;
  if (zone[0] != '+' && zone[0] != '-') return std::nullopt;
  const int sign = zone[0] == '-' ? -1 : 1;
  size_t pos = 1;
  const auto hours = Digits(zone, &pos, 2);
  if (!hours) return std::nullopt;
  int minutes = 0;
  if (pos < zone.size()) {
    if (zone[pos] == ':') ++pos;
    const auto m = Digits(zone, &pos, 2);
    if (!m) return std::nullopt;
    minutes = *m;
  }
  if (pos != zone.size() || *hours > 23 || minutes > 59) return std::nullopt;
  return sign * (int64_t{*hours} * 3600 + minutes * 60) * 1000;
}

Result<int64_t> InRange(int64_t ms, std::string_view form) {
  if (ms < 0 || ms >= kMaxTimeMs) {
    return Error{"timestamp: the " + std::string(form) + " is outside the years 1970-6428"};
  }
  return ms;
}

}  // namespace

int64_t CivilToMs(int year, int month, int day, int hour, int minute, int second, int ms) {
  // Days from 1970-01-01 (H. Hinnant's days_from_civil).
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = era * 146097 + doe - 719468;
  return ((days * 24 + hour) * 60 + minute) * 60'000 + int64_t{second} * 1000 + ms;
}

Result<int64_t> ParseTimestamp(std::string_view text, const LocalToUtcFn& local_to_utc) {
  if (text.empty()) return Error{"timestamp: empty"};
  if (IsDigit(text[0]) && text.find_first_not_of("0123456789.") == std::string_view::npos) {
    const size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    int64_t value = 0;
    const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), value);
    if (ec != std::errc() || end != whole.data() + whole.size() || whole.size() > 15) {
      return Error{"timestamp: not a number of seconds or milliseconds"};
    }
    if (dot == std::string_view::npos) {
      return value < kSecondsBelow ? InRange(value * 1000, "number of seconds")
                                   : InRange(value, "number of milliseconds");
    }
    const std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.find('.') != std::string_view::npos) {
      return Error{"timestamp: not a number of seconds"};
    }
    int ms = 0, scale = 100;
    for (char c : fraction) {
      ms += (c - '0') * scale;
      scale /= 10;
    }
    return InRange(value * 1000 + ms, "number of seconds");
  }
  if (text.find('T') != std::string_view::npos) {
    const auto civil = ParseCivil(text, 'T', false);
    const auto offset = civil ? ParseZone(text.substr(civil->end)) : std::nullopt;
    if (!civil || !offset) return Error{"timestamp: not an ISO-8601 date-time"};
    return InRange(civil->ms - *offset, "date-time");
  }
  const auto civil = ParseCivil(text, ' ', true);
  if (!civil || civil->end != text.size()) {
    return Error{"timestamp: not seconds, milliseconds, ISO-8601 or 'yyyy-MM-dd HH:mm:ss'"};
  }
  return InRange(local_to_utc ? local_to_utc(civil->ms) : civil->ms, "date-time");
}

int64_t HubLocalToUtcMs(int64_t civil_ms) {
  const int64_t ms = ((civil_ms % 1000) + 1000) % 1000;
  const time_t civil_s = static_cast<time_t>((civil_ms - ms) / 1000);
  std::tm fields{};
  gmtime_r(&civil_s, &fields);
  fields.tm_isdst = -1;  // let the zone's rules decide
  const time_t utc_s = mktime(&fields);
  if (utc_s == static_cast<time_t>(-1)) return civil_ms;
  return int64_t{utc_s} * 1000 + ms;
}

}  // namespace convoy::hub::osmand
