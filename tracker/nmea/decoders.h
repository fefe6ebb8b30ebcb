// Table-driven decoders for the NMEA 0183 sentences that carry a position fix: RMC, GGA, GNS,
// GLL, VTG, GSA and ZDA, from the GNSS talkers GP, GN, GL, GA, BD, GB, QZ and IN.
//
// Each decoder turns one sentence into a Report: what that sentence says, with every field it
// does not carry left unset (an empty field is normal NMEA for "not known"). Reports carry no
// state; the FixAssembler merges the Reports of one reporting cycle into a fix. Field
// semantics follow gpsd's driver_nmea0183.c so the decoded values match gpsd's.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "proto/fix.h"
#include "tracker/nmea/sentence.h"

namespace convoy::tracker::nmea {

enum class SentenceType : uint8_t { kRmc = 0, kGga, kGns, kGll, kVtg, kGsa, kZda };
inline constexpr int kSentenceTypes = 7;
const char* SentenceTypeName(SentenceType type);

// What a sentence says about whether the receiver has a fix.
enum class FixStatus : uint8_t {
  kUnstated = 0,  // the sentence does not say (VTG, ZDA, GGA with an empty quality field)
  kNoFix,         // says there is no usable fix (RMC 'V', GGA quality 0, GSA mode 1, ...)
  kFix,           // says the position is a fix
};

struct Report {
  SentenceType type = SentenceType::kRmc;
  std::optional<int32_t> time_of_day_ms;  // UTC ms since midnight
  std::optional<CivilDate> date;          // UTC
  bool has_position = false;
  double lat_deg = 0;                // when has_position: [-90, 90]
  double lon_deg = 0;                // when has_position: [-180, 180]
  std::optional<double> altitude_m;  // above mean sea level
  std::optional<double> speed_mps;   // over ground
  std::optional<double> course_deg;  // true, as sent (normally [0, 360))
  std::optional<double> hdop;
  std::optional<int> satellites;      // used in the fix (GGA, GNS)
  std::optional<int> gsa_satellites;  // PRNs listed in a GSA (one constellation's share)
  FixStatus status = FixStatus::kUnstated;
  // When status is kFix: kDgps, kRtkFixed, ... if the sentence says so, else k2D ("a fix").
  proto::FixQuality quality = proto::FixQuality::kUnknown;
  int dimension = 0;  // 2 or 3 when the sentence says (GSA mode, altitude with >= 4 satellites)
};

enum class DecodeStatus : uint8_t {
  kDecoded = 0,
  kUnsupportedType,    // a sentence we do not decode (GSV, TXT, proprietary): ignored, fine
  kUnsupportedTalker,  // RMC from "II" etc.: not a GNSS receiver we trust for position
  kTooFewFields,       // a decodable type with fewer fields than its table entry requires
};

// Decodes one sentence. *report is written only when the result is kDecoded.
// Cost: one pass over the fields; no allocation. Thread-safe (no state).
DecodeStatus Decode(const Sentence& sentence, Report* report);

// True for the GNSS talkers above ("GP", "GN", "GL", "GA", "BD", "GB", "QZ", "IN").
bool IsSupportedTalker(std::string_view talker);

}  // namespace convoy::tracker::nmea
