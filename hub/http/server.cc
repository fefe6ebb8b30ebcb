#include "hub/http/server.h"

#include <fstream>
#include <mutex>
#include <unordered_map>

namespace convoy::hub::api {
namespace {

using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

constexpr std::string_view kNotBuilt =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Convoy</title></head><body>"
    "<h1>Convoy hub</h1><p>The page was not built. Build it (cmake builds hub/web with npm) or "
    "start the hub with --web DIR. The API answers under /api/v1/.</p></body></html>\n";

}  // namespace

class Connection;

struct Server::Core {
  asio::io_context& io;
  asio::ip::tcp::acceptor acceptor;
  ServerOptions options;
  Api& api;
  const StaffList& staff;
  LiveHub& live;
  LogFn log;
  SessionStore sessions;
  ServerStats stats;
  std::filesystem::path web_root;  // canonical, or empty when the dir is missing

  std::mutex mu;
  std::unordered_map<uint64_t, std::weak_ptr<Connection>> open;  // guarded by mu
  uint64_t next_id = 1;                                          // guarded by mu
  bool stopping = false;                                         // guarded by mu

  Core(asio::io_context& io_context, ServerOptions server_options, Api& api_, const StaffList& s,
       LiveHub& l, LogFn log_fn, const SessionKey& session_key)
      : io(io_context),
        acceptor(io_context),
        options(std::move(server_options)),
        api(api_),
        staff(s),
        live(l),
        log(std::move(log_fn)),
        sessions(s, session_key) {}
};

// One HTTP connection; on its own strand. Hands itself over to the live feed on an upgrade.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(std::shared_ptr<Server::Core> core, asio::ip::tcp::socket socket)
      : core_(std::move(core)), stream_(std::move(socket)) {}

  asio::awaitable<void> Run(uint64_t id);
  void Close() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->closing_ = true;
      if (!self->handed_over_) self->stream_.close();
    });
  }

 private:
  asio::awaitable<bool> ReadRequest();
  asio::awaitable<bool> Write(Answer answer, bool keep_alive);
  asio::awaitable<bool> Serve();  // false: the connection ends
  Answer Static(const RouteMatch& match);
  Answer Login(const RouteMatch& match);
  const StaffMember* Identify(const Request& request);

  std::shared_ptr<Server::Core> core_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bool closing_ = false;
  bool handed_over_ = false;
  unsigned version_ = 11;
};

asio::awaitable<void> Connection::Run(uint64_t id) {
  auto self = shared_from_this();
  while (!closing_ && co_await ReadRequest()) {
    if (!co_await Serve()) break;
  }
  if (!handed_over_) {
    boost::system::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    // Read what the peer still sends for a moment (a lingering close): closing with unread
    // bytes makes the kernel answer with a reset, which can destroy the answer just written
    // (a refused oversized request) before the client reads it.
    stream_.expires_after(std::chrono::seconds(1));
    char sink[4096];
    size_t drained = 0;
    while (!ec && !closing_ && drained < 64 * 1024) {
      drained += co_await stream_.async_read_some(asio::buffer(sink), NoThrow(ec));
    }
    stream_.close();
  }
  std::lock_guard guard(core_->mu);
  core_->open.erase(id);
}

asio::awaitable<bool> Connection::ReadRequest() {
  boost::system::error_code ec;
  if (buffer_.size() == 0) {
    stream_.expires_after(core_->options.idle_timeout);
    const size_t n = co_await stream_.async_read_some(buffer_.prepare(4096), NoThrow(ec));
    if (ec == beast::error::timeout) ++core_->stats.timeouts;
    if (ec) co_return false;
    buffer_.commit(n);
  }
  // From the first byte on, the whole request has request_timeout: a trickle is cut off.
  stream_.expires_after(core_->options.request_timeout);
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(core_->options.header_limit_bytes));
  parser_->body_limit(core_->options.body_limit_bytes);
  co_await bhttp::async_read(stream_, buffer_, *parser_, NoThrow(ec));
  if (!ec) {
    version_ = parser_->get().version();
    co_return true;
  }
  if (ec == beast::error::timeout) {
    ++core_->stats.timeouts;
    co_return false;  // the stream closed itself
  }
  Answer answer = ErrorAnswer(400, "malformed HTTP request");
  if (ec == bhttp::error::body_limit) {
    answer =
        ErrorAnswer(413, "body over " + std::to_string(core_->options.body_limit_bytes) + " bytes");
  } else if (ec == bhttp::error::header_limit) {
    answer = ErrorAnswer(
        431, "header over " + std::to_string(core_->options.header_limit_bytes) + " bytes");
  } else if (ec.category() != bhttp::make_error_code(bhttp::error::bad_target).category() ||
             ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    co_return false;  // the peer closed or the socket failed: nobody to answer
  }
  ++core_->stats.malformed;
  co_await Write(std::move(answer), false);
  co_return false;
}

asio::awaitable<bool> Connection::Write(Answer answer, bool keep_alive) {
  Response response{static_cast<bhttp::status>(answer.status), version_};
  response.set(bhttp::field::server, "convoy-hub");
  response.set(bhttp::field::content_type, answer.content_type);
  response.set("X-Content-Type-Options", "nosniff");
  if (answer.content_type == "application/json") {
    response.set(bhttp::field::cache_control, "no-store");
  }
  for (auto& [name, value] : answer.headers) response.set(name, value);
  response.body() = std::move(answer.body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  stream_.expires_after(core_->options.request_timeout);
  boost::system::error_code ec;
  co_await bhttp::async_write(stream_, response, NoThrow(ec));
  co_return !ec && keep_alive;
}

const StaffMember* Connection::Identify(const Request& request) {
  const std::string_view bearer = BearerToken(View(request[bhttp::field::authorization]));
  if (!bearer.empty()) return core_->staff.FindByToken(bearer);
  const std::string_view session =
      CookieValue(View(request[bhttp::field::cookie]), "convoy_session");
  if (session.empty()) return nullptr;
  const auto member = core_->sessions.Find(session);
  if (!member || *member >= core_->staff.members().size()) return nullptr;
  return &core_->staff.members()[*member];
}

Answer Connection::Static(const RouteMatch& match) {
  auto relative = StaticRelativePath(match.path);
  if (!relative) return ErrorAnswer(404, "not found");
  const std::filesystem::path& root = core_->web_root;
  const bool index = *relative == "index.html";
  if (root.empty()) {
    if (index) return Answer{200, "text/html; charset=utf-8", std::string(kNotBuilt), {}};
    return ErrorAnswer(404, "not found");
  }
  std::error_code fs_ec;
  const std::filesystem::path full = std::filesystem::weakly_canonical(root / *relative, fs_ec);
  // A symbolic link inside the web dir must not lead out of it.
  const std::string full_text = full.string(), root_text = root.string() + "/";
  if (fs_ec || full_text.compare(0, root_text.size(), root_text) != 0 ||
      !std::filesystem::is_regular_file(full, fs_ec)) {
    if (index) return Answer{200, "text/html; charset=utf-8", std::string(kNotBuilt), {}};
    return ErrorAnswer(404, "not found");
  }
  const auto size = std::filesystem::file_size(full, fs_ec);
  if (fs_ec || size > core_->options.max_static_file_bytes) return ErrorAnswer(404, "not found");
  std::ifstream in(full, std::ios::binary);
  std::string body(size, '\0');
  if (!in.read(body.data(), static_cast<std::streamsize>(size))) {
    return ErrorAnswer(404, "not found");
  }
  Answer answer{200, ContentTypeFor(*relative), std::move(body), {}};
  // Bundled assets carry a hash in their names; the page itself must be fetched fresh.
  answer.headers.emplace_back("Cache-Control", index ? "no-cache" : "public, max-age=3600");
  return answer;
}

Answer Connection::Login(const RouteMatch& match) {
  const std::optional<std::string> token = QueryParam(match.query, "token");
  const StaffMember* member = token ? core_->staff.FindByToken(*token) : nullptr;
  if (!member) {
    ++core_->stats.unauthorized;
    return ErrorAnswer(401, "unknown token");
  }
  const size_t index = static_cast<size_t>(member - core_->staff.members().data());
  const std::string session = core_->sessions.Create(index);
  core_->log("http: " + member->name + " (" + StaffRoleName(member->role) + ") logged in");
  Answer answer{303, "text/plain; charset=utf-8", "logged in\n", {}};
  answer.headers.emplace_back("Location", "/");
  answer.headers.emplace_back("Set-Cookie",
                              "convoy_session=" + session + "; Path=/; HttpOnly; SameSite=Strict");
  answer.headers.emplace_back("Cache-Control", "no-store");
  answer.headers.emplace_back("Referrer-Policy", "no-referrer");
  return answer;
}

asio::awaitable<bool> Connection::Serve() {
  ++core_->stats.requests;
  Request& request = parser_->get();
  const bool keep_alive = request.keep_alive() && !closing_;
  const RouteMatch match = MatchRoute(View(request.method_string()), View(request.target()));
  if (match.bad_target) co_return co_await Write(ErrorAnswer(400, "bad request target"), false);
  if (match.endpoint == Endpoint::kNotFound) {
    co_return co_await Write(ErrorAnswer(404, "not found"), keep_alive);
  }
  if (!match.method_allowed) {
    Answer answer = ErrorAnswer(405, "method not allowed");
    answer.headers.emplace_back("Allow", match.endpoint == Endpoint::kRadio ? "GET, POST"
                                         : match.endpoint == Endpoint::kAck ? "POST"
                                                                            : "GET");
    co_return co_await Write(std::move(answer), keep_alive);
  }
  if (match.endpoint == Endpoint::kStatic) co_return co_await Write(Static(match), keep_alive);
  if (match.endpoint == Endpoint::kLogin) co_return co_await Write(Login(match), keep_alive);

  const StaffMember* who = Identify(request);
  if (!who) {
    ++core_->stats.unauthorized;
    Answer answer = ErrorAnswer(401, "log in: a staff token or the login link is needed");
    answer.headers.emplace_back("WWW-Authenticate", "Bearer");
    co_return co_await Write(std::move(answer), keep_alive);
  }
  if (!Allowed(who->role, match.endpoint)) {
    ++core_->stats.forbidden;
    co_return co_await Write(ErrorAnswer(403, std::string("the ") + StaffRoleName(who->role) +
                                                  " role may not call this"),
                             keep_alive);
  }
  if (match.endpoint == Endpoint::kLive) {
    if (!websocket::is_upgrade(request)) {
      co_return co_await Write(ErrorAnswer(400, "a WebSocket upgrade is expected"), false);
    }
    Api& api = core_->api;
    const StaffMember member = *who;
    // The stream leaves this connection; buffered bytes after the request (none from a
    // well-behaved client before the handshake answer) are dropped.
    stream_.expires_never();
    Request upgrade = parser_->release();
    if (!core_->live.Serve(
            stream_, upgrade, [&api, member] { return api.Hello(member); }, member.name)) {
      core_->log("http: refused a viewer: too many");
      co_return co_await Write(ErrorAnswer(503, "too many viewers"), false);
    }
    handed_over_ = true;
    co_return false;
  }
  Answer answer =
      co_await core_->api.Handle(match, View(request.method_string()), request.body(), *who);
  co_return co_await Write(std::move(answer), keep_alive);
}

Server::Server(std::shared_ptr<Core> core) : core_(std::move(core)) {}

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Create(asio::io_context& io, const proto::HostPort& address,
                                               ServerOptions options, Api& api,
                                               const StaffList& staff, LiveHub& live, LogFn log) {
  SessionKey session_key = RandomSessionKey();
  if (!options.session_key_file.empty()) {
    auto loaded = LoadOrCreateSessionKey(options.session_key_file);
    if (!loaded.ok()) return Error{loaded.message()};
    session_key = *loaded;
  }
  auto core =
      std::make_shared<Core>(io, std::move(options), api, staff, live, std::move(log), session_key);
  std::error_code fs_ec;
  if (std::filesystem::is_directory(core->options.web_dir, fs_ec)) {
    core->web_root = std::filesystem::canonical(core->options.web_dir, fs_ec);
    if (fs_ec) core->web_root.clear();
  }
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(address.host, std::to_string(address.port),
                                    asio::ip::tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) return Error{"--http " + address.ToString() + ": " + ec.message()};
  const asio::ip::tcp::endpoint endpoint = endpoints.begin()->endpoint();
  core->acceptor.open(endpoint.protocol(), ec);
  if (!ec) core->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) core->acceptor.bind(endpoint, ec);
  if (!ec) core->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"--http " + address.ToString() + ": " + ec.message()};
  return std::unique_ptr<Server>(new Server(std::move(core)));
}

asio::ip::tcp::endpoint Server::local_endpoint() const {
  boost::system::error_code ec;
  return core_->acceptor.local_endpoint(ec);
}

void Server::Start() {
  std::shared_ptr<Core> core = core_;
  asio::co_spawn(
      core->io,
      [core]() -> asio::awaitable<void> {
        while (core->acceptor.is_open()) {
          auto strand = asio::make_strand(core->io);
          boost::system::error_code ec;
          asio::ip::tcp::socket socket = co_await core->acceptor.async_accept(strand, NoThrow(ec));
          if (ec == asio::error::operation_aborted) break;
          if (ec) {
            core->log("http: accepting a connection failed: " + ec.message());
            asio::steady_timer pause(core->io, std::chrono::milliseconds(100));
            boost::system::error_code ignored;
            co_await pause.async_wait(NoThrow(ignored));
            continue;
          }
          std::shared_ptr<Connection> connection;
          uint64_t id = 0;
          {
            std::lock_guard guard(core->mu);
            if (core->stopping) break;
            // Viewers count too: each holds a descriptor.
            if (core->open.size() + core->live.viewers() >= core->options.max_connections) {
              ++core->stats.refused_connections;
              socket.close(ec);
              continue;
            }
            socket.set_option(asio::ip::tcp::no_delay(true), ec);
            connection = std::make_shared<Connection>(core, std::move(socket));
            id = core->next_id++;
            core->open[id] = connection;
          }
          asio::co_spawn(
              strand, [connection, id] { return connection->Run(id); }, asio::detached);
        }
      },
      asio::detached);
}

void Server::Stop() {
  std::shared_ptr<Core> core = core_;
  asio::dispatch(core->io, [core] {
    boost::system::error_code ec;
    core->acceptor.close(ec);
  });
  std::vector<std::shared_ptr<Connection>> open;
  {
    std::lock_guard guard(core->mu);
    core->stopping = true;
    for (auto& [id, weak] : core->open) {
      if (auto connection = weak.lock()) open.push_back(std::move(connection));
    }
  }
  for (auto& connection : open) connection->Close();
}

const ServerStats& Server::stats() const { return core_->stats; }

size_t Server::connections() const {
  std::lock_guard guard(core_->mu);
  return core_->open.size();
}

}  // namespace convoy::hub::api
