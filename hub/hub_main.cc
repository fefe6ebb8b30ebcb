// convoy-hub: receives the convoy's fixes, records them and follows the convoy.
#include <csignal>
#include <iostream>

#include <boost/program_options.hpp>

#include "proto/cli.h"

#include "hub/hub.h"
#include "proto/log.h"

namespace po = boost::program_options;

int main(int argc, char** argv) {
  std::string data_dir, trackers, roster, osmand, osmand_cert, osmand_key, route, plan, clock;
  std::string http, staff, web = CONVOY_WEB_DIR;
  int threads = 2, status_s = 10;
  po::options_description flags("convoy-hub flags");
  flags.add_options()("help", "print this help")("data", po::value(&data_dir)->required(),
                                                 "directory of the journal (created if missing)")(
      "trackers", po::value(&trackers)->default_value("0.0.0.0:7000"),
      "HOST:PORT where trackers connect (port 0: any free port)")(
      "roster", po::value(&roster)->required(), "the cars: CSV with id,name,role,secret")(
      "threads", po::value(&threads)->default_value(2), "network threads")(
      "status-every", po::value(&status_s)->default_value(10),
      "seconds between status lines, 0 = none")(
      "route", po::value(&route), "follow this route (GPX, KML, GeoJSON or GeoPackage)")(
      "plan", po::value(&plan), "follow this tour plan (days, legs, rally points)")(
      "clock", po::value(&clock)->default_value("wall"),
      "what time drives the convoy model: wall (the field) or fix-time (simulations and "
      "re-runs of a recorded tour)")(
      "osmand", po::value(&osmand),
      "HOST:PORT where phones running Traccar Client report (OsmAnd protocol; Traccar's "
      "port is 5055); off when not given")("osmand-tls-cert", po::value(&osmand_cert),
                                           "PEM certificate chain: HTTPS for phones")(
      "osmand-tls-key", po::value(&osmand_key), "PEM private key of --osmand-tls-cert")(
      "http", po::value(&http), "HOST:PORT of the page and the API (api.md); off when not given")(
      "staff", po::value(&staff), "staff.csv: name,role,token (needed with --http)")(
      "web", po::value(&web)->default_value(web), "directory of the built page");
  if (auto exit_code = convoy::ParseFlags(argc, argv, flags, "convoy-hub")) return *exit_code;

  convoy::hub::HubOptions options;
  options.data_dir = data_dir;
  options.roster_path = roster;
  options.threads = std::max(1, threads);
  options.status_interval_s = status_s;
  options.route_path = route;
  options.plan_path = plan;
  auto model_clock = convoy::hub::ParseModelClock(clock);
  if (!model_clock.ok() || (!route.empty() && !plan.empty())) {
    std::cerr << "convoy-hub: "
              << (model_clock.ok() ? "give --route or --plan, not both" : model_clock.message())
              << "\n";
    return 2;
  }
  options.clock = *model_clock;
  auto listen = convoy::proto::ParseHostPort(trackers, "--trackers");
  if (!listen.ok()) {
    std::cerr << "convoy-hub: " << listen.message() << "\n";
    return 2;
  }
  options.trackers = *listen;
  if (osmand.empty() && !(osmand_cert + osmand_key).empty()) {
    std::cerr << "convoy-hub: --osmand-tls-cert and --osmand-tls-key need --osmand\n";
    return 2;
  }
  if (!osmand.empty()) {
    auto phones = convoy::proto::ParseHostPort(osmand, "--osmand");
    if (!phones.ok()) {
      std::cerr << "convoy-hub: " << phones.message() << "\n";
      return 2;
    }
    options.osmand = *phones;
    options.osmand_options.tls_cert_path = osmand_cert;
    options.osmand_options.tls_key_path = osmand_key;
  }

  if (!http.empty()) {
    auto address = convoy::proto::ParseHostPort(http, "--http");
    if (!address.ok()) {
      std::cerr << "convoy-hub: " << address.message() << "\n";
      return 2;
    }
    if (staff.empty()) {
      std::cerr << "convoy-hub: --http needs --staff FILE\n";
      return 2;
    }
    options.http = *address;
    options.staff_path = staff;
    options.http_options.web_dir = web;
  }

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
            << convoy::proto::HostPort{endpoint.address().to_string(), endpoint.port()}.ToString();
  if (const auto phones = (*hub)->osmand_endpoint()) {
    std::cout << " osmand="
              << convoy::proto::HostPort{phones->address().to_string(), phones->port()}.ToString();
  }
  if (const auto page = (*hub)->http_endpoint()) {
    std::cout << " http="
              << convoy::proto::HostPort{page->address().to_string(), page->port()}.ToString();
  }
  std::cout << std::endl;

  stop_hub = [h = hub->get()] { h->Stop(); };
  (*hub)->Run();
  return 0;
}
