#include "hub/osmand/endpoint.h"

#include "hub/osmand/connection.h"

namespace convoy::hub::osmand {

Endpoint::Endpoint(asio::io_context& io, std::shared_ptr<Core> core)
    : io_(io), core_(std::move(core)), acceptor_(io) {}

Endpoint::~Endpoint() = default;

Result<std::unique_ptr<Endpoint>> Endpoint::Create(asio::io_context& io, Ingest& ingest,
                                                   const EndpointOptions& options, LogFn log,
                                                   const Clock& clock) {
  auto core = std::make_shared<Core>(ingest, options, std::move(log), clock);
  if (!options.local_time_is_utc) core->parse.local_to_utc = HubLocalToUtcMs;
  if (options.tls_cert_path.empty() != options.tls_key_path.empty()) {
    return Error{"--osmand-tls-cert and --osmand-tls-key go together"};
  }
  if (!options.tls_cert_path.empty()) {
    core->tls.emplace(asio::ssl::context::tls_server);
    asio::ssl::context& tls = *core->tls;
    boost::system::error_code ec;
    tls.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                        asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                        asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                    ec);
    tls.use_certificate_chain_file(options.tls_cert_path, ec);
    if (ec) return Error{"--osmand-tls-cert " + options.tls_cert_path + ": " + ec.message()};
    tls.use_private_key_file(options.tls_key_path, asio::ssl::context::pem, ec);
    if (ec) return Error{"--osmand-tls-key " + options.tls_key_path + ": " + ec.message()};
  }
  return std::unique_ptr<Endpoint>(new Endpoint(io, std::move(core)));
}

Status Endpoint::Replay(RecordType type, std::string_view payload) {
  return core_->recorder.Replay(type, payload);
}

void Endpoint::set_on_sos(SosFn on_sos) {
  std::lock_guard lock(core_->sos_mu);
  core_->on_sos = std::move(on_sos);
}

Status Endpoint::Listen(const proto::HostPort& address) {
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io_);
  auto endpoints = resolver.resolve(address.host, std::to_string(address.port),
                                    asio::ip::tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return Error{"--osmand " + address.ToString() + ": " + ec.message()};
  }
  const asio::ip::tcp::endpoint endpoint = endpoints.begin()->endpoint();
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"--osmand " + address.ToString() + ": " + ec.message()};
  return Status::Ok();
}

asio::ip::tcp::endpoint Endpoint::local_endpoint() const { return acceptor_.local_endpoint(); }

bool Endpoint::tls() const { return core_->tls.has_value(); }

void Endpoint::Start() { asio::co_spawn(io_, AcceptLoop(), asio::detached); }

asio::awaitable<void> Endpoint::AcceptLoop() {
  while (acceptor_.is_open()) {
    // Each connection gets its own strand, made here.
    auto strand = asio::make_strand(io_);
    boost::system::error_code ec;
    asio::ip::tcp::socket socket = co_await acceptor_.async_accept(strand, NoThrow(ec));
    if (ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of file descriptors or similar: say so, breathe, and keep serving the others.
      core_->log("accepting a phone connection failed: " + ec.message());
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      boost::system::error_code ignored;
      co_await pause.async_wait(NoThrow(ignored));
      continue;
    }
    if (core_->count.load() >= core_->options.max_connections) {
      if (core_->stats.connections_refused++ % 1000 == 0) {
        core_->log("phone connections at the limit of " +
                   std::to_string(core_->options.max_connections) + "; closing new ones");
      }
      socket.close(ec);
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    ServeConnection(core_, std::move(socket));
  }
}

void Endpoint::Stop() {
  asio::post(io_, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard lock(core_->mu);
    core_->stopping = true;
    for (auto& [id, weak] : core_->live) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->Close();
}

const PhoneStatusTable& Endpoint::phones() const { return core_->phones; }
const EndpointStats& Endpoint::stats() const { return core_->stats; }
const RecorderStats& Endpoint::recorder_stats() const { return core_->recorder.stats(); }
size_t Endpoint::connections() const { return core_->count.load(); }

}  // namespace convoy::hub::osmand
