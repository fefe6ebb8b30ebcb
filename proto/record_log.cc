#include "proto/record_log.h"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace convoy::proto {
namespace {

constexpr uint32_t kCrc32cPolynomial = 0x82F63B78;  // reflected Castagnoli

// kTables[k][b]: the CRC of byte b followed by k zero bytes, for slice-by-8.
constexpr std::array<std::array<uint32_t, 256>, 8> MakeTables() {
  std::array<std::array<uint32_t, 256>, 8> tables{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1) ? kCrc32cPolynomial : 0);
    tables[0][b] = crc;
  }
  for (uint32_t b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) {
      const uint32_t previous = tables[k - 1][b];
      tables[k][b] = (previous >> 8) ^ tables[0][previous & 0xFF];
    }
  }
  return tables;
}
constexpr auto kTables = MakeTables();

inline uint32_t LoadLe32(const unsigned char* p) {
  return uint32_t{p[0]} | (uint32_t{p[1]} << 8) | (uint32_t{p[2]} << 16) | (uint32_t{p[3]} << 24);
}

inline void StoreLe32(uint32_t value, char* p) {
  p[0] = static_cast<char>(value);
  p[1] = static_cast<char>(value >> 8);
  p[2] = static_cast<char>(value >> 16);
  p[3] = static_cast<char>(value >> 24);
}

// Both take and return the raw (not inverted) register.
uint32_t Crc32cPortable(uint32_t crc, const unsigned char* p, size_t n) {
  while (n > 0 && (reinterpret_cast<uintptr_t>(p) & 7) != 0) {
    crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xFF];
    --n;
  }
  while (n >= 8) {
    const uint32_t low = LoadLe32(p) ^ crc;
    const uint32_t high = LoadLe32(p + 4);
    crc = kTables[7][low & 0xFF] ^ kTables[6][(low >> 8) & 0xFF] ^ kTables[5][(low >> 16) & 0xFF] ^
          kTables[4][low >> 24] ^ kTables[3][high & 0xFF] ^ kTables[2][(high >> 8) & 0xFF] ^
          kTables[1][(high >> 16) & 0xFF] ^ kTables[0][high >> 24];
    p += 8;
    n -= 8;
  }
  while (n-- > 0) crc = (crc >> 8) ^ kTables[0][(crc ^ *p++) & 0xFF];
  return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) uint32_t Crc32cHardware(uint32_t crc, const unsigned char* p,
                                                          size_t n) {
  uint64_t crc64 = crc;
  while (n >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    crc64 = _mm_crc32_u64(crc64, word);
    p += 8;
    n -= 8;
  }
  crc = static_cast<uint32_t>(crc64);
  if (n >= 4) {
    uint32_t word;
    std::memcpy(&word, p, 4);
    crc = _mm_crc32_u32(crc, word);
    p += 4;
    n -= 4;
  }
  while (n-- > 0) crc = _mm_crc32_u8(crc, *p++);
  return crc;
}

bool HasSse42() {
  static const bool has = __builtin_cpu_supports("sse4.2");
  return has;
}
#endif

std::string_view Reason(const char* text) { return text; }

}  // namespace

uint32_t Crc32c(std::string_view data, uint32_t crc) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  crc = ~crc;
#if defined(__x86_64__)
  if (HasSse42()) return ~Crc32cHardware(crc, p, data.size());
#endif
  return ~Crc32cPortable(crc, p, data.size());
}

uint32_t Crc32cSoftware(std::string_view data, uint32_t crc) {
  return ~Crc32cPortable(~crc, reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

RecordHeader EncodeRecordHeader(uint8_t type, std::string_view payload) {
  RecordHeader header;
  StoreLe32(kRecordMagic, header.bytes);
  StoreLe32(static_cast<uint32_t>(payload.size()), header.bytes + 8);
  header.bytes[12] = static_cast<char>(type);
  const uint32_t crc = Crc32c(payload, Crc32c(std::string_view(header.bytes + 8, 5)));
  StoreLe32(crc, header.bytes + 4);
  return header;
}

void AppendRecord(uint8_t type, std::string_view payload, std::string* out) {
  const RecordHeader header = EncodeRecordHeader(type, payload);
  out->append(header.bytes, kRecordHeaderBytes);
  out->append(payload);
}

RecordReader::RecordReader(std::string_view data, RecordDamageCallback on_damage,
                           uint64_t base_offset)
    : data_(data), on_damage_(std::move(on_damage)), base_offset_(base_offset) {}

std::string_view RecordReader::Check(size_t pos, bool* incomplete) const {
  *incomplete = false;
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data()) + pos;
  const size_t left = data_.size() - pos;
  char magic[4];
  StoreLe32(kRecordMagic, magic);
  if (std::memcmp(p, magic, left < 4 ? left : 4) != 0) return Reason("bad magic");
  if (left >= 12 && LoadLe32(p + 8) > kMaxRecordPayload) {
    return Reason("length field exceeds the 16 MiB maximum");
  }
  if (left < kRecordHeaderBytes) {
    *incomplete = true;
    return Reason("header cut short");
  }
  const uint32_t length = LoadLe32(p + 8);
  if (length > left - kRecordHeaderBytes) {
    *incomplete = true;
    return Reason("payload runs past the end");
  }
  const uint32_t crc =
      Crc32c(std::string_view(reinterpret_cast<const char*>(p) + 8, 5 + size_t{length}));
  if (crc != LoadLe32(p + 4)) return Reason("CRC mismatch");
  return {};
}

size_t RecordReader::RecordEnd(size_t pos) const {
  const auto* p = reinterpret_cast<const unsigned char*>(data_.data()) + pos;
  return pos + kRecordHeaderBytes + LoadLe32(p + 8);
}

bool RecordReader::Next(Record* record) {
  while (pos_ < data_.size()) {
    bool incomplete = false;
    const std::string_view why = Check(pos_, &incomplete);
    if (why.empty()) {
      const auto* p = reinterpret_cast<const unsigned char*>(data_.data()) + pos_;
      record->type = p[12];
      record->payload = data_.substr(pos_ + kRecordHeaderBytes, LoadLe32(p + 8));
      record->offset = base_offset_ + pos_;
      pos_ = RecordEnd(pos_);
      valid_end_ = pos_;
      return true;
    }
    // Resynchronise: the next magic whose record checks out. A magic inside the damaged region
    // that does not check out is part of the damage.
    const char first = static_cast<char>(kRecordMagic & 0xFF);
    size_t next = pos_ + 1;
    bool found = false;
    while (next < data_.size()) {
      const void* hit = std::memchr(data_.data() + next, first, data_.size() - next);
      if (hit == nullptr) break;
      next = static_cast<const char*>(hit) - data_.data();
      bool candidate_incomplete = false;
      if (Check(next, &candidate_incomplete).empty()) {
        found = true;
        break;
      }
      ++next;
    }
    RecordDamage damage;
    damage.offset = base_offset_ + pos_;
    damage.bytes = (found ? next : data_.size()) - pos_;
    damage.reason = std::string(why);
    damage.torn_tail = !found;
    damage.incomplete = !found && incomplete;
    skipped_bytes_ += damage.bytes;
    pos_ = found ? next : data_.size();
    if (on_damage_) on_damage_(damage);
  }
  return false;
}

}  // namespace convoy::proto
