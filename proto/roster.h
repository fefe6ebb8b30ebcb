// The roster: which cars are on the tour and the secret each one reports with. A CSV that an
// organizer edits in a spreadsheet: columns id,name,role,secret in any order, plus any others
// (driver, phone, plate, ...), which are kept as they are. Format in README ("Roster").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "proto/result.h"

namespace convoy::proto {

enum class CarRole { kLead, kSweep, kCar };
const char* CarRoleName(CarRole role);

// Text that people read (a car's or a staff member's name) must be valid UTF-8 without control
// characters (C0, DEL, C1): a file saved in a legacy encoding (Latin-1 from an old spreadsheet)
// or a pasted terminal escape is refused at load, with its line, rather than reaching the page,
// the journal or the logs mangled. Returns "" when `text` is fine, else what is wrong:
// "byte 5 (0xE9) is not UTF-8" or "byte 3 is a control character (U+0009)". Cost: linear.
std::string DisplayTextProblem(std::string_view text);
// `text` safe for an error message or a log line: valid UTF-8 without control characters is
// kept, any other byte is written as \xNN. Cost: linear.
std::string PrintableForLog(std::string_view text);

struct RosterCar {
  std::string id;  // [A-Za-z0-9_.-], 1..64 bytes, unique
  // For people: "Car 12 - the Rossis"; valid UTF-8 without control characters
  // (DisplayTextProblem), else the roster is refused.
  std::string name;
  CarRole role = CarRole::kCar;
  std::string secret;  // >= 8 bytes, unique across the roster; never logged
  // Any further columns, by lower-case header, as they are (unchecked: never shown or logged).
  std::map<std::string, std::string> extra;
  size_t index = 0;  // position in the file, 0-based
};

// Immutable once loaded; safe to read from any thread.
class Roster {
 public:
  static Result<Roster> Parse(std::string_view csv, std::string_view source);
  static Result<Roster> Load(const std::string& path);

  const std::vector<RosterCar>& cars() const { return cars_; }
  const RosterCar* Find(std::string_view id) const;
  const RosterCar* FindBySecret(std::string_view secret) const;
  const RosterCar* lead() const;  // nullptr when the roster names no lead
  // Keeps only the first `count` cars (a simulator driving part of a roster).
  void Truncate(size_t count);

 private:
  std::vector<RosterCar> cars_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, size_t> by_secret_;
};

}  // namespace convoy::proto
