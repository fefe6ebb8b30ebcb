#include "hub/export/time_text.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "maps/tour_plan.h"

namespace convoy::hub {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;

struct Civil {
  int64_t year;
  int month;
  int day;
};

// Howard Hinnant's civil_from_days: proleptic Gregorian, any day count.
Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2), month, day};
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void Put2(int v, char* out) {
  out[0] = static_cast<char>('0' + v / 10);
  out[1] = static_cast<char>('0' + v % 10);
}

// A cursor over the argument being parsed.
struct Scanner {
  std::string_view s;
  size_t pos = 0;
  bool Done() const { return pos >= s.size(); }
  char Peek() const { return Done() ? '\0' : s[pos]; }
  bool Take(char c) {
    if (Peek() != c) return false;
    ++pos;
    return true;
  }
  // Exactly n digits.
  bool Digits(int n, int* value) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
      const char c = s[pos + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos += n;
    *value = v;
    return true;
  }
};

Error Bad(std::string_view flag, std::string_view text, std::string_view why) {
  return Error{std::string(flag) + " '" + std::string(text) + "': " + std::string(why)};
}

}  // namespace

Result<int64_t> ParseTimeArg(std::string_view text, std::string_view flag) {
  constexpr std::string_view kForms =
      "expected epoch milliseconds (1716015600000) or ISO-8601 with a zone "
      "(2024-05-18T09:00:00Z, 2024-05-18T11:00:00+02:00)";
  if (text.empty()) return Bad(flag, text, "empty; " + std::string(kForms));
  const bool all_digits =
      text.find_first_not_of("0123456789", text[0] == '-' ? 1 : 0) == std::string_view::npos &&
      text != "-";
  if (all_digits) {
    if (text.size() <= 8) {
      // A year or a date without separators ("20240518") is far more likely than a time within
      // a day of 1970.
      return Bad(flag, text, "too short for epoch milliseconds; " + std::string(kForms));
    }
    int64_t ms = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Bad(flag, text, "out of range");
    }
    return ms;
  }
  Scanner in{text};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!in.Digits(4, &year) || !in.Take('-') || !in.Digits(2, &month) || !in.Take('-') ||
      !in.Digits(2, &day)) {
    return Bad(flag, text, std::string(kForms));
  }
  if (month < 1 || month > 12) return Bad(flag, text, "month must be 01..12");
  const int64_t days = maps::DaysFromCivil(year, month, day);
  if (day < 1 || CivilFromDays(days).day != day) {
    return Bad(flag, text, "no such day in that month");
  }
  if (in.Done()) {
    return Bad(
        flag, text,
        "a date alone is ambiguous: give a time and a zone (" + std::string(text) + "T00:00:00Z)");
  }
  if (!in.Take('T') && !in.Take('t') && !in.Take(' ')) return Bad(flag, text, kForms);
  if (!in.Digits(2, &hour) || !in.Take(':') || !in.Digits(2, &minute)) {
    return Bad(flag, text, "time must be HH:MM or HH:MM:SS");
  }
  int64_t fraction_ms = 0;
  if (in.Take(':')) {
    if (!in.Digits(2, &second)) return Bad(flag, text, "seconds must be two digits");
    if (in.Take('.') || in.Take(',')) {
      int64_t scale = 100;
      bool any = false;
      while (std::isdigit(static_cast<unsigned char>(in.Peek()))) {
        fraction_ms += (in.s[in.pos++] - '0') * scale;
        scale /= 10;
        any = true;
      }
      if (!any) return Bad(flag, text, "no digits after the decimal point");
    }
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return Bad(flag, text, "hour, minute or second out of range");
  }
  int offset_min = 0;
  if (in.Take('Z') || in.Take('z')) {
  } else if (in.Peek() == '+' || in.Peek() == '-') {
    const int sign = in.s[in.pos++] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    if (!in.Digits(2, &oh)) return Bad(flag, text, "offset must be +HH:MM, +HHMM or +HH");
    if (in.Take(':')) {
      if (!in.Digits(2, &om)) return Bad(flag, text, "offset must be +HH:MM, +HHMM or +HH");
    } else if (!in.Done()) {
      if (!in.Digits(2, &om)) return Bad(flag, text, "offset must be +HH:MM, +HHMM or +HH");
    }
    if (oh > 18 || om > 59) return Bad(flag, text, "offset out of range");
    offset_min = sign * (oh * 60 + om);
  } else if (in.Done()) {
    return Bad(flag, text, "no time zone: add Z (UTC) or an offset such as +02:00");
  } else {
    return Bad(flag, text, "unexpected '" + std::string(1, in.Peek()) + "'");
  }
  if (!in.Done()) {
    return Bad(flag, text,
               "unexpected text after the time: '" + std::string(text.substr(in.pos)) + "'");
  }
  return days * kMsPerDay + ((hour * 60 + minute - offset_min) * 60 + second) * int64_t{1000} +
         fraction_ms;
}

size_t FormatIsoTime(int64_t time_ms, char* out) {
  // Cache of the last day's "YYYY-MM-DDT": fixes come in time order, so the date rarely changes.
  thread_local int64_t cached_day = INT64_MIN;
  thread_local char date[24];
  thread_local size_t date_len = 0;
  const int64_t day = FloorDiv(time_ms, kMsPerDay);
  if (day != cached_day) {
    const Civil c = CivilFromDays(day);
    char* p = date;
    if (c.year >= 0 && c.year <= 9999) {
      const int y = static_cast<int>(c.year);
      Put2(y / 100, p);
      Put2(y % 100, p + 2);
      p += 4;
    } else {
      p = std::to_chars(p, date + 16, c.year).ptr;
    }
    *p++ = '-';
    Put2(c.month, p);
    p[2] = '-';
    Put2(c.day, p + 3);
    p[5] = 'T';
    date_len = static_cast<size_t>(p + 6 - date);
    cached_day = day;
  }
  std::memcpy(out, date, date_len);
  char* p = out + date_len;
  const int64_t in_day = time_ms - day * kMsPerDay;
  const int ms = static_cast<int>(in_day % 1000);
  const int s = static_cast<int>(in_day / 1000);
  Put2(s / 3600, p);
  p[2] = ':';
  Put2(s / 60 % 60, p + 3);
  p[5] = ':';
  Put2(s % 60, p + 6);
  p += 8;
  if (ms != 0) {
    *p++ = '.';
    *p++ = static_cast<char>('0' + ms / 100);
    Put2(ms % 100, p);
    p += 2;
  }
  *p++ = 'Z';
  return static_cast<size_t>(p - out);
}

std::string IsoTime(int64_t time_ms) {
  char buf[kIsoTimeMax];
  return std::string(buf, FormatIsoTime(time_ms, buf));
}

std::string IsoDay(int64_t days_since_epoch) {
  char buf[kIsoTimeMax];
  // FormatIsoTime writes the date first: "YYYY-MM-DD" then "T".
  const size_t length = FormatIsoTime(days_since_epoch * kMsPerDay, buf);
  return std::string(buf, std::string_view(buf, length).find('T'));
}

size_t FormatFixed(int64_t v, int decimals, char* out) {
  char* p = out;
  uint64_t u = static_cast<uint64_t>(v);
  if (v < 0) {
    *p++ = '-';
    u = ~u + 1;
  }
  uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  p = std::to_chars(p, out + 24, u / scale).ptr;
  if (decimals > 0) {
    *p++ = '.';
    uint64_t frac = u % scale;
    for (int i = decimals - 1; i >= 0; --i) {
      p[i] = static_cast<char>('0' + frac % 10);
      frac /= 10;
    }
    p += decimals;
  }
  return static_cast<size_t>(p - out);
}

size_t FormatE7(int32_t value_e7, char* out) { return FormatFixed(value_e7, 7, out); }

void AppendXmlEscaped(std::string_view text, std::string* out) {
  for (const char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      case '\'':
        out->append("&apos;");
        break;
      default:
        // Control characters other than tab/CR/LF are not allowed in XML 1.0 at all.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
          out->push_back(' ');
        } else {
          out->push_back(c);
        }
    }
  }
}

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", u);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

void AppendCsvField(std::string_view text, std::string* out) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (const char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace convoy::hub
