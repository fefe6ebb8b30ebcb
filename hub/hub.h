// The hub as a library: roster, journal, ingest and the trackers' listener, wired together.
// convoy-hub's main only parses flags and calls this; tests run a Hub in-process too.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/convoy_service.h"
#include "hub/http/options.h"
#include "hub/ingest.h"
#include "hub/journal.h"
#include "hub/osmand/endpoint.h"
#include "hub/tracker_session.h"
#include "proto/asio.h"
#include "proto/host_port.h"
#include "proto/roster.h"

namespace convoy::hub {

struct HubOptions {
  std::filesystem::path data_dir;
  proto::HostPort trackers{"127.0.0.1", 0};
  std::string roster_path;
  int threads = 2;
  int status_interval_s = 10;  // a status line in the log; 0 = never
  TrackerSessionOptions session;
  // Tracker connections open at once from one remote address; more are refused at accept
  // (Refused OVERLOADED, then closed), so that one host cannot take every file descriptor.
  // Generous: a convoy's cars may share one carrier-grade NAT address. 0 = no limit.
  size_t max_connections_per_address = 256;
  bool limit_loopback = false;  // loopback (local tools, the simulator) is not limited unless set
  uint64_t segment_bytes = 64 << 20;
  // The journal's file system; nullptr: the real one. Tests pass a failing disk
  // (tests/support/fault_fs.h); it must outlive the Hub.
  proto::FileSystem* journal_fs = nullptr;
  // What the convoy model follows: a route file (--route), a tour plan (--plan), or, with
  // neither, the lead car's own track.
  std::string route_path;
  std::string plan_path;
  ModelClock clock = ModelClock::kWall;
  // Phones (Traccar Client, OsmAnd protocol) report here when set (hub/osmand/endpoint.h).
  std::optional<proto::HostPort> osmand;
  osmand::EndpointOptions osmand_options;
  // The page and the API (hub/http/, api.md) when set; needs staff_path.
  std::optional<proto::HostPort> http;
  std::string staff_path;  // staff.csv: name,role,token
  api::ServerOptions http_options;
};

namespace api {
class Api;
class LiveHub;
class RadioDesk;
class Server;
class StaffList;
}  // namespace api

// Thread-safe: Stop() may be called from any thread or a signal handler's strand.
class Hub {
 public:
  // Loads the roster, opens (and recovers) the journal, and binds the listener. Errors name
  // the file or address at fault.
  static Result<std::unique_ptr<Hub>> Create(const HubOptions& options, LogFn log);
  ~Hub();

  // The trackers' listening address, with the real port when 0 was asked for.
  asio::ip::tcp::endpoint trackers_endpoint() const;
  // The phones' listening address; nullopt without options.osmand.
  std::optional<asio::ip::tcp::endpoint> osmand_endpoint() const;
  // The page's and API's listening address; nullopt without options.http.
  std::optional<asio::ip::tcp::endpoint> http_endpoint() const;

  // Serves on options.threads threads until Stop(); returns after an orderly shutdown: the
  // listener closed, connections closed, the journal's queue written and synced.
  void Run();
  void Stop();

  const Ingest& ingest() const { return *ingest_; }
  const TrackerRegistry& trackers() const { return *registry_; }
  ConvoyService& convoy() { return *convoy_; }
  // The phones' endpoint (SOS hook, battery table); nullptr without options.osmand.
  osmand::Endpoint* osmand() { return osmand_.get(); }
  // The radio desk (always there: cars send messages without the page too).
  api::RadioDesk& radio() { return *radio_; }
  // The live feed, the HTTP server and the staff list; nullptr without options.http.
  api::LiveHub* live() { return live_.get(); }
  api::Server* http() { return http_.get(); }
  const api::StaffList* staff() const { return staff_.get(); }

 private:
  Hub(const HubOptions& options, LogFn log);
  asio::awaitable<void> AcceptLoop();
  // Counts a connection from `address`; nullptr when the address is at its limit. The
  // connection's slot is given back when the returned token is destroyed.
  std::shared_ptr<void> AdmitFrom(const asio::ip::address& address);
  asio::awaitable<void> StatusLoop();
  Status StartHttp();  // Create, with options.http: the API, the live feed and the listener

  HubOptions options_;
  LogFn log_;
  // Open tracker connections by remote address. Declared before io_: sessions still pending
  // when io_ is destroyed give their slots back here.
  struct AddressCount {
    size_t open = 0;
    uint64_t refused = 0;  // since the address last had no connection
  };
  std::mutex addresses_mu_;
  std::map<asio::ip::address, AddressCount> addresses_;  // only addresses with open connections
  asio::io_context io_;
  proto::Roster roster_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<TrackerRegistry> registry_;
  std::unique_ptr<osmand::Endpoint> osmand_;  // the journal's callbacks reach it
  std::unique_ptr<ConvoyService> convoy_;
  std::unique_ptr<api::StaffList> staff_;
  std::unique_ptr<api::RadioDesk> radio_;
  std::unique_ptr<api::LiveHub> live_;
  std::unique_ptr<api::Api> api_;
  std::unique_ptr<api::Server> http_;
  std::shared_ptr<void> replay_;  // the replay API when built in (hub/replay/replay_api.h)
  // Declared after what its callbacks touch, so it is destroyed (and drained) first.
  std::unique_ptr<Journal> journal_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer status_timer_;
};

}  // namespace convoy::hub
