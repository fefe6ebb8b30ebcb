// One phone's HTTP/1.1 connection (plain or TLS): requests in, answers out, each answer held
// until the report is durable. Internal to the endpoint (endpoint.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "hub/osmand/beast.h"
#include "hub/osmand/endpoint.h"
#include "hub/osmand/request.h"

namespace convoy::hub::osmand {

class Connection {
 public:
  virtual ~Connection() = default;
  // Thread-safe: ends the connection soon (shutdown).
  virtual void Close() = 0;
};

// What every connection of an endpoint shares. Connections hold it by shared_ptr, so the parts
// their destructors touch outlive them; `ingest` and `clock` are only used while the io_context
// runs, which the Endpoint's owner guarantees.
struct Endpoint::Core {
  Core(Ingest& ingest_in, const EndpointOptions& options_in, LogFn log_in, const Clock& clock_in)
      : ingest(ingest_in),
        options(options_in),
        log(std::move(log_in)),
        clock(clock_in),
        recorder(ingest_in, ingest_in.roster().cars().size(), options_in.dedup_window),
        phones(ingest_in.roster().cars().size()) {}

  Ingest& ingest;
  const EndpointOptions options;
  const LogFn log;
  const Clock& clock;
  ParseOptions parse;
  PhoneRecorder recorder;
  PhoneStatusTable phones;
  std::mutex sos_mu;
  SosFn on_sos;  // guarded by sos_mu
  std::optional<asio::ssl::context> tls;
  EndpointStats stats;

  // The live connections, for Stop. Guarded by mu.
  std::mutex mu;
  bool stopping = false;
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> live;
  std::atomic<size_t> count{0};

  // Returns the id to pass to Unregister, or nullopt when stopping (close the socket).
  std::optional<uint64_t> Register(const std::shared_ptr<Connection>& connection);
  void Unregister(uint64_t id);
};

// Serves one accepted socket (bound to its own strand) until it ends.
void ServeConnection(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket);

// ServeConnection's two cases, each in a translation unit of its own (connection_plain.cc,
// connection_tls.cc): each instantiates Beast's composed operations over its stream inside
// coroutines, which costs GCC minutes per stream type (more under the sanitizers), so the two
// compile in parallel. The stream-independent part is compiled once (connection.cc).
void ServePlainConnection(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket);
void ServeTlsConnection(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket);

}  // namespace convoy::hub::osmand
