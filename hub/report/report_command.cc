#include "hub/report/report_command.h"

#include <cstdlib>
#include <iostream>

#include <boost/program_options.hpp>

#include "hub/report/report_writer.h"
#include "proto/cli.h"

namespace convoy::hub::report {

int ReportCommand(int argc, const char* const* argv) {
  namespace po = boost::program_options;
  ReportOptions options;
  std::string data_dir, out_dir, privacy_radius;
  bool quiet = false;
  po::options_description flags(
      "convoy-replay report --data DIR --out DIR [flags]\n"
      "Writes DIR/index.html (open it in a browser; it needs no network), its SVG pictures and\n"
      "report.json. Flags");
  flags.add_options()                                                           //
      ("help", "print this help")                                               //
      ("data", po::value(&data_dir)->required(), "the hub's --data directory")  //
      ("out", po::value(&out_dir)->required(), "the report's directory (created)")(
          "plan", po::value(&options.plan_path),
          "the tour plan: rally points, arrivals against the plan, local times")(
          "roster", po::value(&options.roster_path), "the roster CSV, for car names and roles")(
          "privacy-radius", po::value(&privacy_radius),
          "metres of each track to leave off the map around its start and end (default 500)")(
          "quiet", po::bool_switch(&quiet), "no summary line");
  if (auto exit_code = ParseFlags(argc, argv, flags, "convoy-replay report")) return *exit_code;
  options.data_dir = data_dir;
  options.out_dir = out_dir;
  if (!privacy_radius.empty()) {
    char* end = nullptr;
    options.privacy_radius_m = std::strtod(privacy_radius.c_str(), &end);
    if (end == privacy_radius.c_str() || *end != '\0' || options.privacy_radius_m < 0) {
      std::cerr << "convoy-replay report: --privacy-radius '" << privacy_radius
                << "': not a number of metres\n";
      return 2;
    }
  }
  auto warn = [](std::string_view line) {
    std::cerr << "convoy-replay report: warning: " << line << "\n";
  };
  Progress progress(stderr);
  auto summary = WriteReport(options, progress, warn);
  if (!summary.ok()) {
    std::cerr << "convoy-replay report: " << summary.message() << "\n";
    return 1;
  }
  if (!quiet) {
    char distance[32];
    std::snprintf(distance, sizeof distance, "%.1f km", summary->distance_m / 1000);
    std::cerr << "convoy-replay report: wrote " << (options.out_dir / "index.html").string() << ": "
              << summary->days << " days, " << summary->cars << " cars, " << summary->fixes
              << " fixes, " << distance << ", " << summary->alerts << " alerts\n";
  }
  return 0;
}

}  // namespace convoy::hub::report
