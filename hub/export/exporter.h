// convoy-replay export: a recording to GPX, KML, GeoJSON, CSV or GeoPackage, for people who were
// not on the tour (marketing, forums, the manufacturer) and for the engineering archive.
// The steps: read the journal (recording.h), cut each car's start and end for privacy
// (tracks.h), write the format (writers.h) to a temporary file beside the output, rename it into
// place. A failed export leaves no partial output and does not touch an existing file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "hub/export/progress.h"
#include "hub/export/recording.h"
#include "proto/log.h"
#include "proto/result.h"

namespace convoy::hub {

enum class ExportFormat { kGpx, kKml, kGeoJson, kGpkg, kCsv };

// "gpx", "kml", "geojson" (or "json"), "gpkg", "csv", any case.
Result<ExportFormat> ParseExportFormat(std::string_view name);
// From the output's extension (.gpx, .kml, .geojson/.json, .gpkg, .csv); nullopt otherwise.
std::optional<ExportFormat> FormatFromExtension(const std::filesystem::path& out);
const char* ExportFormatName(ExportFormat format);

// Privacy trimming is on by default for the formats meant for publication (GPX, KML, GeoJSON,
// CSV): 500 m. The GeoPackage is the engineering archive (every fix, verdicts included) and is
// not trimmed unless asked: 0.
inline constexpr double kDefaultPrivacyRadiusM = 500;
double DefaultPrivacyRadiusM(ExportFormat format);

struct ExportOptions {
  std::filesystem::path data_dir;
  ExportFormat format = ExportFormat::kGpx;
  std::filesystem::path out;
  RecordingFilter filter;
  std::optional<double> privacy_radius_m;  // nullopt: DefaultPrivacyRadiusM(format); 0: off
  std::string roster_path;                 // optional: car names
  std::string plan_path;                   // optional: rally points (maps/tour_plan.h)
};

struct ExportSummary {
  uint64_t cars = 0;         // with at least one fix written
  uint64_t fixes = 0;        // written (every verdict for GPKG, good ones for the others)
  uint64_t fixes_read = 0;   // decoded from the journal
  uint64_t privacy_cut = 0;  // fixes removed by the privacy cut
  uint64_t not_good = 0;     // fixes left out of tracks for their verdict (kept in GPKG)
  uint64_t rally_points = 0;
  double privacy_radius_m = 0;  // as applied
};

// Runs an export. Errors are complete sentences naming the file or flag: a missing data
// directory, an unknown car, an empty or reversed time window, an unreadable roster or plan, an
// output that cannot be written. Warnings (journal damage, cars with nothing left after the
// cut) go to `warn`. Not thread-safe with another export to the same output.
Result<ExportSummary> RunExport(const ExportOptions& options, const LogFn& warn,
                                Progress& progress);

}  // namespace convoy::hub
