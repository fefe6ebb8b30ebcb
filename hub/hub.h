// The hub as a library: roster, journal, ingest and the trackers' listener, wired together.
// convoy-hub's main only parses flags and calls this; tests run a Hub in-process too.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hub/ingest.h"
#include "hub/journal.h"
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
  uint64_t segment_bytes = 64 << 20;
};

// Thread-safe: Stop() may be called from any thread or a signal handler's strand.
class Hub {
 public:
  // Loads the roster, opens (and recovers) the journal, and binds the listener. Errors name
  // the file or address at fault.
  static Result<std::unique_ptr<Hub>> Create(const HubOptions& options, LogFn log);
  ~Hub();

  // The trackers' listening address, with the real port when 0 was asked for.
  asio::ip::tcp::endpoint trackers_endpoint() const;

  // Serves on options.threads threads until Stop(); returns after an orderly shutdown: the
  // listener closed, connections closed, the journal's queue written and synced.
  void Run();
  void Stop();

  const Ingest& ingest() const { return *ingest_; }
  const TrackerRegistry& trackers() const { return *registry_; }

 private:
  Hub(const HubOptions& options, LogFn log);
  asio::awaitable<void> AcceptLoop();
  asio::awaitable<void> StatusLoop();

  HubOptions options_;
  LogFn log_;
  asio::io_context io_;
  proto::Roster roster_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<TrackerRegistry> registry_;
  // Declared after what its callbacks touch, so it is destroyed (and drained) first.
  std::unique_ptr<Journal> journal_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer status_timer_;
};

}  // namespace convoy::hub
