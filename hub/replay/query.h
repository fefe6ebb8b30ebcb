// The replay API's query strings: "t=1716015600000&car=car07". Strict, so that a typo is a 400
// with a message rather than a silently ignored parameter. Thread-safe (plain functions).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "proto/result.h"

namespace convoy::hub::replay {

class Query {
 public:
  // Splits on '&' and '=', percent-decodes names and values ('+' is a space). Errors: a
  // parameter given twice, a bad %-escape, a parameter not in `allowed` (the message lists them).
  static Result<Query> Parse(std::string_view query,
                             std::initializer_list<std::string_view> allowed);

  bool has(std::string_view name) const { return values_.count(std::string(name)) > 0; }
  std::optional<std::string> Text(std::string_view name) const;
  // An integer; error "NAME: expected WHAT, got 'x'" when it is not one. Missing: nullopt, or an
  // error "NAME is required" when required.
  Result<std::optional<int64_t>> Int(std::string_view name, std::string_view what,
                                     bool required) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace convoy::hub::replay
