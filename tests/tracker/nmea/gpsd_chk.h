// Test helpers: read a gpsd regression log (tests/data/nmea-gpsd/*.log) the way gpsfake sends
// it, and the expected output gpsd produced for it (*.log.chk).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "tracker/nmea/sentence.h"

namespace convoy::tracker::nmea::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    lines.emplace_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

// The bytes gpsfake writes for a log: header lines ('#' at the start of a line) dropped. When
// the header declares a delay cookie ("# Delay-Cookie: | 0.01"), the cookie is removed and the
// log is returned as the chunks it separates (gpsfake's write boundaries).
inline std::vector<std::string> GpsfakeChunks(const std::string& log) {
  std::string body;
  std::string cookie;
  size_t start = 0;
  while (start < log.size()) {
    size_t nl = log.find('\n', start);
    const size_t end = nl == std::string::npos ? log.size() : nl + 1;
    std::string_view line(log.data() + start, end - start);
    if (!line.empty() && line[0] == '#') {
      constexpr std::string_view kCookie = "# Delay-Cookie: ";
      if (line.substr(0, kCookie.size()) == kCookie) {
        cookie = std::string(line.substr(kCookie.size(), 1));
      }
    } else {
      body.append(line);
    }
    start = end;
  }
  if (cookie.empty()) return {body};
  std::vector<std::string> chunks;
  size_t from = 0;
  while (true) {
    const size_t at = body.find(cookie, from);
    chunks.push_back(body.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) break;
    from = at + cookie.size();
  }
  return chunks;
}

// The members of a gpsd TPV object this test compares.
struct Tpv {
  std::string after;  // the address of the sentence this TPV followed ("GNGLL")
  std::optional<int64_t> time_ms;
  int mode = 0;
  std::optional<double> lat, lon, speed, track;
};

inline std::optional<double> JsonNumber(std::string_view obj, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":";
  const size_t at = obj.find(needle);
  if (at == std::string_view::npos) return std::nullopt;
  return std::stod(std::string(obj.substr(at + needle.size(), 32)));
}

// "2015-02-25T07:41:56.799Z" -> ms since 1970.
inline std::optional<int64_t> IsoToMs(std::string_view iso) {
  if (iso.size() < 20) return std::nullopt;
  auto num = [&](size_t pos, size_t len) { return std::stoi(std::string(iso.substr(pos, len))); };
  const CivilDate date{num(0, 4), num(5, 2), num(8, 2)};
  int64_t ms = DaysFromCivil(date) * 86'400'000 +
               ((num(11, 2) * 60 + num(14, 2)) * 60 + num(17, 2)) * 1000LL;
  if (iso[19] == '.') ms += num(20, 3);
  return ms;
}

struct Chk {
  std::vector<std::string> sentences;  // the '$' lines gpsd accepted, in order
  std::vector<Tpv> tpvs;               // every TPV, in order
};

inline Chk ParseChk(const std::string& text) {
  Chk chk;
  std::string address;
  for (std::string& line : SplitLines(text)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line[0] == '$') {
      chk.sentences.push_back(line);
      address = line.substr(1, line.find_first_of(",*") - 1);
    } else if (line.rfind("{\"class\":\"TPV\"", 0) == 0) {
      Tpv tpv;
      tpv.after = address;
      const size_t t = line.find("\"time\":\"");
      if (t != std::string::npos) tpv.time_ms = IsoToMs(std::string_view(line).substr(t + 8));
      tpv.mode = static_cast<int>(JsonNumber(line, "mode").value_or(0));
      tpv.lat = JsonNumber(line, "lat");
      tpv.lon = JsonNumber(line, "lon");
      tpv.speed = JsonNumber(line, "speed");
      tpv.track = JsonNumber(line, "track");
      chk.tpvs.push_back(tpv);
    }
  }
  return chk;
}

// gpsd may emit several TPVs for one time while a cycle fills in; the last one is the whole
// cycle. Only TPVs with a fix (mode >= 2, a position and a time) are kept, and only those that
// follow a sentence whose address `comparable` accepts.
template <class Comparable>
std::map<int64_t, Tpv> LastFixTpvByTime(const Chk& chk, Comparable&& comparable) {
  std::map<int64_t, Tpv> by_time;
  for (const Tpv& tpv : chk.tpvs) {
    if (!tpv.time_ms || !comparable(tpv.after)) continue;
    // A no-fix TPV does not undo a fix: gpsd sends one with the previous cycle's time after
    // an invalid RMC (ublox-lea-4h), and mid-cycle while GGA says 0 satellites (furuno).
    if (tpv.mode >= 2 && tpv.lat && tpv.lon) by_time[*tpv.time_ms] = tpv;
  }
  return by_time;
}

}  // namespace convoy::tracker::nmea::testing
