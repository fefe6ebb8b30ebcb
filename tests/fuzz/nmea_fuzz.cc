// The tracker's NMEA pipeline (lexer, sentence fields, decoder table, cycle assembler) on a
// receiver's byte stream cut into arbitrary chunks, then every fix converted to proto::Fix.

#include <string>
#include <vector>

#include "proto/fix.h"
#include "tests/fuzz/mode_byte.h"
#include "tracker/nmea/decoder.h"

namespace nmea = convoy::tracker::nmea;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const convoy::fuzz::ModeAndBytes input = convoy::fuzz::SplitModeByte(data, size);
  const uint8_t chunking = input.mode;
  const std::string& stream = input.bytes;
  nmea::Decoder decoder;
  std::vector<nmea::NmeaFix> fixes;
  size_t offset = 0;
  for (size_t step = 1; offset < stream.size(); ++step) {
    const size_t want = chunking == 0 ? stream.size() : 1 + (chunking * step * 7919u) % 128;
    const size_t n = std::min(want, stream.size() - offset);
    decoder.Feed(std::string_view(stream).substr(offset, n), &fixes);
    offset += n;
    if (chunking % 7 == 1) decoder.Flush(&fixes);  // the receiver went quiet for a moment
  }
  decoder.Finish(&fixes);
  for (const nmea::NmeaFix& fix : fixes) {
    // ToProtoFix promises to clamp: whatever a receiver says must give a fix the spool takes.
    if (!convoy::proto::InRange(nmea::ToProtoFix(fix))) __builtin_trap();
  }
  (void)decoder.stats().Summary();
  return 0;
}
