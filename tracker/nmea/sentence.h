// One accepted NMEA sentence split into fields, and the parsers for NMEA's field formats.
//
// Fields are numbered as gpsd numbers them, so the field tables in the decoders match gpsd's
// driver_nmea0183.c: field(0) is the address ("GPRMC"), field(1) the first data field. A field
// past the end of the sentence reads as empty, which is how NMEA says "not known".
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace convoy::tracker::nmea {

// Not thread-safe; views into the sentence text, which must outlive it.
class Sentence {
 public:
  static constexpr int kMaxFields = 40;

  // Splits "$GPRMC,...*hh" (as the Lexer hands it out: checksum already verified).
  explicit Sentence(std::string_view text);

  std::string_view text() const { return text_; }
  std::string_view address() const { return fields_[0]; }
  // "GP", "GN", ...; empty for a proprietary sentence ("$PSTI").
  std::string_view talker() const { return talker_; }
  // "RMC", "GGA", ...; the whole address for a proprietary sentence.
  std::string_view type() const { return type_; }
  // Number of fields including the address; fields after kMaxFields are dropped.
  int count() const { return count_; }
  std::string_view field(int i) const { return i < count_ ? fields_[i] : std::string_view(); }

 private:
  std::string_view text_;
  std::string_view talker_;
  std::string_view type_;
  int count_ = 0;
  std::array<std::string_view, kMaxFields> fields_{};
};

// Field parsers. Each returns nullopt for an empty or malformed field and never reads past it.

// A decimal number: optional sign, digits, optional '.' and digits ("-016.5", "0.029").
std::optional<double> ParseDecimal(std::string_view field);
// A non-negative integer of up to 9 digits ("08").
std::optional<int> ParseUnsigned(std::string_view field);
// hhmmss[.s...] -> milliseconds since midnight, rounded to the nearest ms and capped at the
// last ms of the day. Rejects hour > 23, minute > 59, second > 60 (leap second).
std::optional<int32_t> ParseTimeOfDay(std::string_view field);
// NMEA angle "DDDMM.mmmm" (degrees then minutes) with its hemisphere letter -> signed decimal
// degrees. Rejects minutes >= 60, a missing '.', and an unknown hemisphere.
// max_degrees: 90 for latitude, 180 for longitude.
std::optional<double> ParseAngle(std::string_view value, std::string_view hemisphere,
                                 int max_degrees);

struct CivilDate {
  int year = 0;   // full year, e.g. 2024
  int month = 0;  // 1..12
  int day = 0;    // 1..31
  bool operator==(const CivilDate&) const = default;
};
// RMC's ddmmyy. Two-digit years map to 1980..2079 (GPS time starts in 1980). Rejects anything
// but six digits, as gpsd does ("2208-1" from a Telit after the 2019 rollover).
std::optional<CivilDate> ParseDdmmyy(std::string_view field);
// Days since 1970-01-01 for a proleptic Gregorian date (negative before 1970).
int64_t DaysFromCivil(const CivilDate& date);

}  // namespace convoy::tracker::nmea
