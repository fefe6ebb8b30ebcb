#include "proto/framing.h"

#include <gtest/gtest.h>

#include "convoy/v1/convoy.pb.h"
#include "proto/fix_codec.h"
#include "proto/handshake.h"

namespace convoy::proto {
namespace {

v1::Uplink Ping(int64_t ms) {
  v1::Uplink message;
  message.mutable_ping()->set_time_ms(ms);
  return message;
}

TEST(FramingTest, ReassemblesFramesSplitAtEveryByte) {
  std::string stream;
  for (int i = 0; i < 5; ++i) AppendFrame(Ping(1'700'000'000'000 + i), &stream);
  FrameReader reader;
  int frames = 0;
  for (char byte : stream) {
    reader.Feed(std::string_view(&byte, 1));
    std::string_view frame;
    while (reader.Next(&frame) == FrameReader::Outcome::kFrame) {
      v1::Uplink message;
      ASSERT_TRUE(message.ParseFromArray(frame.data(), static_cast<int>(frame.size())));
      EXPECT_EQ(message.ping().time_ms(), 1'700'000'000'000 + frames);
      ++frames;
    }
  }
  EXPECT_EQ(frames, 5);
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST(FramingTest, ReadsThroughPrepareAndCommit) {
  std::string stream;
  v1::Uplink big;
  big.mutable_fixes()->set_packed(std::string(100'000, 'x'));
  AppendFrame(big, &stream);
  AppendFrame(Ping(7), &stream);
  FrameReader reader;
  size_t offset = 0;
  std::vector<size_t> sizes;
  while (offset < stream.size()) {
    size_t room = 0;
    char* area = reader.Prepare(512, &room);
    const size_t n = std::min(room, stream.size() - offset);
    std::memcpy(area, stream.data() + offset, n);
    reader.Commit(n);
    offset += n;
    std::string_view frame;
    while (reader.Next(&frame) == FrameReader::Outcome::kFrame) sizes.push_back(frame.size());
  }
  ASSERT_EQ(sizes.size(), 2u);
  EXPECT_GT(sizes[0], 100'000u);
  reader.Shrink();
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST(FramingTest, OversizedLengthIsRefusedBeforeBuffering) {
  std::string prefix;
  PutVarint(kMaxFrameBytes + 1, &prefix);
  FrameReader reader;
  reader.Feed(prefix);
  std::string_view frame;
  EXPECT_EQ(reader.Next(&frame), FrameReader::Outcome::kTooLarge);
}

TEST(FramingTest, GarbageLengthIsABadLength) {
  FrameReader reader;
  reader.Feed("\xff\xff\xff\xff\xff");
  std::string_view frame;
  EXPECT_EQ(reader.Next(&frame), FrameReader::Outcome::kBadLength);
}

TEST(FramingTest, HttpRequestOnTheTrackerPortIsNotAFrameStream) {
  // "GET / HTTP/1.1": 'G' = 71 reads as a 71-byte frame; the reader waits for it, and the
  // protobuf parse of what follows fails. What matters: no crash, bounded memory.
  FrameReader reader;
  reader.Feed("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string_view frame;
  EXPECT_EQ(reader.Next(&frame), FrameReader::Outcome::kNeedMore);
  EXPECT_LT(reader.buffered_bytes(), 100u);
}

TEST(HandshakeTest, MacDependsOnEveryInput) {
  const std::string client = RandomNonce(), hub = RandomNonce();
  ASSERT_EQ(client.size(), kNonceBytes);
  EXPECT_NE(client, hub);
  const std::string mac = HandshakeMac(HandshakeRole::kCar, "s3cret!!", 1, "car1", client, hub);
  EXPECT_EQ(mac.size(), kMacBytes);
  EXPECT_TRUE(
      MacMatches(mac, HandshakeMac(HandshakeRole::kCar, "s3cret!!", 1, "car1", client, hub)));
  EXPECT_FALSE(
      MacMatches(mac, HandshakeMac(HandshakeRole::kHub, "s3cret!!", 1, "car1", client, hub)));
  EXPECT_FALSE(
      MacMatches(mac, HandshakeMac(HandshakeRole::kCar, "s3cret!?", 1, "car1", client, hub)));
  EXPECT_FALSE(
      MacMatches(mac, HandshakeMac(HandshakeRole::kCar, "s3cret!!", 2, "car1", client, hub)));
  EXPECT_FALSE(
      MacMatches(mac, HandshakeMac(HandshakeRole::kCar, "s3cret!!", 1, "car2", client, hub)));
  EXPECT_FALSE(
      MacMatches(mac, HandshakeMac(HandshakeRole::kCar, "s3cret!!", 1, "car1", hub, client)));
  EXPECT_FALSE(MacMatches(mac.substr(0, 16), mac));
}

}  // namespace
}  // namespace convoy::proto
