// Recordings with known fixes for the export tests: cars driving straight lines, written to a real
// journal the way the hub writes it (hub::Journal, EncodeJournalFixes), and ogrinfo's output
// read back.
#pragma once

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "hub/ingest.h"
#include "hub/journal.h"
#include "maps/latlon.h"
#include "support/process.h"

namespace convoy::testing {

struct TestCar {
  std::string id;
  std::vector<proto::SequencedFix> fixes;
  std::vector<proto::FixVerdict> verdicts;  // one per fix
};

inline constexpr int64_t kTestStartMs = 1716015600000;  // 2024-05-18T07:00:00Z

// A car leaving `start` on `heading_deg`, one fix a second, step_m apart, from start_ms.
inline TestCar StraightDrive(std::string id, maps::LatLon start, double heading_deg, int count,
                             double step_m, int64_t start_ms = kTestStartMs) {
  TestCar car{std::move(id), {}, {}};
  for (int i = 0; i < count; ++i) {
    const maps::LatLon p = maps::GeodesicDirect(start, heading_deg, i * step_m);
    proto::SequencedFix f;
    f.seq = static_cast<uint64_t>(i + 1);
    f.fix.time_ms = start_ms + i * 1000LL;
    f.fix.lat_e7 = p.lat_e7();
    f.fix.lon_e7 = p.lon_e7();
    f.fix.altitude_dm = 500 + i;  // 50.0 m, 50.1 m, ...
    f.fix.speed_cmps = static_cast<uint32_t>(step_m * 100);
    f.fix.course_cdeg = static_cast<uint32_t>(heading_deg * 100) % 36000;
    f.fix.hdop_c = 110;
    f.fix.satellites = 9;
    f.fix.quality = proto::FixQuality::k3D;
    car.fixes.push_back(f);
    car.verdicts.push_back(proto::FixVerdict::kGood);
  }
  return car;
}

// Writes the cars' fixes as the hub would: records of `batch` fixes, the cars interleaved.
inline void WriteJournal(const std::filesystem::path& dir, const std::vector<TestCar>& cars,
                         size_t batch = 1) {
  hub::JournalOptions options;
  options.dir = dir;
  auto journal = hub::Journal::Open(options, nullptr, nullptr);
  ASSERT_TRUE(journal.ok()) << journal.message();
  size_t longest = 0;
  for (const TestCar& car : cars) longest = std::max(longest, car.fixes.size());
  for (size_t at = 0; at < longest; at += batch) {
    for (const TestCar& car : cars) {
      if (at >= car.fixes.size()) continue;
      const size_t n = std::min(batch, car.fixes.size() - at);
      const std::span<const proto::SequencedFix> fixes(car.fixes.data() + at, n);
      const std::span<const proto::FixVerdict> verdicts(car.verdicts.data() + at, n);
      const int64_t received_ms = car.fixes[at + n - 1].fix.time_ms + 250;
      ASSERT_TRUE((*journal)->Append(
          hub::RecordType::kFixes,
          hub::EncodeJournalFixes(car.id, received_ms, fixes, verdicts,
                                  v1::JournalFixes::SOURCE_UNIT),
          [](const Status& status) { ASSERT_TRUE(status.ok()) << status.message(); }));
    }
  }
  (*journal)->Flush();
}

inline std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs a program (a path) to completion, capturing its output in files under `scratch`.
inline RunResult Run(const std::vector<std::string>& argv, const std::filesystem::path& scratch) {
  const auto out = scratch / "run.stdout", err = scratch / "run.stderr";
  std::filesystem::remove(err);
  Process process(argv, out, err);
  RunResult result;
  result.exit_code = process.Wait();
  result.out = ReadAll(out);
  result.err = ReadAll(err);
  return result;
}

// "Feature Count: 42" in ogrinfo's output, -1 when absent.
inline long FeatureCount(const std::string& ogrinfo_output) {
  static constexpr std::string_view kLabel = "Feature Count: ";
  const size_t at = ogrinfo_output.find(kLabel);
  if (at == std::string::npos) return -1;
  const char* digits = ogrinfo_output.c_str() + at + kLabel.size();
  if (!std::isdigit(static_cast<unsigned char>(*digits))) return -1;
  return std::strtol(digits, nullptr, 10);
}

// Every (x, y) of the WKT geometries in ogrinfo -al output (POINT, LINESTRING, MULTILINESTRING,
// with or without Z), rounded to 1e-7 degrees, in order. A hand scan, not std::regex: libstdc++'s
// regex recurses once per character matched and overflows the stack on long lines under ASan.
inline std::vector<std::pair<int32_t, int32_t>> WktCoordinatesE7(const std::string& output) {
  std::vector<std::pair<int32_t, int32_t>> coords;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    const size_t open = line.find('(');
    if (open == std::string::npos) continue;
    std::string_view kind(line.data(), open);
    while (!kind.empty() && (kind.back() == ' ' || kind.back() == 'Z')) kind.remove_suffix(1);
    if (!kind.ends_with("POINT") && !kind.ends_with("LINESTRING")) continue;
    // "((x y z, x y z),(x y z))": the parentheses only group; each comma ends a vertex.
    std::string body = line.substr(open);
    for (char& c : body) {
      if (c == '(' || c == ')') c = ' ';
    }
    std::istringstream vertices(body);
    for (std::string vertex; std::getline(vertices, vertex, ',');) {
      std::istringstream numbers(vertex);
      double x = 0, y = 0;
      if (!(numbers >> x >> y)) continue;
      coords.emplace_back(static_cast<int32_t>(std::llround(x * 1e7)),
                          static_cast<int32_t>(std::llround(y * 1e7)));
    }
  }
  return coords;
}

}  // namespace convoy::testing
