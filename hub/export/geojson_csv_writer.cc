// GeoJSON (RFC 7946) and CSV, streamed as text (see writers.h for why not through OGR).
#include <charconv>
#include <cstdio>
#include <cstring>

#include "hub/export/text_file.h"
#include "hub/export/time_text.h"
#include "hub/export/writers.h"

namespace convoy::hub {
namespace {

bool IsGood(const RecordedFix& f) { return f.verdict == proto::FixVerdict::kGood; }

void PutJsonTime(std::string& out, int64_t time_ms) {
  char buf[kIsoTimeMax + 2];
  buf[0] = '"';
  size_t n = 1 + FormatIsoTime(time_ms, buf + 1);
  buf[n++] = '"';
  out.append(buf, n);
}

}  // namespace

Status WriteGeoJson(const ExportInput& input, const std::string& path, Progress& progress) {
  auto file = TextFile::Create(path);
  if (!file.ok()) return file.status();
  std::string& out = (*file)->buffer();
  out.append("{\"type\":\"FeatureCollection\",\"name\":");
  AppendJsonString(input.title, &out);
  out.append(",\"privacy_radius_m\":").append(std::to_string(input.privacy_radius_m));
  out.append(",\"features\":[\n");
  bool first_feature = true;
  auto begin_feature = [&] {
    if (!first_feature) out.append(",\n");
    first_feature = false;
  };
  progress.Start("writing GeoJSON", input.fixes, "fixes");
  uint64_t done = 0;
  for (const ExportTrack& track : input.tracks) {
    done += track.fixes.size();
    if (track.good_fixes == 0) continue;
    begin_feature();
    out.append("{\"type\":\"Feature\",\"properties\":{\"car\":");
    AppendJsonString(track.car->id, &out);
    out.append(",\"name\":");
    AppendJsonString(track.car->name, &out);
    if (!track.car->role.empty()) {
      out.append(",\"role\":");
      AppendJsonString(track.car->role, &out);
    }
    out.append(",\"start\":");
    PutJsonTime(out, track.first_good_ms);
    out.append(",\"end\":");
    PutJsonTime(out, track.last_good_ms);
    char numbers[96];
    std::snprintf(numbers, sizeof numbers, ",\"fixes\":%llu,\"distance_m\":%.1f}",
                  static_cast<unsigned long long>(track.good_fixes), track.distance_m);
    out.append(numbers);
    const bool multi = track.segments > 1;
    out.append(multi ? ",\"geometry\":{\"type\":\"MultiLineString\",\"coordinates\":[["
                     : ",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[");
    int64_t previous_ms = 0;
    bool first = true;
    uint64_t written = done - track.fixes.size();
    for (const RecordedFix& f : track.fixes) {
      ++written;
      if (!IsGood(f)) continue;
      char tuple[48];
      char* p = tuple;
      if (!first) {
        if (StartsNewSegment(previous_ms, f.fix.time_ms)) {
          *p++ = ']';
          *p++ = ',';
          *p++ = '\n';
          *p++ = '[';
        } else {
          *p++ = ',';
        }
      }
      first = false;
      previous_ms = f.fix.time_ms;
      *p++ = '[';
      p += FormatE7(f.fix.lon_e7, p);
      *p++ = ',';
      p += FormatE7(f.fix.lat_e7, p);
      *p++ = ']';
      out.append(tuple, static_cast<size_t>(p - tuple));
      (*file)->MaybeFlush();
      progress.Update(written);
    }
    out.append(multi ? "]]}}" : "]}}");
  }
  for (const ExportRally& rally : input.rally_points) {
    begin_feature();
    out.append("{\"type\":\"Feature\",\"properties\":{\"rally_point\":");
    AppendJsonString(rally.name, &out);
    out.append(",\"kind\":");
    AppendJsonString(rally.kind, &out);
    out.append(",\"day\":");
    AppendJsonString(rally.day, &out);
    if (rally.arrive_utc_ms) {
      out.append(",\"arrive\":");
      PutJsonTime(out, *rally.arrive_utc_ms);
    }
    if (rally.depart_utc_ms) {
      out.append(",\"depart\":");
      PutJsonTime(out, *rally.depart_utc_ms);
    }
    char geometry[128];
    std::snprintf(geometry, sizeof geometry,
                  "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}}", rally.lon_deg,
                  rally.lat_deg);
    out.append(geometry);
  }
  out.append("\n]}\n");
  progress.Finish();
  return (*file)->Close();
}

Status WriteCsv(const ExportInput& input, const std::string& path, Progress& progress) {
  auto file = TextFile::Create(path);
  if (!file.ok()) return file.status();
  std::string& out = (*file)->buffer();
  out.append(
      "car,name,seq,time,lat,lon,altitude_m,speed_mps,course_deg,hdop,satellites,quality,"
      "segment\n");
  progress.Start("writing CSV", input.fixes, "fixes");
  uint64_t written = 0;
  for (const ExportTrack& track : input.tracks) {
    std::string car;  // "id,name," once per car
    AppendCsvField(track.car->id, &car);
    car.push_back(',');
    AppendCsvField(track.car->name, &car);
    car.push_back(',');
    int64_t previous_ms = 0;
    int segment = 0;
    for (const RecordedFix& f : track.fixes) {
      ++written;
      if (!IsGood(f)) continue;
      if (segment == 0 || StartsNewSegment(previous_ms, f.fix.time_ms)) ++segment;
      previous_ms = f.fix.time_ms;
      out.append(car);
      char row[256];
      char* p = row;
      p = std::to_chars(p, row + 24, f.seq).ptr;
      *p++ = ',';
      p += FormatIsoTime(f.fix.time_ms, p);
      *p++ = ',';
      p += FormatE7(f.fix.lat_e7, p);
      *p++ = ',';
      p += FormatE7(f.fix.lon_e7, p);
      *p++ = ',';
      if (f.fix.altitude_dm != 0) p += FormatFixed(f.fix.altitude_dm, 1, p);
      *p++ = ',';
      p += FormatFixed(f.fix.speed_cmps, 2, p);
      *p++ = ',';
      p += FormatFixed(f.fix.course_cdeg, 2, p);
      *p++ = ',';
      if (f.fix.hdop_c != 0) p += FormatFixed(f.fix.hdop_c, 2, p);
      *p++ = ',';
      if (f.fix.satellites != 0) p = std::to_chars(p, row + 200, f.fix.satellites).ptr;
      *p++ = ',';
      const char* quality = proto::FixQualityName(f.fix.quality);
      const size_t quality_len = std::strlen(quality);
      std::memcpy(p, quality, quality_len);
      p += quality_len;
      *p++ = ',';
      p = std::to_chars(p, row + 250, segment).ptr;
      *p++ = '\n';
      out.append(row, static_cast<size_t>(p - row));
      (*file)->MaybeFlush();
      progress.Update(written);
    }
  }
  progress.Finish();
  return (*file)->Close();
}

}  // namespace convoy::hub
