// The hub's HTTP server: the page's static files, the login link, the JSON API and the live
// WebSocket (api.md). Bounds: header and body sizes, a whole-request timeout from the first
// byte, an idle timeout, a cap on open connections; WebSocket frames from clients <= 4 KiB.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "hub/http/api.h"
#include "hub/http/beast.h"
#include "hub/http/live.h"
#include "hub/http/options.h"
#include "hub/http/staff.h"
#include "proto/host_port.h"
#include "proto/log.h"

namespace convoy::hub::api {

struct ServerStats {
  std::atomic<uint64_t> requests{0};
  std::atomic<uint64_t> refused_connections{0};  // over max_connections
  std::atomic<uint64_t> timeouts{0};
  std::atomic<uint64_t> malformed{0};
  std::atomic<uint64_t> unauthorized{0};  // 401
  std::atomic<uint64_t> forbidden{0};     // 403
};

// Thread-safe: Start/Stop from any thread; connections run on their own strands.
class Server {
 public:
  // Binds `address`. api, staff and live must outlive the server. Errors name the address.
  static Result<std::unique_ptr<Server>> Create(asio::io_context& io,
                                                const proto::HostPort& address,
                                                ServerOptions options, Api& api,
                                                const StaffList& staff, LiveHub& live, LogFn log);
  ~Server();

  asio::ip::tcp::endpoint local_endpoint() const;
  void Start();
  void Stop();  // closes the listener and every connection
  const ServerStats& stats() const;
  size_t connections() const;

  struct Core;  // shared with the connections

 private:
  explicit Server(std::shared_ptr<Core> core);
  std::shared_ptr<Core> core_;
};

}  // namespace convoy::hub::api
