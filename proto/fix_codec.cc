#include "proto/fix_codec.h"

#include <limits>

namespace convoy::proto {
namespace {

// Entry header bits. A field whose bit is clear is unchanged from the previous entry.
enum : uint8_t {
  kSeqJump = 1 << 0,     // seq is not previous + 1: a zigzag delta follows
  kAltitude = 1 << 1,    // zigzag altitude delta follows
  kSpeed = 1 << 2,       // zigzag speed delta follows
  kCourse = 1 << 3,      // zigzag course delta follows, wrapped into [-18000, 18000)
  kHdop = 1 << 4,        // hdop follows, absolute
  kSatellites = 1 << 5,  // satellites follow, absolute
  kQuality = 1 << 6,     // quality follows, absolute
};

int32_t WrappedCourseDelta(uint32_t from, uint32_t to) {
  int32_t delta = static_cast<int32_t>(to) - static_cast<int32_t>(from);
  if (delta >= 18000) delta -= 36000;
  if (delta < -18000) delta += 36000;
  return delta;
}

}  // namespace

void PutVarint(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

bool GetVarint(std::string_view data, size_t* pos, uint64_t* value) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && *pos < data.size(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(data[(*pos)++]);
    if (shift == 63 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (byte < 0x80) {
      *value = result;
      return true;
    }
  }
  return false;
}

void FixEncoder::Encode(const SequencedFix& entry, std::string* out) {
  const Fix& prev = context_.previous.fix;
  const Fix& fix = entry.fix;
  uint8_t header = 0;
  if (entry.seq != context_.previous.seq + 1) header |= kSeqJump;
  if (fix.altitude_dm != prev.altitude_dm) header |= kAltitude;
  if (fix.speed_cmps != prev.speed_cmps) header |= kSpeed;
  if (fix.course_cdeg != prev.course_cdeg) header |= kCourse;
  if (fix.hdop_c != prev.hdop_c) header |= kHdop;
  if (fix.satellites != prev.satellites) header |= kSatellites;
  if (fix.quality != prev.quality) header |= kQuality;

  out->push_back(static_cast<char>(header));
  if (header & kSeqJump) {
    PutVarint(ZigZag(static_cast<int64_t>(entry.seq - context_.previous.seq)), out);
  }
  const int64_t step_ms = fix.time_ms - prev.time_ms;
  PutVarint(ZigZag(step_ms - context_.previous_step_ms), out);
  PutVarint(ZigZag(int64_t{fix.lat_e7} - prev.lat_e7), out);
  PutVarint(ZigZag(int64_t{fix.lon_e7} - prev.lon_e7), out);
  if (header & kAltitude) PutVarint(ZigZag(int64_t{fix.altitude_dm} - prev.altitude_dm), out);
  if (header & kSpeed) PutVarint(ZigZag(int64_t{fix.speed_cmps} - prev.speed_cmps), out);
  if (header & kCourse)
    PutVarint(ZigZag(WrappedCourseDelta(prev.course_cdeg, fix.course_cdeg)), out);
  if (header & kHdop) PutVarint(fix.hdop_c, out);
  if (header & kSatellites) PutVarint(fix.satellites, out);
  if (header & kQuality) PutVarint(static_cast<uint8_t>(fix.quality), out);

  context_.previous_step_ms = step_ms;
  context_.previous = entry;
}

void FixDecoder::Observe(const SequencedFix& entry) {
  context_.previous_step_ms = entry.fix.time_ms - context_.previous.fix.time_ms;
  context_.previous = entry;
}

Status FixDecoder::Decode(std::string_view packed, std::vector<SequencedFix>* out) {
  size_t pos = 0;
  while (pos < packed.size()) {
    const size_t entry_offset = pos;
    auto fail = [&](const char* what) {
      return Error{"fix entry at byte " + std::to_string(entry_offset) + ": " + what};
    };
    const uint8_t header = static_cast<uint8_t>(packed[pos++]);
    if (header & 0x80) return fail("unknown header bit");
    const SequencedFix& prev = context_.previous;
    SequencedFix entry = prev;
    uint64_t raw = 0;
    auto next_signed = [&](int64_t* value) {
      if (!GetVarint(packed, &pos, &raw)) return false;
      *value = UnZigZag(raw);
      return true;
    };
    int64_t seq_delta = 1, step_change = 0, lat_delta = 0, lon_delta = 0;
    if ((header & kSeqJump) && !next_signed(&seq_delta)) return fail("truncated seq");
    if (!next_signed(&step_change) || !next_signed(&lat_delta) || !next_signed(&lon_delta)) {
      return fail("truncated position");
    }
    // Bound every step so that adding it cannot overflow; a real stream never comes close.
    constexpr int64_t kMaxStep = int64_t{1} << 50;
    if (step_change > kMaxStep || step_change < -kMaxStep || seq_delta > kMaxStep ||
        seq_delta < -kMaxStep) {
      return fail("step out of range");
    }
    const int64_t step_ms = context_.previous_step_ms + step_change;
    const int64_t time_ms = prev.fix.time_ms + step_ms;
    if (step_ms > kMaxStep || step_ms < -kMaxStep || time_ms < 0 || time_ms > kMaxStep) {
      return fail("time out of range");
    }
    entry.seq = prev.seq + static_cast<uint64_t>(seq_delta);
    entry.fix.time_ms = time_ms;
    const int64_t lat = prev.fix.lat_e7 + lat_delta, lon = prev.fix.lon_e7 + lon_delta;
    if (lat < -900'000'000 || lat > 900'000'000 || lon < -1'800'000'000 || lon > 1'800'000'000) {
      return fail("position out of range");
    }
    entry.fix.lat_e7 = static_cast<int32_t>(lat);
    entry.fix.lon_e7 = static_cast<int32_t>(lon);
    int64_t delta = 0;
    if (header & kAltitude) {
      if (!next_signed(&delta)) return fail("truncated altitude");
      const int64_t altitude = prev.fix.altitude_dm + delta;
      if (altitude < -1'000'000 || altitude > 10'000'000) return fail("altitude out of range");
      entry.fix.altitude_dm = static_cast<int32_t>(altitude);
    }
    if (header & kSpeed) {
      if (!next_signed(&delta)) return fail("truncated speed");
      const int64_t speed = int64_t{prev.fix.speed_cmps} + delta;
      if (speed < 0 || speed > 100'000'000) return fail("speed out of range");
      entry.fix.speed_cmps = static_cast<uint32_t>(speed);
    }
    if (header & kCourse) {
      if (!next_signed(&delta)) return fail("truncated course");
      if (delta < -18000 || delta >= 18000) return fail("course step out of range");
      entry.fix.course_cdeg = static_cast<uint32_t>((prev.fix.course_cdeg + 36000 + delta) % 36000);
    }
    if (header & kHdop) {
      if (!GetVarint(packed, &pos, &raw) || raw > 100'000) return fail("bad hdop");
      entry.fix.hdop_c = static_cast<uint32_t>(raw);
    }
    if (header & kSatellites) {
      if (!GetVarint(packed, &pos, &raw) || raw > 1000) return fail("bad satellites");
      entry.fix.satellites = static_cast<uint32_t>(raw);
    }
    if (header & kQuality) {
      if (!GetVarint(packed, &pos, &raw) || raw > kMaxFixQuality) return fail("bad quality");
      entry.fix.quality = static_cast<FixQuality>(raw);
    }
    context_.previous_step_ms = step_ms;
    context_.previous = entry;
    out->push_back(entry);
  }
  return Status::Ok();
}

}  // namespace convoy::proto
