// The record log: CRC-framed records back to back in a byte stream, shared by the hub's journal
// (hub/journal.h) and the tracker's spool (tracker/spool.h). The byte layout is documented in
// README ("Journal format"); in short, every record is
//
//   offset  size  field
//   0       4     magic    u32 LE, kRecordMagic
//   4       4     crc      u32 LE, CRC-32C (Castagnoli) of the bytes [8, 13 + length)
//   8       4     length   u32 LE, payload bytes, at most kMaxRecordPayload
//   12      1     type     u8, meaning chosen by the user of the log (the journal, the spool)
//   13      N     payload
//
// There is no block structure and no padding: a reader that lost its place (a damaged header, a
// flipped bit, zeros left by a crash) finds the next record by scanning for the magic and
// accepting a candidate only if its length fits and its CRC checks out. A record never spans
// two files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace convoy::proto {

// Bytes D3 A9 C0 E1 on disk: not ASCII, never inside valid UTF-8 text (0xC0 cannot occur
// there), no 0x00 or 0xFF byte (zero-filled or erased blocks), not a small integer in either
// byte order.
constexpr uint32_t kRecordMagic = 0xE1C0A9D3;
constexpr size_t kRecordHeaderBytes = 13;
constexpr uint32_t kMaxRecordPayload = 16u << 20;  // 16 MiB

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of iSCSI, ext4 and
// leveldb. Uses the SSE4.2 crc32 instruction when the CPU has it, slice-by-8 tables otherwise;
// both give the same value. `crc` continues an earlier value (0 to start). Thread-safe.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);
// The table-driven path alone (what Crc32c uses without SSE4.2), so tests can compare the two.
uint32_t Crc32cSoftware(std::string_view data, uint32_t crc = 0);

// Appends one encoded record to *out. Precondition: payload.size() <= kMaxRecordPayload.
// Cost: one pass over the payload (the CRC) plus the copy. Writes exactly
// kRecordHeaderBytes + payload.size() bytes.
void AppendRecord(uint8_t type, std::string_view payload, std::string* out);

// The 13-byte header of a record, for callers that copy the payload themselves (the journal
// encodes outside its lock and appends under it).
struct RecordHeader {
  char bytes[kRecordHeaderBytes];
};
RecordHeader EncodeRecordHeader(uint8_t type, std::string_view payload);

struct Record {
  uint8_t type = 0;
  std::string_view payload;  // points into the reader's input
  uint64_t offset = 0;       // of the record's first byte (its magic), counting from base_offset
};

// A region the reader skipped.
struct RecordDamage {
  uint64_t offset = 0;  // of the first skipped byte, counting from base_offset
  uint64_t bytes = 0;   // skipped
  std::string reason;   // why the record at `offset` was rejected, e.g. "CRC mismatch"
  // True when no valid record follows: the end of a file cut by a crash (or being written).
  // False for damage in the middle, after which the reader resumed.
  bool torn_tail = false;
  // With torn_tail: the bytes are the start of a plausible record cut short (a header prefix
  // with the right magic, or a full header whose payload runs past the end): what a reader sees
  // while a writer is halfway through an append. False for zeros, garbage or a failed CRC.
  bool incomplete = false;
};

using RecordDamageCallback = std::function<void(const RecordDamage&)>;

// Iterates over the records in a byte range. Damage is reported through the callback (if any)
// and skipped; the reader then resumes at the next valid record. Not thread-safe; the input
// must outlive the reader and the Records it returns.
//
// Cost: O(input) for clean input. After damage each magic-shaped candidate is checked, which is
// O(candidate length) only when its length fits in the rest of the input.
class RecordReader {
 public:
  // base_offset is added to every reported offset (the position of `data` in its file).
  explicit RecordReader(std::string_view data, RecordDamageCallback on_damage = nullptr,
                        uint64_t base_offset = 0);

  // Fills *record with the next valid record and returns true, or returns false at the end.
  bool Next(Record* record);

  // Offset just past the last valid record returned so far (base_offset at the start). After
  // Next() returned false, this is where a torn tail (if any) begins: truncate the file here.
  uint64_t valid_end() const { return base_offset_ + valid_end_; }

  // Bytes skipped so far as damage (middle and torn tail).
  uint64_t skipped_bytes() const { return skipped_bytes_; }

 private:
  // Why the record at `pos` is not valid, or empty when it is. Sets *incomplete when the bytes
  // are a prefix of a plausible record.
  std::string_view Check(size_t pos, bool* incomplete) const;
  size_t RecordEnd(size_t pos) const;

  std::string_view data_;
  RecordDamageCallback on_damage_;
  uint64_t base_offset_;
  size_t pos_ = 0;
  size_t valid_end_ = 0;
  uint64_t skipped_bytes_ = 0;
};

}  // namespace convoy::proto
