// Fuzz inputs that carry a mode: the LAST byte chooses how the target uses the rest (how a stream
// is cut into reads, which side of a handshake speaks), the bytes before it are the input itself.
// An empty input is mode 0 with nothing. The corpora's seeds are laid out this way
// (make_seeds.cc); it is also how libFuzzer's FuzzedDataProvider reads one integer, so seeds and
// crashes found with either stay valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace convoy::fuzz {

struct ModeAndBytes {
  uint8_t mode = 0;
  std::string bytes;
};

inline ModeAndBytes SplitModeByte(const uint8_t* data, size_t size) {
  if (size == 0) return {};
  return {data[size - 1], std::string(reinterpret_cast<const char*>(data), size - 1)};
}

}  // namespace convoy::fuzz
