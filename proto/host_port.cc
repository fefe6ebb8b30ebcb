#include "proto/host_port.h"

#include <charconv>

namespace convoy::proto {

std::string HostPort::ToString() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<HostPort> ParseHostPort(std::string_view text, std::string_view what) {
  auto fail = [&] {
    return Error{std::string(what) + ": expected HOST:PORT, got '" + std::string(text) + "'"};
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return fail();
  std::string_view host = text.substr(0, colon), port_text = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.back() != ']' || host.size() < 3) return fail();
    host = host.substr(1, host.size() - 2);
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return fail();
  }
  return HostPort{std::string(host), static_cast<uint16_t>(port)};
}

}  // namespace convoy::proto
