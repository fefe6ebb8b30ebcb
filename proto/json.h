// A small, strict JSON reader for what comes from outside: the Traccar Client's reports, gpsd's
// report lines, the staff page's requests and WebSocket messages (objects of a few dozen members).
// The bytes come from anyone who can reach a port, or from another program that may be cut off
// mid-line, so the reader accepts RFC 8259 JSON only: valid UTF-8, no trailing commas, no
// comments, bounded nesting. It never throws and reports where it stopped ("JSON byte 17:
// expected ':'").
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/result.h"
#include "proto/utf8.h"  // IsValidUtf8, for the JSON reader's users

namespace convoy::proto {

// A parsed JSON value. Objects keep their members in document order (a duplicate key is kept
// twice; Find returns the last, as most readers do). Thread-compatible.
struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  // kString: the decoded text (valid UTF-8). kNumber: the number as written ("12", "1.345"), so
  // that attributes keep integers as integers.
  std::string text;
  std::vector<JsonValue> items;   // kArray elements; kObject member values
  std::vector<std::string> keys;  // kObject member names, parallel to items

  bool is_object() const { return kind == Kind::kObject; }
  // The last member named `key` of an object; nullptr when absent or not an object.
  const JsonValue* Find(std::string_view key) const;
  // That member's number or string; nullopt when absent or of another kind.
  std::optional<double> Number(std::string_view key) const;
  std::optional<std::string_view> String(std::string_view key) const;
};

// Nesting deeper than this is refused: the phone's reports and gpsd's nest three levels.
inline constexpr size_t kMaxJsonDepth = 16;

// Parses exactly one JSON value, surrounded by optional whitespace. Cost: linear in the input.
Result<JsonValue> ParseJson(std::string_view text);

}  // namespace convoy::proto
