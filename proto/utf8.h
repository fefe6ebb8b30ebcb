// UTF-8 as the outside world sends it: one strict decoder for every reader and writer of text
// (JSON, the roster, the staff list, radio texts), so that they agree on what is valid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace convoy::proto {

// Length (1-4) of the well-formed UTF-8 sequence starting at text[i], or 0 when there is none:
// no overlong forms, no surrogates, nothing above U+10FFFF, no sequence cut by the end of text.
// `code`, when given, gets the code point. i < text.size().
size_t Utf8Sequence(std::string_view text, size_t i, uint32_t* code = nullptr);

// True when all of `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

}  // namespace convoy::proto
