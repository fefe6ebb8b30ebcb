#include "hub/replay/query.h"

#include <charconv>

namespace convoy::hub::replay {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      const int hi = i + 2 < text.size() ? HexDigit(text[i + 1]) : -1;
      const int lo = i + 2 < text.size() ? HexDigit(text[i + 2]) : -1;
      if (i + 2 >= text.size() || hi < 0 || lo < 0) {
        return Error{"bad %-escape in '" + std::string(text) + "'"};
      }
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

Result<Query> Query::Parse(std::string_view query,
                           std::initializer_list<std::string_view> allowed) {
  Query parsed;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = Decode(pair.substr(0, eq));
    if (!name.ok()) return name.status();
    auto value = Decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value.ok()) return value.status();
    bool known = false;
    for (std::string_view a : allowed) known = known || a == *name;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      return Error{"unknown parameter '" + *name + "' (this call takes " +
                   (list.empty() ? std::string("none") : list) + ")"};
    }
    if (!parsed.values_.emplace(*name, *value).second) {
      return Error{"parameter '" + *name + "' given twice"};
    }
  }
  return parsed;
}

std::optional<std::string> Query::Text(std::string_view name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Result<std::optional<int64_t>> Query::Int(std::string_view name, std::string_view what,
                                          bool required) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    if (required) return Error{std::string(name) + " is required (" + std::string(what) + ")"};
    return std::optional<int64_t>();
  }
  const std::string& text = it->second;
  int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return Error{std::string(name) + ": expected " + std::string(what) + ", got '" + text + "'"};
  }
  return std::optional<int64_t>(value);
}

}  // namespace convoy::hub::replay
