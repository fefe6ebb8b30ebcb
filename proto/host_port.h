// HOST:PORT as people type it on a command line: "localhost:7000", "0.0.0.0:0", "[::1]:7000".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "proto/result.h"

namespace convoy::proto {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string ToString() const;
};

// `what` names the flag in errors ("--hub: expected HOST:PORT, got 'x'").
Result<HostPort> ParseHostPort(std::string_view text, std::string_view what);

}  // namespace convoy::proto
