// Delta coding of fix streams: the compact form of FixBatch.packed on the wire and of
// JournalFixes.packed on disk. The byte layout is documented in README ("Fix delta coding").
//
// Both ends keep a context (the previous fix and the previous time step). On the wire the context
// lives for one connection and one direction and starts fresh after the handshake; in the
// journal every record starts fresh. An encoder and the decoder of the same stream must see the
// same entries in the same order.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/fix.h"
#include "proto/result.h"

namespace convoy::proto {

struct FixCodecContext {
  SequencedFix previous;
  int64_t previous_step_ms = 1000;
};

// Not thread-safe.
class FixEncoder {
 public:
  // Appends one entry to *out and advances the context. Precondition: InRange(entry.fix).
  void Encode(const SequencedFix& entry, std::string* out);
  void Reset() { context_ = {}; }

 private:
  FixCodecContext context_;
};

// Not thread-safe.
class FixDecoder {
 public:
  // Decodes every entry of `packed`, appending to *out. On error (truncated entry, value out of
  // range, overflow) returns a message naming the byte offset; entries before it are appended,
  // and the context is then unusable: the stream must be dropped.
  Status Decode(std::string_view packed, std::vector<SequencedFix>* out);
  // Advances the context past a fix received in plain form.
  void Observe(const SequencedFix& entry);
  void Reset() { context_ = {}; }

 private:
  FixCodecContext context_;
};

// Varint helpers, shared by the framing. Precondition for Get: *pos <= data.size().
void PutVarint(uint64_t value, std::string* out);
bool GetVarint(std::string_view data, size_t* pos, uint64_t* value);
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

}  // namespace convoy::proto
