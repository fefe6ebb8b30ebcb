// Reading and writing whole frames on a TCP socket, for both ends of the link.
#pragma once

#include <string>

#include <google/protobuf/message_lite.h>

#include "proto/asio.h"
#include "proto/framing.h"

namespace convoy::proto {

struct FrameReadResult {
  enum Status { kOk, kClosed, kTooLarge, kBadLength, kMalformed } status = kOk;
  boost::system::error_code error;  // with kClosed: why (eof, reset, aborted by a watchdog)
  size_t frame_bytes = 0;

  bool ok() const { return status == kOk; }
  // For a log line: "connection closed: End of file", "malformed frame of 12 bytes".
  std::string Describe() const;
};

// Reads the next frame into *message, reading from the socket only as needed. The reader keeps
// bytes of following frames. Never throws; a cancelled or closed socket gives kClosed.
asio::awaitable<FrameReadResult> ReadFrame(asio::ip::tcp::socket& socket, FrameReader& reader,
                                           google::protobuf::MessageLite* message);

// Writes `bytes` (one or more frames). Returns the error, if any.
asio::awaitable<boost::system::error_code> WriteBytes(asio::ip::tcp::socket& socket,
                                                      const std::string& bytes);

}  // namespace convoy::proto
