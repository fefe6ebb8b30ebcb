// `convoy-replay report`: an HTML report of a recorded tour for the people who write it up.
// Writes into out_dir: index.html (tables and the pictures below, readable offline), map.svg,
// dayN_length.svg and dayN_alerts.svg per day, and report.json (the same figures, for tools and
// tests). Existing files of those names are replaced; nothing else in out_dir is touched.
#pragma once

#include <filesystem>
#include <string>

#include "hub/export/progress.h"
#include "hub/report/tour_figures.h"
#include "proto/log.h"
#include "proto/result.h"

namespace convoy::hub::report {

struct ReportOptions {
  std::filesystem::path data_dir;  // the hub's --data
  std::filesystem::path out_dir;   // created when missing
  std::string plan_path;           // optional: rally points, routes, the tour's name and UTC offset
  std::string roster_path;         // optional: names and roles
  // The map cuts each track within this radius of its first and last fix (drivers' homes), as
  // the publication exports do. 0: no cut.
  double privacy_radius_m = 500;
};

struct ReportSummary {
  size_t cars = 0;
  size_t days = 0;
  uint64_t fixes = 0;
  size_t alerts = 0;
  double distance_m = 0;
};

// Reads the recording, computes the figures, draws and writes. Progress phases: "reading" (MB),
// "figures" (steps), "writing" (files). Errors: the data directory, plan or roster cannot be
// read; the output cannot be written ("OUT/index.html: Permission denied").
Result<ReportSummary> WriteReport(const ReportOptions& options, Progress& progress,
                                  const LogFn& warn);

// The HTML page for given figures (exposed for tests). utc_offset_min: the zone times are shown in.
std::string ReportHtml(const TourFigures& figures, int utc_offset_min, bool has_plan);
// report.json for given figures.
std::string ReportJson(const TourFigures& figures);

}  // namespace convoy::hub::report
