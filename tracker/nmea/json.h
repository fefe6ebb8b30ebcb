// A small, strict JSON reader for gpsd's reports: one object per line, parsed into a tree.
//
// gpsd's JSON is simple, but the bytes come over a network from another program: a line may be
// cut off when gpsd restarts, and nothing guarantees it is well formed. The reader accepts
// RFC 8259 JSON only, limits nesting depth, and reports where it stopped. It never throws.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/result.h"

namespace convoy::tracker::nmea {

// A parsed JSON value. Cheap enough for gpsd's objects (a few dozen members). Thread-compatible.
struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue, std::less<>> object;

  // Member lookups on an object; nullopt when absent or of another kind.
  const JsonValue* Find(std::string_view key) const;
  std::optional<double> Number(std::string_view key) const;
  std::optional<std::string_view> String(std::string_view key) const;
};

// Parses exactly one JSON value (surrounding whitespace allowed). Errors say where:
// "offset 17: expected ':'".
Result<JsonValue> ParseJson(std::string_view text);

}  // namespace convoy::tracker::nmea
