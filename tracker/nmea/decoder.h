// The NMEA pipeline in one object: bytes from a receiver in, fixes out.
//   Lexer (framing, checksum) -> Sentence (fields) -> Decode (table) -> FixAssembler (cycles)
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/nmea/assembler.h"
#include "tracker/nmea/decoders.h"
#include "tracker/nmea/lexer.h"

namespace convoy::tracker::nmea {

struct DecoderStats {
  LexerStats lexer;
  AssemblerStats assembler;
  std::array<uint64_t, kSentenceTypes> decoded{};  // by SentenceType
  uint64_t unsupported_type = 0;                   // GSV, TXT, proprietary...: ignored
  uint64_t unsupported_talker = 0;  // a position sentence from a talker we do not trust
  uint64_t too_few_fields = 0;      // a position sentence cut to fewer fields than it needs

  // One line for a log: "accepted 812, rejected 23 (bad-checksum 23), fixes 71, ...".
  std::string Summary() const;
};

// Not thread-safe. Cost: O(bytes); allocates only when *out grows.
class Decoder {
 public:
  explicit Decoder(AssemblerOptions options = {}) : assembler_(options) {}

  // Feeds a chunk of the byte stream (any boundaries). Appends completed fixes to *out.
  void Feed(std::string_view bytes, std::vector<NmeaFix>* out);

  // Optional: sees every accepted sentence before it is decoded (tests, logging).
  template <class F>
  void FeedWithSentences(std::string_view bytes, std::vector<NmeaFix>* out, F&& on_sentence) {
    lexer_.Feed(bytes, [&](std::string_view text) {
      on_sentence(text);
      OnSentence(text, out);
    });
  }

  // End of stream: rejects a half-received sentence and emits the open cycle.
  void Finish(std::vector<NmeaFix>* out);
  // The receiver went quiet: emits the open cycle without waiting for the next one.
  void Flush(std::vector<NmeaFix>* out) { assembler_.Flush(out); }

  DecoderStats stats() const;

 private:
  void OnSentence(std::string_view text, std::vector<NmeaFix>* out);

  Lexer lexer_;
  FixAssembler assembler_;
  DecoderStats counts_;  // the decode counters; lexer and assembler keep their own
};

}  // namespace convoy::tracker::nmea
