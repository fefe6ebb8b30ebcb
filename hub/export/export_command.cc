#include "hub/export/export_command.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <locale>
#include <sstream>

#include <boost/program_options.hpp>

#include "hub/export/exporter.h"
#include "hub/export/time_text.h"
#include "proto/cli.h"

namespace convoy::hub {
namespace {

namespace po = boost::program_options;

// "2903040" -> "2,903,040": the summary is read by people.
std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n);
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return digits;
}

}  // namespace

int ExportCommand(int argc, const char* const* argv) {
  std::string data_dir, format_name, out, from, to, roster, plan;
  std::vector<std::string> cars;
  std::string privacy_radius;
  bool quiet = false;
  po::options_description flags(
      "convoy-replay export --data DIR --format gpx|kml|geojson|gpkg|csv --out FILE [flags]\n"
      "Times (--from, --to): ISO-8601 with a zone (2024-05-18T09:00:00Z, ...+02:00) or epoch ms;\n"
      "the window is from <= time < to. Privacy trimming cuts each car's first and last part\n"
      "within the radius of its start and end: on (500 m) for gpx, kml, geojson and csv, off for\n"
      "gpkg (the engineering archive). Flags");
  flags.add_options()                                                           //
      ("help", "print this help")                                               //
      ("data", po::value(&data_dir)->required(), "the hub's --data directory")  //
      ("format", po::value(&format_name), "gpx, kml, geojson, gpkg or csv (default: from --out)")(
          "out", po::value(&out)->required(), "the file to write (replaced when it exists)")(
          "car", po::value(&cars)->composing(), "only this car id (repeat, or a,b,c)")(
          "from", po::value(&from), "only fixes at or after this time")(
          "to", po::value(&to), "only fixes before this time")(
          "privacy-radius", po::value(&privacy_radius),
          "metres around each car's start and end to cut; 0 turns trimming off")(
          "roster", po::value(&roster), "the roster CSV, for car names")(
          "plan", po::value(&plan), "the tour plan, for rally points")(
          "quiet", po::bool_switch(&quiet), "no summary line");
  if (auto exit_code = ParseFlags(argc, argv, flags, "convoy-replay export")) return *exit_code;

  auto fail = [](const std::string& message, int code) {
    std::cerr << "convoy-replay export: " << message << "\n";
    return code;
  };
  ExportOptions options;
  options.data_dir = data_dir;
  options.out = out;
  options.roster_path = roster;
  options.plan_path = plan;
  if (!format_name.empty()) {
    auto format = ParseExportFormat(format_name);
    if (!format.ok()) return fail(format.message(), 2);
    options.format = *format;
  } else if (auto guessed = FormatFromExtension(out)) {
    options.format = *guessed;
  } else {
    return fail("--format is needed: '" + out +
                    "' does not end in .gpx, .kml, .geojson, "
                    ".gpkg or .csv",
                2);
  }
  for (const std::string& list : cars) {
    std::stringstream items(list);
    std::string id;
    while (std::getline(items, id, ',')) {
      if (!id.empty()) options.filter.cars.push_back(id);
    }
  }
  if (!from.empty()) {
    auto ms = ParseTimeArg(from, "--from");
    if (!ms.ok()) return fail(ms.message(), 2);
    options.filter.from_ms = *ms;
  }
  if (!to.empty()) {
    auto ms = ParseTimeArg(to, "--to");
    if (!ms.ok()) return fail(ms.message(), 2);
    options.filter.to_ms = *ms;
  }
  if (!privacy_radius.empty()) {
    char* end = nullptr;
    const double metres = std::strtod(privacy_radius.c_str(), &end);
    if (end == privacy_radius.c_str() || *end != '\0') {
      return fail("--privacy-radius '" + privacy_radius + "': not a number of metres", 2);
    }
    options.privacy_radius_m = metres;
  }

  auto warn = [](std::string_view line) {
    std::cerr << "convoy-replay export: warning: " << line << "\n";
  };
  Progress progress(stderr);
  auto summary = RunExport(options, warn, progress);
  if (!summary.ok()) return fail(summary.message(), 1);
  if (!quiet) {
    std::string line = "wrote " + out + " (" + ExportFormatName(options.format) +
                       "): " + Thousands(summary->fixes) + " fixes of " + Thousands(summary->cars) +
                       " cars";
    if (summary->privacy_radius_m > 0) {
      line += "; privacy trimming " + std::to_string(long(summary->privacy_radius_m)) + " m cut " +
              Thousands(summary->privacy_cut) + " fixes";
    } else {
      line += "; no privacy trimming";
    }
    if (options.format != ExportFormat::kGpkg && summary->not_good > 0) {
      line += "; " + Thousands(summary->not_good) + " flagged fixes left out";
    }
    if (summary->rally_points > 0)
      line += "; " + Thousands(summary->rally_points) + " rally points";
    std::cerr << "convoy-replay export: " << line << "\n";
  }
  return 0;
}

}  // namespace convoy::hub
