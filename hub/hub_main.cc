// convoy-hub: receives the convoy's fixes, records them and follows the convoy.
#include <csignal>
#include <iostream>

#include <boost/program_options.hpp>

#include "proto/cli.h"

#include "hub/hub.h"
#include "proto/log.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  std::string data_dir, trackers, roster;
  int threads = 2, status_s = 10;
  po::options_description flags("convoy-hub flags");
  flags.add_options()("help", "print this help")("data", po::value(&data_dir)->required(),
                                                 "directory of the journal (created if missing)")(
      "trackers", po::value(&trackers)->default_value("0.0.0.0:7000"),
      "HOST:PORT where trackers connect (port 0: any free port)")(
      "roster", po::value(&roster)->required(), "the cars: CSV with id,name,role,secret")(
      "threads", po::value(&threads)->default_value(2), "network threads")(
      "status-every", po::value(&status_s)->default_value(10),
      "seconds between status lines, 0 = none");
  if (auto exit_code = convoy::ParseFlags(argc, argv, flags, "convoy-hub")) return *exit_code;

  convoy::hub::HubOptions options;
  options.data_dir = data_dir;
  options.roster_path = roster;
  options.threads = std::max(1, threads);
  options.status_interval_s = status_s;
  auto listen = convoy::proto::ParseHostPort(trackers, "--trackers");
  if (!listen.ok()) {
    std::cerr << "convoy-hub: " << listen.message() << "\n";
    return 2;
  }
  options.trackers = *listen;

  // Before any thread starts, so that every thread inherits the blocked signals.
  std::function<void()> stop_hub;
  convoy::StopOnSignals([&stop_hub] {
    if (stop_hub) stop_hub();
  });
  auto hub = convoy::hub::Hub::Create(options, convoy::LogToStderr("hub"));
  if (!hub.ok()) {
    std::cerr << "convoy-hub: " << hub.message() << "\n";
    return 1;
  }
  const auto endpoint = (*hub)->trackers_endpoint();
  std::cout << "ready trackers="
            << convoy::proto::HostPort{endpoint.address().to_string(), endpoint.port()}.ToString()
            << std::endl;

  stop_hub = [h = hub->get()] { h->Stop(); };
  (*hub)->Run();
  return 0;
}
