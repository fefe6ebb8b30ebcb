#include "hub/export/exporter.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "hub/export/tracks.h"
#include "hub/export/writers.h"
#include "maps/tour_plan.h"
#include "proto/roster.h"

namespace convoy::hub {
namespace {

namespace fs = std::filesystem;

std::string Lower(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

// A hidden file beside the output, with the output's extension (GDAL checks it for GPKG).
fs::path TemporaryPath(const fs::path& out) {
  return out.parent_path() / ("." + out.filename().string() + ".partial-" +
                              std::to_string(::getpid()) + out.extension().string());
}

// Checks that `out` can be written before the journal is read, so that a typo costs nothing.
Status CheckWritable(const fs::path& out, const fs::path& temp) {
  std::error_code ec;
  if (out.empty()) return Error{"--out: no output file given"};
  if (fs::is_directory(out, ec)) return Error{"--out " + out.string() + ": is a directory"};
  const fs::path dir = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  if (!fs::is_directory(dir, ec)) {
    return Error{"--out " + out.string() + ": directory " + dir.string() + " does not exist"};
  }
  {
    std::ofstream probe(temp, std::ios::binary);
    if (!probe) {
      return Error{"--out " + out.string() + ": cannot write in " + dir.string() +
                   " (permission denied or read-only)"};
    }
  }
  fs::remove(temp, ec);
  return Status::Ok();
}

void RemoveTemporary(const fs::path& temp) {
  std::error_code ec;
  fs::remove(temp, ec);
  // SQLite's side files, should GDAL have left any.
  fs::remove(temp.string() + "-journal", ec);
  fs::remove(temp.string() + "-wal", ec);
  fs::remove(temp.string() + "-shm", ec);
}

// The rally points of every leg of the plan, and the tour's name in *title when it has one.
Result<std::vector<ExportRally>> LoadRallyPoints(const std::string& plan_path, std::string* title) {
  auto tour = maps::LoadTour(plan_path);
  if (!tour.ok()) return Error{"--plan: " + tour.message()};
  if (!tour->plan.name.empty()) *title = tour->plan.name;
  std::vector<ExportRally> rallies;
  for (const maps::LoadedLeg& leg : tour->legs) {
    for (const maps::RallyPoint& point : leg.rally_points) {
      ExportRally rally;
      rally.name = point.name;
      rally.kind = point.kind;
      rally.day = tour->plan.days[leg.day].name;
      rally.leg = leg.name;
      rally.lat_deg = point.position.lat_deg();
      rally.lon_deg = point.position.lon_deg();
      rally.radius_m = point.radius_m;
      rally.along_m = point.along_m;
      rally.arrive_utc_ms = point.arrive_utc_ms;
      rally.depart_utc_ms = point.depart_utc_ms;
      rallies.push_back(std::move(rally));
    }
  }
  return rallies;
}

}  // namespace

Result<ExportFormat> ParseExportFormat(std::string_view name) {
  const std::string lower = Lower(name);
  if (lower == "gpx") return ExportFormat::kGpx;
  if (lower == "kml") return ExportFormat::kKml;
  if (lower == "geojson" || lower == "json") return ExportFormat::kGeoJson;
  if (lower == "gpkg" || lower == "geopackage") return ExportFormat::kGpkg;
  if (lower == "csv") return ExportFormat::kCsv;
  return Error{"--format '" + std::string(name) + "': expected gpx, kml, geojson, gpkg or csv"};
}

std::optional<ExportFormat> FormatFromExtension(const fs::path& out) {
  const std::string ext = Lower(out.extension().string());
  if (ext.size() < 2) return std::nullopt;
  auto format = ParseExportFormat(std::string_view(ext).substr(1));
  if (!format.ok()) return std::nullopt;
  return *format;
}

const char* ExportFormatName(ExportFormat format) {
  switch (format) {
    case ExportFormat::kGpx:
      return "gpx";
    case ExportFormat::kKml:
      return "kml";
    case ExportFormat::kGeoJson:
      return "geojson";
    case ExportFormat::kGpkg:
      return "gpkg";
    case ExportFormat::kCsv:
      return "csv";
  }
  return "?";
}

double DefaultPrivacyRadiusM(ExportFormat format) {
  return format == ExportFormat::kGpkg ? 0.0 : kDefaultPrivacyRadiusM;
}

Result<ExportSummary> RunExport(const ExportOptions& options, const LogFn& warn,
                                Progress& progress) {
  const double radius_m = options.privacy_radius_m.value_or(DefaultPrivacyRadiusM(options.format));
  if (!(radius_m >= 0) || radius_m > 1e6) {
    return Error{"--privacy-radius " + std::to_string(radius_m) +
                 ": must be between 0 (off) and 1000000 metres"};
  }
  const auto& filter = options.filter;
  if (filter.from_ms && filter.to_ms && *filter.from_ms >= *filter.to_ms) {
    return Error{"--from must be before --to (the window is from <= time < to)"};
  }
  const fs::path temp = TemporaryPath(options.out);
  if (Status writable = CheckWritable(options.out, temp); !writable.ok()) return writable;

  std::optional<proto::Roster> roster;
  if (!options.roster_path.empty()) {
    auto loaded = proto::Roster::Load(options.roster_path);
    if (!loaded.ok()) return Error{"--roster: " + loaded.message()};
    roster = std::move(*loaded);
  }
  std::vector<ExportRally> rallies;
  std::string title = "Convoy recording";
  if (!options.plan_path.empty()) {
    auto loaded = LoadRallyPoints(options.plan_path, &title);
    if (!loaded.ok()) return loaded.status();
    rallies = std::move(*loaded);
  }

  bool reading = false;
  auto recording = LoadRecording(options.data_dir, filter, roster ? &*roster : nullptr, warn,
                                 [&](uint64_t done, uint64_t total) {
                                   if (!reading)
                                     progress.Start("reading journal", total >> 20, "MB");
                                   reading = true;
                                   progress.Update(done >> 20);
                                 });
  progress.Finish();
  if (!recording.ok()) return recording.status();

  uint64_t cut = 0;
  ExportInput input = BuildExportInput(*recording, radius_m, &cut);
  input.title = title;
  input.rally_points = std::move(rallies);
  {
    const int64_t from_ms = filter.from_ms.value_or(INT64_MIN);
    const int64_t to_ms = filter.to_ms.value_or(INT64_MAX);
    auto wanted = [&](const std::string& car) {
      return filter.cars.empty() ||
             std::find(filter.cars.begin(), filter.cars.end(), car) != filter.cars.end();
    };
    for (const replay::ReplayAlert& alert : recording->events.alerts()) {
      const auto& a = alert.state;
      if (a.raised_ms() < from_ms || a.raised_ms() >= to_ms) continue;
      if (a.car_ids_size() > 0 && !wanted(a.car_ids(0))) continue;
      input.alerts.push_back(&a);
    }
    for (const replay::ReplayRadio& message : recording->events.radio()) {
      if (message.time_ms() < from_ms || message.time_ms() >= to_ms) continue;
      bool about = message.from_car ? wanted(message.car_message.car_id()) : false;
      if (!message.from_car) {
        for (const auto& car : message.sent.car_ids()) about = about || wanted(car);
      }
      if (about) input.radio.push_back(&message);
    }
  }
  for (const CarRecording& car : recording->cars) {
    const bool kept = std::any_of(input.tracks.begin(), input.tracks.end(),
                                  [&](const ExportTrack& t) { return t.car == &car; });
    if (!kept && radius_m > 0) {
      warn("car " + car.id + ": every fix lies within " + std::to_string(long(radius_m)) +
           " m of its start or end (or none is good); nothing exported for it");
    }
  }
  if (input.good_fixes == 0 && input.fixes == 0) {
    warn("nothing to export" +
         std::string(filter.from_ms || filter.to_ms ? " in the time window" : "") +
         "; writing an empty " + ExportFormatName(options.format));
  }

  Status written;
  switch (options.format) {
    case ExportFormat::kGpx:
      written = WriteGpx(input, temp.string(), progress);
      break;
    case ExportFormat::kKml:
      written = WriteKml(input, temp.string(), progress);
      break;
    case ExportFormat::kGeoJson:
      written = WriteGeoJson(input, temp.string(), progress);
      break;
    case ExportFormat::kCsv:
      written = WriteCsv(input, temp.string(), progress);
      break;
    case ExportFormat::kGpkg:
      written = WriteGeoPackage(input, temp.string(), progress);
      break;
  }
  if (!written.ok()) {
    RemoveTemporary(temp);
    return Error{"--out " + options.out.string() + ": " + written.message()};
  }
  std::error_code ec;
  fs::rename(temp, options.out, ec);
  if (ec) {
    RemoveTemporary(temp);
    return Error{"--out " + options.out.string() +
                 ": cannot move the finished file into place: " + ec.message()};
  }

  ExportSummary summary;
  summary.fixes_read = recording->fixes_read;
  summary.privacy_cut = cut;
  summary.privacy_radius_m = input.privacy_radius_m;
  summary.rally_points = input.rally_points.size();
  const bool all_fixes = options.format == ExportFormat::kGpkg;
  for (const ExportTrack& track : input.tracks) {
    if (!all_fixes && track.good_fixes == 0) continue;
    ++summary.cars;
  }
  summary.fixes = all_fixes ? input.fixes : input.good_fixes;
  summary.not_good = input.fixes - input.good_fixes;
  return summary;
}

}  // namespace convoy::hub
