// The hub's tracker session as it reads a connection after the handshake: stream chunks ->
// FrameReader (Prepare/Commit, as proto::ReadFrame does) -> Uplink -> FixBatch (packed entries
// through one FixDecoder per connection, plain fixes checked like TrackerSession::HandleFixes).
// The input's last byte chooses the chunk sizes (mode_byte.h), so frames split at every place.

#include <cstring>
#include <string>
#include <vector>

#include "convoy/v1/convoy.pb.h"
#include "proto/fix.h"
#include "proto/fix_codec.h"
#include "proto/fix_quality.h"
#include "proto/framing.h"
#include "tests/fuzz/mode_byte.h"

namespace {

using namespace convoy;

// As TrackerSession's ToFix: every field of a plain fix must be in range before it is used.
bool ToFix(const v1::Fix& in, proto::Fix* out) {
  out->time_ms = in.time_ms();
  out->lat_e7 = in.lat_e7();
  out->lon_e7 = in.lon_e7();
  out->altitude_dm = in.altitude_dm();
  out->speed_cmps = in.speed_cmps();
  out->course_cdeg = in.course_cdeg();
  out->hdop_c = in.hdop_c();
  out->satellites = in.satellites();
  out->quality = static_cast<proto::FixQuality>(in.quality());
  return in.quality() >= 0 && in.quality() <= proto::kMaxFixQuality && proto::InRange(*out);
}

// Returns false when the session would close the connection.
bool HandleFixes(const v1::FixBatch& batch, proto::FixDecoder& decoder,
                 std::vector<proto::SequencedFix>& decoded) {
  decoded.clear();
  if (!batch.packed().empty() && !decoder.Decode(batch.packed(), &decoded).ok()) return false;
  for (const v1::SequencedFix& plain : batch.fixes()) {
    proto::SequencedFix fix{plain.seq(), {}};
    if (!ToFix(plain.fix(), &fix.fix)) return false;
    decoder.Observe(fix);
    decoded.push_back(fix);
  }
  for (const proto::SequencedFix& fix : decoded) {
    if (fix.seq == 0) return false;
    // Whatever the decoder hands out must be a fix the journal can encode again.
    if (!proto::InRange(fix.fix)) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const convoy::fuzz::ModeAndBytes input = convoy::fuzz::SplitModeByte(data, size);
  const uint8_t chunking = input.mode;
  const std::string& stream = input.bytes;

  proto::FrameReader reader;
  proto::FixDecoder decoder;
  std::vector<proto::SequencedFix> decoded;
  size_t offset = 0;
  size_t step = 0;
  while (offset < stream.size()) {
    // Chunk sizes 1..256 from the chunking byte and the position; 0 means "all at once".
    size_t want = chunking == 0 ? stream.size() : 1 + (chunking * (step + 1) * 7919u) % 256;
    ++step;
    size_t room = 0;
    char* area = reader.Prepare(512, &room);
    const size_t n = std::min({room, want, stream.size() - offset});
    std::memcpy(area, stream.data() + offset, n);
    reader.Commit(n);
    offset += n;
    for (;;) {
      std::string_view frame;
      const auto outcome = reader.Next(&frame);
      if (outcome == proto::FrameReader::Outcome::kNeedMore) break;
      if (outcome != proto::FrameReader::Outcome::kFrame) return 0;  // the session closes
      if (frame.size() > proto::kMaxFrameBytes) __builtin_trap();
      v1::Uplink message;
      if (!message.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) return 0;
      if (message.has_fixes() && !HandleFixes(message.fixes(), decoder, decoded)) return 0;
    }
    if (reader.buffered_bytes() == 0) reader.Shrink();
  }
  return 0;
}
