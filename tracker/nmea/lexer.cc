#include "tracker/nmea/lexer.h"

namespace convoy::tracker::nmea {

const char* RejectName(Reject reason) {
  switch (reason) {
    case Reject::kNoChecksum:
      return "no-checksum";
    case Reject::kBadChecksum:
      return "bad-checksum";
    case Reject::kCutShort:
      return "cut-short";
    case Reject::kMerged:
      return "merged";
    case Reject::kBinary:
      return "binary";
    case Reject::kTooLong:
      return "too-long";
    case Reject::kBadAddress:
      return "bad-address";
  }
  return "invalid";
}

uint64_t LexerStats::rejected_total() const {
  uint64_t total = 0;
  for (uint64_t n : rejected) total += n;
  return total;
}

void Lexer::Finish() {
  if (state_ != State::kIdle) RejectOpen(Reject::kCutShort);
}

bool Lexer::CheckComplete() {
  // buf_ holds "$" body "*" h1 h2; sum_ covers the body.
  const int high = HexValue(buf_[len_ - 2]);
  const int low = HexValue(buf_[len_ - 1]);
  if (high < 0 || low < 0 || ((high << 4) | low) != sum_) {
    ++stats_.rejected[static_cast<size_t>(Reject::kBadChecksum)];
    return false;
  }
  // The address runs from after '$' to the first ',' or '*'. Talker sentences have five
  // characters ("GPRMC"); proprietary ones start with 'P' and vary ("PSTI", "PTNLRBA").
  size_t i = 1;
  const size_t body_end = len_ - 3;
  while (i < body_end && buf_[i] != ',') {
    const char c = buf_[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) break;
    ++i;
  }
  const size_t address_len = i - 1;
  const bool ends_cleanly = i == body_end || buf_[i] == ',';
  if (!ends_cleanly || address_len < 2 || address_len > 8) {
    ++stats_.rejected[static_cast<size_t>(Reject::kBadAddress)];
    return false;
  }
  return true;
}

}  // namespace convoy::tracker::nmea
