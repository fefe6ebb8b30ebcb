// GPX 1.1 and KML 2.2, streamed as text (see writers.h for why not through OGR).
#include <cstring>

#include "hub/export/text_file.h"
#include "hub/export/time_text.h"
#include "hub/export/writers.h"

namespace convoy::hub {
namespace {

template <size_t N>
void Put(std::string& out, const char (&literal)[N]) {
  out.append(literal, N - 1);
}

void PutTime(std::string& out, int64_t time_ms) {
  char buf[kIsoTimeMax];
  out.append(buf, FormatIsoTime(time_ms, buf));
}

void PutXml(std::string& out, std::string_view text) { AppendXmlEscaped(text, &out); }

bool IsGood(const RecordedFix& f) { return f.verdict == proto::FixVerdict::kGood; }

std::string PrivacyNote(const ExportInput& input) {
  if (input.privacy_radius_m <= 0) return "Exported by convoy-replay; no privacy trimming.";
  return "Exported by convoy-replay; each track starts and ends " +
         std::to_string(static_cast<long>(input.privacy_radius_m)) +
         " m or more from where the car started and ended (privacy trimming).";
}

// Distinct, readable line colours for Google Earth (KML aabbggrr).
constexpr const char* kKmlColours[] = {"ff0000e6", "ffe67e22", "ff2ecc71", "ffb6599b",
                                       "ff00a5ff", "ff8e44ad", "ff1abc9c", "ff3c14dc",
                                       "ffdb9834", "ff0fc4f1", "ff7f8c8d", "ff60ae27"};
constexpr size_t kKmlColourCount = sizeof kKmlColours / sizeof kKmlColours[0];

}  // namespace

Status WriteGpx(const ExportInput& input, const std::string& path, Progress& progress) {
  auto file = TextFile::Create(path);
  if (!file.ok()) return file.status();
  std::string& out = (*file)->buffer();
  Put(out,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<gpx version=\"1.1\" creator=\"convoy-replay\" xmlns=\"http://www.topografix.com/GPX/1/1\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
      "xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1 "
      "http://www.topografix.com/GPX/1/1/gpx.xsd\">\n<metadata><name>");
  PutXml(out, input.title);
  Put(out, "</name><desc>");
  PutXml(out, PrivacyNote(input));
  Put(out, "</desc></metadata>\n");
  // GPX 1.1 orders the children of <gpx>: waypoints before tracks.
  for (const ExportRally& rally : input.rally_points) {
    char lat[32], lon[32];
    std::snprintf(lat, sizeof lat, "%.7f", rally.lat_deg);
    std::snprintf(lon, sizeof lon, "%.7f", rally.lon_deg);
    out.append("<wpt lat=\"").append(lat).append("\" lon=\"").append(lon).append("\"><name>");
    PutXml(out, rally.name);
    Put(out, "</name><desc>");
    PutXml(out, rally.day + " - " + rally.leg);
    Put(out, "</desc>");
    if (!rally.kind.empty()) {
      Put(out, "<type>");
      PutXml(out, rally.kind);
      Put(out, "</type>");
    }
    Put(out, "</wpt>\n");
  }
  progress.Start("writing GPX", input.fixes, "fixes");
  uint64_t done = 0;
  for (const ExportTrack& track : input.tracks) {
    done += track.fixes.size();
    if (track.good_fixes == 0) continue;
    Put(out, "<trk><name>");
    PutXml(out, track.car->name);
    Put(out, "</name><desc>car ");
    PutXml(out, track.car->id);
    Put(out, "</desc>");
    if (!track.car->role.empty()) {
      Put(out, "<type>");
      PutXml(out, track.car->role);
      Put(out, "</type>");
    }
    Put(out, "\n<trkseg>\n");
    int64_t previous_ms = 0;
    bool first = true;
    uint64_t written = done - track.fixes.size();
    for (const RecordedFix& f : track.fixes) {
      ++written;
      if (!IsGood(f)) continue;
      if (!first && StartsNewSegment(previous_ms, f.fix.time_ms)) Put(out, "</trkseg>\n<trkseg>\n");
      first = false;
      previous_ms = f.fix.time_ms;
      // One trkpt is at most ~130 bytes: format into a stack buffer, append once.
      char line[160];
      char* p = line;
      std::memcpy(p, "<trkpt lat=\"", 12);
      p += 12;
      p += FormatE7(f.fix.lat_e7, p);
      std::memcpy(p, "\" lon=\"", 7);
      p += 7;
      p += FormatE7(f.fix.lon_e7, p);
      std::memcpy(p, "\">", 2);
      p += 2;
      if (f.fix.altitude_dm != 0) {
        std::memcpy(p, "<ele>", 5);
        p += 5;
        p += FormatFixed(f.fix.altitude_dm, 1, p);
        std::memcpy(p, "</ele>", 6);
        p += 6;
      }
      std::memcpy(p, "<time>", 6);
      p += 6;
      p += FormatIsoTime(f.fix.time_ms, p);
      std::memcpy(p, "</time></trkpt>\n", 16);
      p += 16;
      out.append(line, static_cast<size_t>(p - line));
      (*file)->MaybeFlush();
      progress.Update(written);
    }
    Put(out, "</trkseg>\n</trk>\n");
  }
  Put(out, "</gpx>\n");
  progress.Finish();
  return (*file)->Close();
}

Status WriteKml(const ExportInput& input, const std::string& path, Progress& progress) {
  auto file = TextFile::Create(path);
  if (!file.ok()) return file.status();
  std::string& out = (*file)->buffer();
  Put(out,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n<name>");
  PutXml(out, input.title);
  Put(out, "</name>\n<description>");
  PutXml(out, PrivacyNote(input));
  Put(out, "</description>\n");
  for (size_t i = 0; i < kKmlColourCount; ++i) {
    out.append("<Style id=\"car").append(std::to_string(i)).append("\"><LineStyle><color>");
    out.append(kKmlColours[i]).append("</color><width>4</width></LineStyle></Style>\n");
  }
  if (!input.rally_points.empty()) {
    Put(out, "<Folder>\n<name>Rally points</name>\n");
    for (const ExportRally& rally : input.rally_points) {
      char coords[64];
      std::snprintf(coords, sizeof coords, "%.7f,%.7f", rally.lon_deg, rally.lat_deg);
      Put(out, "<Placemark><name>");
      PutXml(out, rally.name);
      Put(out, "</name><description>");
      PutXml(out, rally.day + " - " + rally.leg + (rally.kind.empty() ? "" : " - " + rally.kind));
      out.append("</description><Point><coordinates>").append(coords);
      Put(out, "</coordinates></Point></Placemark>\n");
    }
    Put(out, "</Folder>\n");
  }
  Put(out, "<Folder>\n<name>Tracks</name>\n");
  progress.Start("writing KML", input.fixes, "fixes");
  uint64_t done = 0;
  size_t colour = 0;
  for (const ExportTrack& track : input.tracks) {
    done += track.fixes.size();
    if (track.good_fixes == 0) continue;
    Put(out, "<Placemark>\n<name>");
    PutXml(out, track.car->name);
    Put(out, "</name>\n<description>car ");
    PutXml(out, track.car->id);
    out.append(", ").append(std::to_string(track.good_fixes)).append(" fixes, ");
    PutTime(out, track.first_good_ms);
    Put(out, " to ");
    PutTime(out, track.last_good_ms);
    out.append("</description>\n<styleUrl>#car")
        .append(std::to_string(colour++ % kKmlColourCount))
        .append("</styleUrl>\n");
    const bool multi = track.segments > 1;
    if (multi) Put(out, "<MultiGeometry>\n");
    Put(out, "<LineString><tessellate>1</tessellate><coordinates>\n");
    int64_t previous_ms = 0;
    bool first = true;
    uint64_t written = done - track.fixes.size();
    for (const RecordedFix& f : track.fixes) {
      ++written;
      if (!IsGood(f)) continue;
      if (!first && StartsNewSegment(previous_ms, f.fix.time_ms)) {
        Put(out,
            "</coordinates></LineString>\n"
            "<LineString><tessellate>1</tessellate><coordinates>\n");
      }
      first = false;
      previous_ms = f.fix.time_ms;
      char tuple[40];
      char* p = tuple;
      p += FormatE7(f.fix.lon_e7, p);
      *p++ = ',';
      p += FormatE7(f.fix.lat_e7, p);
      *p++ = '\n';
      out.append(tuple, static_cast<size_t>(p - tuple));
      (*file)->MaybeFlush();
      progress.Update(written);
    }
    Put(out, "</coordinates></LineString>\n");
    if (multi) Put(out, "</MultiGeometry>\n");
    Put(out, "</Placemark>\n");
  }
  Put(out, "</Folder>\n</Document>\n</kml>\n");
  progress.Finish();
  return (*file)->Close();
}

}  // namespace convoy::hub
