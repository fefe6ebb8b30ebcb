#include "tracker/nmea/decoders.h"

#include <array>

namespace convoy::tracker::nmea {
namespace {

using proto::FixQuality;

constexpr double kKnotsToMps = 1852.0 / 3600.0;
// Receivers send 99.99 (or more) for "no DOP"; gpsd ignores those, so do we.
constexpr double kInvalidDop = 99.0;

void SetPosition(const Sentence& s, int first_field, Report* r) {
  const std::optional<double> lat = ParseAngle(s.field(first_field), s.field(first_field + 1), 90);
  const std::optional<double> lon =
      ParseAngle(s.field(first_field + 2), s.field(first_field + 3), 180);
  if (lat && lon) {
    r->has_position = true;
    r->lat_deg = *lat;
    r->lon_deg = *lon;
  }
}

void SetHdop(std::string_view field, Report* r) {
  const std::optional<double> hdop = ParseDecimal(field);
  if (hdop && *hdop >= 0 && *hdop < kInvalidDop) r->hdop = hdop;
}

// An FAA mode indicator (NMEA 2.3+: RMC, GLL, VTG, GNS): the kind of fix, or none.
// 'C' (caution) and 'U' (unsafe) are Quectel's; they still come with a position.
std::optional<FixQuality> FaaMode(char mode) {
  switch (mode) {
    case 'A':
      return FixQuality::k2D;  // autonomous
    case 'D':
      return FixQuality::kDgps;
    case 'P':
      return FixQuality::kDgps;  // precise (NMEA 4+)
    case 'R':
      return FixQuality::kRtkFixed;
    case 'F':
      return FixQuality::kRtkFloat;
    case 'E':
      return FixQuality::kDeadReckoning;
    case 'M':
      return FixQuality::kSimulated;  // manual input: not a measurement
    case 'S':
      return FixQuality::kSimulated;
    case 'C':
      return FixQuality::k2D;
    case 'U':
      return FixQuality::k2D;
    case 'N':
      return std::nullopt;  // data not valid
    default:
      return FixQuality::k2D;  // unknown letters: gpsd treats them as a plain fix
  }
}

// RMC - Recommended Minimum Navigation Information
//   $GPRMC,225446.33,A,4916.45,N,12311.12,W,000.5,054.7,191194,020.3,E,A*68
//   1     225446.33    UTC time of fix, hhmmss.ss
//   2     A            status: A = valid, D = differential (some receivers), V = invalid
//   3,4   4916.45,N    latitude ddmm.mm, N/S
//   5,6   12311.12,W   longitude dddmm.mm, E/W
//   7     000.5        speed over ground, knots
//   8     054.7        course over ground, degrees true
//   9     191194       UTC date, ddmmyy
//   10,11 020.3,E      magnetic variation (not used)
//   12    A            FAA mode indicator (NMEA 2.3+), see FaaMode()
//   13    V            navigational status (NMEA 4.1+, not used)
// As in gpsd, time, date, speed and course are taken only from a valid RMC: receivers such as
// the MTK3301 send bogus times with 'V'.
void DecodeRmc(const Sentence& s, Report* r) {
  const char status = s.field(2).empty() ? '\0' : s.field(2)[0];
  if (status != 'A' && status != 'D') {
    r->status = FixStatus::kNoFix;
    return;
  }
  r->time_of_day_ms = ParseTimeOfDay(s.field(1));
  r->date = ParseDdmmyy(s.field(9));
  if (!r->time_of_day_ms) r->date.reset();  // a date without its time places nothing
  SetPosition(s, 3, r);
  if (!r->has_position) {
    r->status = FixStatus::kNoFix;
    return;
  }
  r->speed_mps = ParseDecimal(s.field(7));
  if (r->speed_mps) *r->speed_mps *= kKnotsToMps;
  r->course_deg = ParseDecimal(s.field(8));
  std::optional<FixQuality> quality = status == 'D' ? FixQuality::kDgps : FixQuality::k2D;
  if (!s.field(12).empty()) quality = FaaMode(s.field(12)[0]);
  if (!quality) {
    r->status = FixStatus::kNoFix;
    return;
  }
  r->status = FixStatus::kFix;
  r->quality = *quality;
}

// GGA - Global Positioning System Fix Data
//   $GPGGA,123519,4807.038,N,01131.324,E,1,08,0.9,545.4,M,46.9,M,,*47
//   1     123519       UTC time of fix, hhmmss[.ss]
//   2,3   4807.038,N   latitude ddmm.mmm, N/S
//   4,5   01131.324,E  longitude dddmm.mmm, E/W
//   6     1            quality: 0 invalid, 1 GPS, 2 DGPS, 3 PPS, 4 RTK fixed, 5 RTK float,
//                      6 dead reckoning, 7 manual input, 8 simulator
//   7     08           satellites used
//   8     0.9          HDOP
//   9,10  545.4,M      altitude above mean sea level, metres
//   11,12 46.9,M       geoid separation, metres (not used)
//   13    (empty)      age of DGPS corrections, s (not used)
//   14    (empty)      DGPS station id (not used)
// As in gpsd, fewer than 3 satellites (or an empty count) means no fix, and an altitude with
// at least 4 satellites means a 3D fix.
void DecodeGga(const Sentence& s, Report* r) {
  r->time_of_day_ms = ParseTimeOfDay(s.field(1));
  SetPosition(s, 2, r);
  const std::optional<int> quality = ParseUnsigned(s.field(6));
  const int satellites = ParseUnsigned(s.field(7)).value_or(0);
  if (!s.field(7).empty()) r->satellites = satellites;
  SetHdop(s.field(8), r);
  if (r->has_position && !s.field(9).empty()) r->altitude_m = ParseDecimal(s.field(9));
  if (quality) {
    switch (*quality) {
      case 0:
        r->status = FixStatus::kNoFix;
        break;
      case 2:
        r->quality = FixQuality::kDgps;
        break;
      case 4:
        r->quality = FixQuality::kRtkFixed;
        break;
      case 5:
        r->quality = FixQuality::kRtkFloat;
        break;
      case 6:
        r->quality = FixQuality::kDeadReckoning;
        break;
      case 7:
      case 8:
        r->quality = FixQuality::kSimulated;
        break;
      default:
        r->quality = FixQuality::k2D;
        break;  // 1, 3 (PPS), and unknown codes
    }
    if (r->status != FixStatus::kNoFix) r->status = FixStatus::kFix;
  }
  if (!r->has_position || satellites < 3) {
    if (r->status == FixStatus::kFix || r->has_position) r->status = FixStatus::kNoFix;
    return;
  }
  if (r->altitude_m && satellites >= 4) r->dimension = 3;
}

// GNS - GNSS Fix Data (NMEA 4.0): GGA for several constellations
//   $GNGNS,224749.00,3333.4268304,N,11153.3538273,W,DA,19,0.6,406.110,-26.294,6.0,0138,S*6A
//   1     224749.00     UTC time of fix, hhmmss.ss
//   2,3   3333.4268304,N latitude, N/S
//   4,5   11153.3538273,W longitude, E/W
//   6     DA            one FAA mode letter per constellation: GPS, GLONASS, Galileo, BeiDou,
//                       QZSS, NavIC; 'N' = that constellation has no fix
//   7     19            satellites used
//   8     0.6           HDOP
//   9     406.110       altitude above mean sea level, metres
//   10    -26.294       geoid separation, metres (not used)
//   11    6.0           age of differential corrections, s (not used)
//   12    0138          differential station id (not used)
//   13    S             navigational status (NMEA 4.1+): S safe, C caution, U unsafe, V invalid
// gpsd reads only the first mode letter; a GLONASS-only fix ("NA") is still a fix, so we take
// the first letter that is not 'N'.
void DecodeGns(const Sentence& s, Report* r) {
  r->time_of_day_ms = ParseTimeOfDay(s.field(1));
  std::optional<FixQuality> quality;
  for (char mode : s.field(6)) {
    quality = FaaMode(mode);
    if (quality) break;
  }
  const char nav_status = s.field(13).empty() ? '\0' : s.field(13)[0];
  if (!quality || nav_status == 'U' || nav_status == 'V') {
    r->status = FixStatus::kNoFix;
    return;
  }
  SetPosition(s, 2, r);
  if (!r->has_position) {
    r->status = FixStatus::kNoFix;
    return;
  }
  r->status = FixStatus::kFix;
  r->quality = *quality;
  const std::optional<int> satellites = ParseUnsigned(s.field(7));
  if (satellites) r->satellites = satellites;
  SetHdop(s.field(8), r);
  r->altitude_m = ParseDecimal(s.field(9));
  if (r->altitude_m && satellites.value_or(0) > 3) r->dimension = 3;
}

// GLL - Geographic Position, Latitude/Longitude
//   $GPGLL,4916.45,N,12311.12,W,225444,A,A*5C
//   1,2   4916.45,N    latitude ddmm.mm, N/S
//   3,4   12311.12,W   longitude dddmm.mm, E/W
//   5     225444       UTC time of position, hhmmss[.ss]
//   6     A            status: A = valid, V = invalid
//   7     A            FAA mode indicator (NMEA 2.3+), see FaaMode()
void DecodeGll(const Sentence& s, Report* r) {
  r->time_of_day_ms = ParseTimeOfDay(s.field(5));
  std::optional<FixQuality> quality = FixQuality::k2D;
  if (!s.field(7).empty()) quality = FaaMode(s.field(7)[0]);
  if (s.field(6) != "A" || !quality) {
    r->status = FixStatus::kNoFix;
    return;
  }
  SetPosition(s, 1, r);
  r->status = r->has_position ? FixStatus::kFix : FixStatus::kNoFix;
  r->quality = *quality;
}

// VTG - Track Made Good and Ground Speed
//   $GPVTG,054.7,T,034.4,M,005.5,N,010.2,K,A*25
//   1,2   054.7,T      course over ground, degrees true
//   3,4   034.4,M      course over ground, degrees magnetic (not used)
//   5,6   005.5,N      speed over ground, knots
//   7,8   010.2,K      speed over ground, km/h (used when the knots field is empty)
//   9     A            FAA mode indicator (NMEA 2.3+); 'N' (not valid) and 'E' (estimated)
//                      make gpsd ignore the sentence, and us too
void DecodeVtg(const Sentence& s, Report* r) {
  if (!s.field(9).empty() && (s.field(9)[0] == 'N' || s.field(9)[0] == 'E')) return;
  r->course_deg = ParseDecimal(s.field(1));
  r->speed_mps = ParseDecimal(s.field(5));
  if (r->speed_mps) {
    *r->speed_mps *= kKnotsToMps;
  } else if (std::optional<double> kmh = ParseDecimal(s.field(7))) {
    r->speed_mps = *kmh / 3.6;
  }
}

// GSA - GNSS DOP and Active Satellites
//   $GPGSA,A,3,19,28,14,18,27,22,31,39,,,,,1.7,1.0,1.3*35
//   $GNGSA,A,3,13,12,22,19,08,21,,,,,,,1.05,0.64,0.83,4*0B     (NMEA 4.1: system id)
//   1     A            selection: M manual, A automatic 2D/3D
//   2     3            mode: 1 no fix, 2 2D, 3 3D ('E' from Antaris in dead reckoning)
//   3-14  19,28,...    PRNs of the satellites used, empty for unused slots
//   15    1.7          PDOP (not used)
//   16    1.0          HDOP
//   17    1.3          VDOP (not used)
//   18    4            NMEA 4.1+ GNSS system id (not used)
// Multi-constellation receivers send one GSA per constellation in each cycle. GSA has no
// position: its "fix" applies to the position the other sentences of the cycle gave.
void DecodeGsa(const Sentence& s, Report* r) {
  const std::optional<int> mode = ParseUnsigned(s.field(2));
  if (mode == 1) {
    r->status = FixStatus::kNoFix;
  } else if (mode == 2 || mode == 3) {
    // A fix of this dimension, whatever an earlier sentence of the cycle said: Garmin and
    // Furuno send GGA with 0 satellites, then GSA with the real mode. gpsd lets GSA decide too.
    r->status = FixStatus::kFix;
    r->dimension = *mode;
  }
  int used = 0;
  for (int i = 3; i <= 14; ++i) {
    if (ParseUnsigned(s.field(i)).value_or(0) > 0) ++used;
  }
  r->gsa_satellites = used;
  SetHdop(s.field(16), r);
}

// ZDA - Time and Date
//   $GPZDA,160012.71,11,03,2004,-1,00*7D
//   1     160012.71    UTC time, hhmmss.ss
//   2     11           day, 01..31
//   3     03           month, 01..12
//   4     2004         year, four digits
//   5,6   -1,00        local zone hours and minutes (not used)
void DecodeZda(const Sentence& s, Report* r) {
  r->time_of_day_ms = ParseTimeOfDay(s.field(1));
  const std::optional<int> day = ParseUnsigned(s.field(2));
  const std::optional<int> month = ParseUnsigned(s.field(3));
  const std::optional<int> year = ParseUnsigned(s.field(4));
  if (r->time_of_day_ms && day && month && year && *day >= 1 && *day <= 31 && *month >= 1 &&
      *month <= 12 && *year >= 1980 && *year <= 2200) {
    r->date = CivilDate{*year, *month, *day};
  }
}

struct DecoderEntry {
  std::string_view type;
  SentenceType kind;
  int min_fields;  // including the address; gpsd's minimums
  void (*decode)(const Sentence&, Report*);
};

constexpr std::array<DecoderEntry, kSentenceTypes> kDecoders = {{
    {"RMC", SentenceType::kRmc, 8, DecodeRmc},
    {"GGA", SentenceType::kGga, 13, DecodeGga},
    {"GNS", SentenceType::kGns, 13, DecodeGns},
    {"GLL", SentenceType::kGll, 7, DecodeGll},
    {"VTG", SentenceType::kVtg, 5, DecodeVtg},
    {"GSA", SentenceType::kGsa, 18, DecodeGsa},
    {"ZDA", SentenceType::kZda, 4, DecodeZda},
}};

}  // namespace

const char* SentenceTypeName(SentenceType type) {
  switch (type) {
    case SentenceType::kRmc:
      return "RMC";
    case SentenceType::kGga:
      return "GGA";
    case SentenceType::kGns:
      return "GNS";
    case SentenceType::kGll:
      return "GLL";
    case SentenceType::kVtg:
      return "VTG";
    case SentenceType::kGsa:
      return "GSA";
    case SentenceType::kZda:
      return "ZDA";
  }
  return "invalid";
}

bool IsSupportedTalker(std::string_view talker) {
  if (talker.size() != 2) return false;
  switch (talker[0]) {
    case 'G':
      return talker[1] == 'P' || talker[1] == 'N' || talker[1] == 'L' || talker[1] == 'A' ||
             talker[1] == 'B';
    case 'B':
      return talker[1] == 'D';
    case 'Q':
      return talker[1] == 'Z';
    case 'I':
      return talker[1] == 'N';
    default:
      return false;
  }
}

DecodeStatus Decode(const Sentence& sentence, Report* report) {
  const std::string_view type = sentence.type();
  for (const DecoderEntry& entry : kDecoders) {
    if (entry.type != type) continue;
    if (!IsSupportedTalker(sentence.talker())) return DecodeStatus::kUnsupportedTalker;
    if (sentence.count() < entry.min_fields) return DecodeStatus::kTooFewFields;
    *report = Report{};
    report->type = entry.kind;
    entry.decode(sentence, report);
    return DecodeStatus::kDecoded;
  }
  return DecodeStatus::kUnsupportedType;
}

}  // namespace convoy::tracker::nmea
