#include "proto/framing.h"

#include <algorithm>

#include "proto/fix_codec.h"

namespace convoy::proto {

void AppendFrame(const google::protobuf::MessageLite& message, std::string* out) {
  const size_t size = message.ByteSizeLong();
  PutVarint(size, out);
  const size_t start = out->size();
  out->resize(start + size);
  message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(out->data() + start));
}

void FrameReader::Compact() {
  // Lazily: move the unread tail to the front only when most of the buffer is spent.
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
}

void FrameReader::Feed(std::string_view bytes) {
  Compact();
  buffer_.append(bytes);
}

char* FrameReader::Prepare(size_t min_bytes, size_t* size) {
  Compact();
  size_t want = min_bytes;
  // When a frame's length is known, read the rest of it in one go (up to 64 KiB at a time).
  const std::string_view pending = std::string_view(buffer_).substr(consumed_);
  uint64_t length = 0;
  size_t pos = 0;
  if (GetVarint(pending, &pos, &length) && length <= kMaxFrameBytes &&
      pos + length > pending.size()) {
    want = std::max<size_t>(want, std::min<size_t>(pos + length - pending.size(), 64 * 1024));
  }
  prepared_from_ = buffer_.size();
  buffer_.resize(prepared_from_ + want);
  *size = want;
  return buffer_.data() + prepared_from_;
}

void FrameReader::Commit(size_t bytes) { buffer_.resize(prepared_from_ + bytes); }

void FrameReader::Shrink() {
  if (buffer_.capacity() <= 4096) return;
  std::string(buffer_.substr(consumed_)).swap(buffer_);
  consumed_ = 0;
}

FrameReader::Outcome FrameReader::Next(std::string_view* frame) {
  const std::string_view pending = std::string_view(buffer_).substr(consumed_);
  uint64_t length = 0;
  size_t pos = 0;
  if (!GetVarint(pending, &pos, &length)) {
    // Either the prefix is incomplete, or it is longer than any valid one.
    return pending.size() >= 4 ? Outcome::kBadLength : Outcome::kNeedMore;
  }
  if (pos > 3) return Outcome::kBadLength;
  if (length > kMaxFrameBytes) return Outcome::kTooLarge;
  if (pending.size() - pos < length) return Outcome::kNeedMore;
  *frame = pending.substr(pos, length);
  consumed_ += pos + length;
  return Outcome::kFrame;
}

}  // namespace convoy::proto
