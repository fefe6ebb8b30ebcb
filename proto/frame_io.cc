#include "proto/frame_io.h"

namespace convoy::proto {
std::string FrameReadResult::Describe() const {
  switch (status) {
    case kOk:
      return "ok";
    case kClosed:
      return "connection closed: " + error.message();
    case kTooLarge:
      return "frame larger than " + std::to_string(kMaxFrameBytes) + " bytes";
    case kBadLength:
      return "malformed frame length (not the Convoy protocol?)";
    case kMalformed:
      return "malformed frame of " + std::to_string(frame_bytes) + " bytes";
  }
  return "unknown";
}

asio::awaitable<FrameReadResult> ReadFrame(asio::ip::tcp::socket& socket, FrameReader& reader,
                                           google::protobuf::MessageLite* message) {
  for (;;) {
    std::string_view frame;
    switch (reader.Next(&frame)) {
      case FrameReader::Outcome::kFrame:
        if (!message->ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
          co_return FrameReadResult{FrameReadResult::kMalformed, {}, frame.size()};
        }
        co_return FrameReadResult{FrameReadResult::kOk, {}, frame.size()};
      case FrameReader::Outcome::kTooLarge:
        co_return FrameReadResult{FrameReadResult::kTooLarge, {}, 0};
      case FrameReader::Outcome::kBadLength:
        co_return FrameReadResult{FrameReadResult::kBadLength, {}, 0};
      case FrameReader::Outcome::kNeedMore:
        break;
    }
    // Idle between frames: give back what a large frame needed.
    if (reader.buffered_bytes() == 0) reader.Shrink();
    size_t room = 0;
    char* area = reader.Prepare(512, &room);
    boost::system::error_code ec;
    const size_t n = co_await socket.async_read_some(asio::buffer(area, room), NoThrow(ec));
    reader.Commit(ec ? 0 : n);
    if (ec) co_return FrameReadResult{FrameReadResult::kClosed, ec};
  }
}

asio::awaitable<boost::system::error_code> WriteBytes(asio::ip::tcp::socket& socket,
                                                      const std::string& bytes) {
  boost::system::error_code ec;
  co_await asio::async_write(socket, asio::buffer(bytes), NoThrow(ec));
  co_return ec;
}

}  // namespace convoy::proto
