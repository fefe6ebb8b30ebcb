// Framing of the Convoy protocol over a byte stream (TCP): each frame is a varint length
// (1 to 3 bytes) followed by that many bytes of a serialized convoy.v1.Uplink or
// convoy.v1.Downlink. See README ("Wire protocol").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <google/protobuf/message_lite.h>

namespace convoy::proto {

constexpr uint32_t kProtocolVersion = 1;
// The largest frame body either side accepts; a larger length prefix is a protocol error.
constexpr size_t kMaxFrameBytes = 256 * 1024;

// Appends the length prefix and the serialized message to *out.
void AppendFrame(const google::protobuf::MessageLite& message, std::string* out);

// Reassembles frames from stream chunks. Not thread-safe. Memory is bounded by
// kMaxFrameBytes plus one read chunk.
class FrameReader {
 public:
  enum class Outcome { kFrame, kNeedMore, kTooLarge, kBadLength };

  // Appends received bytes.
  void Feed(std::string_view bytes);
  // For reading straight into the buffer: a writable area at the end of at least min_bytes
  // (more when a large frame is partly read), then Commit() the bytes actually read.
  char* Prepare(size_t min_bytes, size_t* size);
  void Commit(size_t bytes);
  // Gives back memory after a large frame; call when idle.
  void Shrink();
  // Extracts the next complete frame body into *frame (valid until the next Feed or Next).
  // kTooLarge and kBadLength are final: close the connection.
  Outcome Next(std::string_view* frame);
  size_t buffered_bytes() const { return buffer_.size() - consumed_; }

 private:
  void Compact();

  std::string buffer_;
  size_t consumed_ = 0;
  size_t prepared_from_ = 0;
};

}  // namespace convoy::proto
