#include "tracker/nmea/sentence.h"

#include <cstring>

namespace convoy::tracker::nmea {
namespace {

constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Digits with an optional fraction, no sign: "4404.13387" -> mantissa 440413387, 5 decimals.
// The mantissa stays below 2^53 and the divisor is an exact power of ten, so the division
// below is correctly rounded: the same double a careful strtod gives.
struct Digits {
  int64_t mantissa = 0;
  int decimals = 0;
  int int_digits = 0;
};
std::optional<Digits> ScanDigits(std::string_view s) {
  Digits d;
  size_t i = 0;
  for (; i < s.size() && IsDigit(s[i]); ++i) {
    if (d.int_digits >= 15) return std::nullopt;
    d.mantissa = d.mantissa * 10 + (s[i] - '0');
    ++d.int_digits;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && IsDigit(s[i]); ++i) {
      // Beyond 15 significant digits the rest cannot change a double we care about.
      if (d.int_digits + d.decimals >= 15) continue;
      d.mantissa = d.mantissa * 10 + (s[i] - '0');
      ++d.decimals;
    }
  }
  if (i != s.size() || (d.int_digits == 0 && d.decimals == 0)) return std::nullopt;
  return d;
}

double Value(const Digits& d) { return static_cast<double>(d.mantissa) / kPow10[d.decimals]; }

}  // namespace

Sentence::Sentence(std::string_view text) : text_(text) {
  // Drop '$' and "*hh"; the Lexer has checked both.
  std::string_view body = text.substr(1, text.size() >= 4 ? text.size() - 4 : 0);
  size_t start = 0;
  while (count_ < kMaxFields) {
    const size_t comma = body.find(',', start);
    if (comma == std::string_view::npos) {
      fields_[count_++] = body.substr(start);
      break;
    }
    fields_[count_++] = body.substr(start, comma - start);
    start = comma + 1;
  }
  const std::string_view address = fields_[0];
  if (!address.empty() && address[0] == 'P') {
    type_ = address;
  } else if (address.size() >= 5) {
    talker_ = address.substr(0, 2);
    type_ = address.substr(2);
  } else {
    type_ = address;
  }
}

std::optional<double> ParseDecimal(std::string_view field) {
  bool negative = false;
  if (!field.empty() && (field[0] == '-' || field[0] == '+')) {
    negative = field[0] == '-';
    field.remove_prefix(1);
  }
  const std::optional<Digits> d = ScanDigits(field);
  if (!d) return std::nullopt;
  const double v = Value(*d);
  return negative ? -v : v;
}

std::optional<int> ParseUnsigned(std::string_view field) {
  if (field.empty() || field.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : field) {
    if (!IsDigit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<int32_t> ParseTimeOfDay(std::string_view field) {
  if (field.size() < 6) return std::nullopt;
  for (int i = 0; i < 6; ++i) {
    if (!IsDigit(field[i])) return std::nullopt;
  }
  const int hour = (field[0] - '0') * 10 + (field[1] - '0');
  const int minute = (field[2] - '0') * 10 + (field[3] - '0');
  const int second = (field[4] - '0') * 10 + (field[5] - '0');
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  int32_t frac_ms = 0;
  if (field.size() > 6) {
    if (field[6] != '.') return std::nullopt;
    // Up to 9 fraction digits; round to the nearest millisecond.
    int64_t frac = 0;
    int digits = 0;
    for (size_t i = 7; i < field.size(); ++i) {
      if (!IsDigit(field[i]) || digits == 9) return std::nullopt;
      frac = frac * 10 + (field[i] - '0');
      ++digits;
    }
    int64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    frac_ms = static_cast<int32_t>((frac * 1000 * 2 + scale) / (2 * scale));
  }
  int32_t ms = ((hour * 60 + minute) * 60 + second) * 1000 + frac_ms;
  constexpr int32_t kLastMsOfDay = 86'400'000 - 1;
  return ms > kLastMsOfDay ? kLastMsOfDay : ms;
}

std::optional<double> ParseAngle(std::string_view value, std::string_view hemisphere,
                                 int max_degrees) {
  if (hemisphere.size() != 1) return std::nullopt;
  const char h = hemisphere[0];
  bool negative;
  if (max_degrees == 90 && (h == 'N' || h == 'S')) {
    negative = h == 'S';
  } else if (max_degrees == 180 && (h == 'E' || h == 'W')) {
    negative = h == 'W';
  } else {
    return std::nullopt;
  }
  const std::optional<Digits> d = ScanDigits(value);
  // gpsd requires the '.', and so do we: "4404" could be degrees or minutes.
  if (!d || value.find('.') == std::string_view::npos) return std::nullopt;
  // The integer part is DDDMM: degrees * 100 + whole minutes. Same arithmetic as gpsd's
  // decode_lat_or_lon, so the doubles agree to the last bit with gpsd's output.
  int64_t scale = 1;
  for (int i = 0; i < d->decimals; ++i) scale *= 10;
  const int64_t int_part = d->mantissa / scale;
  const int64_t degrees = int_part / 100;
  const int64_t whole_minutes = int_part - degrees * 100;
  if (whole_minutes >= 60 || degrees > max_degrees) return std::nullopt;
  const double frac_minutes =
      static_cast<double>(d->mantissa - int_part * scale) / kPow10[d->decimals];
  const double full_minutes = static_cast<double>(degrees * 60 + whole_minutes) + frac_minutes;
  const double deg = full_minutes * (1.0 / 60.0);
  if (deg > max_degrees) return std::nullopt;
  return negative ? -deg : deg;
}

std::optional<CivilDate> ParseDdmmyy(std::string_view field) {
  if (field.size() != 6) return std::nullopt;
  for (char c : field) {
    if (!IsDigit(c)) return std::nullopt;
  }
  CivilDate date;
  date.day = (field[0] - '0') * 10 + (field[1] - '0');
  date.month = (field[2] - '0') * 10 + (field[3] - '0');
  const int yy = (field[4] - '0') * 10 + (field[5] - '0');
  date.year = yy < 80 ? 2000 + yy : 1900 + yy;
  if (date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31) return std::nullopt;
  return date;
}

int64_t DaysFromCivil(const CivilDate& date) {
  // Howard Hinnant's days_from_civil.
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (date.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace convoy::tracker::nmea
