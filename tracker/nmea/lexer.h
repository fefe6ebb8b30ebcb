// NMEA 0183 framing: finds "$<address>,<fields>*hh" sentences in a byte stream from a receiver
// and rejects everything else, counting each rejection by its reason.
//
// A receiver's stream is not clean text: cold boot prints garbage, u-blox interleaves UBX
// binary, a serial line drops bytes, and a capture ends mid-sentence. The lexer accepts a
// sentence only whole: '$', printable ASCII, '*', two hex digits, then CR or LF, with the XOR of
// the bytes between '$' and '*' equal to the two digits. It never hands out a half-read one.
//
// Deliberate differences from gpsd's packet lexer: a sentence without a checksum is rejected
// (gpsd accepts it), and only '$' sentences are recognised (no '!' AIS, no binary protocols;
// their bytes count as noise).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace convoy::tracker::nmea {

// Why a sentence was rejected. Counted, never thrown.
enum class Reject : uint8_t {
  kNoChecksum = 0,  // a line ended with no '*hh' ("$GPTXT,TELIT SW Version")
  kBadChecksum,     // '*hh' present but wrong, or not two hex digits
  kCutShort,        // the stream ended, or the line ended, inside the checksum ("...*5")
  kMerged,          // another '$' started before this sentence ended: two sentences run together
  kBinary,          // a byte outside printable ASCII inside the sentence (binary, line noise)
  kTooLong,         // longer than kMaxSentenceChars without ending
  kBadAddress,      // the address field is not 2..8 upper-case letters or digits ("$,1,2*hh")
};
inline constexpr size_t kRejectKinds = 7;
const char* RejectName(Reject reason);

struct LexerStats {
  uint64_t accepted = 0;
  std::array<uint64_t, kRejectKinds> rejected{};
  // Bytes outside any sentence: line ends, binary protocols, garbage before a '$'.
  uint64_t noise_bytes = 0;

  uint64_t rejected_total() const;
  uint64_t rejected_for(Reject reason) const { return rejected[static_cast<size_t>(reason)]; }
};

// Splits a byte stream into sentences. Chunk boundaries are arbitrary: a sentence may arrive one
// byte at a time. Not thread-safe. Cost: O(bytes), no allocation.
class Lexer {
 public:
  // From '$' to the second checksum digit. NMEA says 82 with CR LF; real receivers (Skytraq
  // $PSTI, Trimble 8-decimal minutes) send up to 100, and gpsd's limit is 102.
  static constexpr size_t kMaxSentenceChars = 102;

  // Calls on_sentence(std::string_view sentence) for each accepted sentence, in order. The view
  // is "$GPRMC,...*hh" without the line end, and is valid only during the call.
  template <class OnSentence>
  void Feed(std::string_view bytes, OnSentence&& on_sentence);

  // The stream has ended: a sentence still open is rejected as cut short.
  void Finish();

  const LexerStats& stats() const { return stats_; }

 private:
  enum class State : uint8_t { kIdle, kBody, kStar, kHex1, kHex2 };

  void RejectOpen(Reject reason) {
    ++stats_.rejected[static_cast<size_t>(reason)];
    state_ = State::kIdle;
  }
  // A sentence broken off by a '$', a binary byte or a line end. Binary protocols contain '$'
  // (0x24) by chance; one broken off before its address ends was never a sentence: noise.
  void CountAborted(Reject reason) {
    if (std::memchr(buf_.data(), ',', len_) == nullptr &&
        std::memchr(buf_.data(), '*', len_) == nullptr) {
      stats_.noise_bytes += len_;
    } else {
      ++stats_.rejected[static_cast<size_t>(reason)];
    }
  }
  // Classifies a complete "$...*hh" in buf_; returns true when it is acceptable.
  bool CheckComplete();
  static int HexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  }

  State state_ = State::kIdle;
  size_t len_ = 0;
  uint8_t sum_ = 0;  // XOR of the bytes after '$' up to '*'
  LexerStats stats_;
  std::array<char, kMaxSentenceChars> buf_{};
};

template <class OnSentence>
void Lexer::Feed(std::string_view bytes, OnSentence&& on_sentence) {
  const char* p = bytes.data();
  const char* const end = p + bytes.size();
  while (p != end) {
    if (state_ == State::kIdle) {
      // Skip to the next '$'; everything before it is noise.
      const char* dollar = static_cast<const char*>(std::memchr(p, '$', end - p));
      if (dollar == nullptr) {
        stats_.noise_bytes += end - p;
        return;
      }
      stats_.noise_bytes += dollar - p;
      p = dollar + 1;
      buf_[0] = '$';
      len_ = 1;
      sum_ = 0;
      state_ = State::kBody;
      continue;
    }
    const char c = *p++;
    if (c == '\r' || c == '\n') {
      if (state_ == State::kBody) {
        CountAborted(Reject::kNoChecksum);
        state_ = State::kIdle;
      } else if (state_ == State::kHex2) {
        state_ = State::kIdle;
        if (CheckComplete()) {
          ++stats_.accepted;
          on_sentence(std::string_view(buf_.data(), len_));
        }
      } else {
        RejectOpen(Reject::kCutShort);
      }
      ++stats_.noise_bytes;  // the line end itself
      continue;
    }
    if (c == '$') {
      // A new sentence interrupts this one; start over from the new '$'.
      CountAborted(Reject::kMerged);
      buf_[0] = '$';
      len_ = 1;
      sum_ = 0;
      state_ = State::kBody;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
      CountAborted(Reject::kBinary);
      state_ = State::kIdle;
      ++stats_.noise_bytes;
      continue;
    }
    if (len_ == kMaxSentenceChars) {
      RejectOpen(Reject::kTooLong);
      continue;
    }
    buf_[len_++] = c;
    switch (state_) {
      case State::kBody:
        if (c == '*') {
          state_ = State::kStar;
        } else {
          sum_ ^= static_cast<uint8_t>(c);
        }
        break;
      case State::kStar:
        state_ = State::kHex1;
        break;
      case State::kHex1:
        state_ = State::kHex2;
        break;
      case State::kHex2:
        // More text after "*hh": not a checksum we can trust.
        RejectOpen(Reject::kBadChecksum);
        break;
      case State::kIdle:
        break;
    }
  }
}

}  // namespace convoy::tracker::nmea
