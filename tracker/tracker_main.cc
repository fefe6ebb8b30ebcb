// convoy-tracker: the in-car unit. Reads a GPS source, spools every fix to disk, and reports to
// the hub over any link it can get.
#include <iostream>

#include <boost/program_options.hpp>

#include "proto/cli.h"

#include "proto/csv.h"
#include "tracker/tracker.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  convoy::tracker::TrackerOptions options;
  std::string hub, secret_file;
  bool no_console = false;
  po::options_description flags("convoy-tracker flags");
  flags.add_options()("help", "print this help")("hub", po::value(&hub)->required(),
                                                 "HOST:PORT of the hub's tracker port")(
      "car", po::value(&options.uplink.car_id)->required(), "this car's id in the roster")(
      "secret", po::value(&options.uplink.secret), "this car's secret (or --secret-file)")(
      "secret-file", po::value(&secret_file), "file holding this car's secret")(
      "gps", po::value(&options.gps)->default_value("sim:circle"),
      "sim:circle[:LAT,LON,RADIUS_M,SPEED_MPS] | nmea:FILE[:xN|:fast] | serial:DEV[:BAUD] | "
      "gpsd[:HOST[:PORT]]")("spool", po::value(&options.spool_dir)->required(),
                            "directory of the on-disk spool")(
      "report-interval-ms", po::value(&options.report_interval_ms)->default_value(1000),
      "at most one fix per interval (the hub may change it)")(
      "exit-when-done", po::bool_switch(&options.exit_when_done),
      "exit once the GPS source has ended and the hub has acknowledged every fix")(
      "speak", po::bool_switch(&options.speak),
      "read radio messages aloud with espeak-ng (when installed)")(
      "no-console", po::bool_switch(&no_console),
      "do not read driver commands (sos, reply N) from stdin");
  if (auto exit_code = convoy::ParseFlags(argc, argv, flags, "convoy-tracker")) return *exit_code;
  options.console = !no_console;
  auto hub_address = convoy::proto::ParseHostPort(hub, "--hub");
  if (!hub_address.ok()) {
    std::cerr << "convoy-tracker: " << hub_address.message() << "\n";
    return 2;
  }
  options.uplink.hub = *hub_address;
  if (!secret_file.empty()) {
    auto text = convoy::proto::ReadTextFile(secret_file, 4096);
    if (!text.ok()) {
      std::cerr << "convoy-tracker: --secret-file " << text.message() << "\n";
      return 2;
    }
    options.uplink.secret = text->substr(0, text->find_last_not_of(" \r\n\t") + 1);
  }
  if (options.uplink.secret.empty()) {
    std::cerr << "convoy-tracker: give the car's secret with --secret or --secret-file\n";
    return 2;
  }
  return convoy::tracker::RunTracker(options,
                                     convoy::LogToStderr("tracker " + options.uplink.car_id));
}
