// convoy-replay: look inside a recording, replay it, export it.
//   convoy-replay dump --data DIR [--alerts]   every recorded fix (or alert) as CSV on stdout
//   convoy-replay export --data DIR --format F --out FILE ...   tracks for GIS tools (export/)
//   convoy-replay report --data DIR --out DIR [--plan F] [--roster F]   HTML report (report/)
#include <iostream>

#include <boost/program_options.hpp>

#include "proto/cli.h"

#include "hub/dump.h"
#include "hub/export/export_command.h"
#include "hub/report/report_command.h"

namespace po = boost::program_options;

namespace {

int Usage() {
  std::cerr
      << "usage: convoy-replay dump --data DIR [--alerts]\n"
         "       convoy-replay export --data DIR --format gpx|kml|geojson|gpkg|csv --out FILE\n"
         "       convoy-replay report --data DIR --out DIR [--plan FILE] [--roster FILE]\n"
         "  dump   every recorded fix (or, with --alerts, alert) as CSV on stdout\n"
         "  export tracks to a file for GIS tools (convoy-replay export --help)\n"
         "  report an HTML report of the tour with map, figures and charts (report --help)\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string command = argv[1];
  if (command == "export") return convoy::hub::ExportCommand(argc - 1, argv + 1);
  if (command == "report") return convoy::hub::report::ReportCommand(argc - 1, argv + 1);
  std::string data_dir;
  bool alerts = false;
  po::options_description flags("convoy-replay " + command + " flags");
  flags.add_options()("help", "print this help")("data", po::value(&data_dir)->required(),
                                                 "the hub's --data directory")(
      "alerts", po::bool_switch(&alerts), "dump: the alerts instead of the fixes");
  if (auto exit_code = convoy::ParseFlags(argc - 1, argv + 1, flags, "convoy-replay"))
    return *exit_code;
  std::ios::sync_with_stdio(false);
  auto warn = convoy::LogToStderr("replay");
  if (command == "dump") {
    convoy::Status status = alerts ? convoy::hub::DumpAlerts(data_dir, std::cout, warn)
                                   : convoy::hub::DumpFixes(data_dir, std::cout, warn);
    if (!status.ok()) {
      std::cerr << "convoy-replay: " << status.message() << "\n";
      return 1;
    }
    return 0;
  }
  return Usage();
}
