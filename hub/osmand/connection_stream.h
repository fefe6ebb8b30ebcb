// The parts of a phone's connection (connection.h): ConnectionBase, what does not depend on
// the stream (handling a parsed request, waiting for the recorder), compiled once in
// connection.cc; HttpConnection<Stream>, reading and writing HTTP/1.1 over a plain or TLS
// stream, instantiated once per stream type in connection_plain.cc and connection_tls.cc.
// Internal to hub/osmand; include only from those three files.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "hub/osmand/connection.h"

namespace convoy::hub::osmand::detail {

using Request = http::request<http::string_body>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// An answer. The body is a line for people reading a capture; the apps look at the status only.
struct Reply {
  http::status status = http::status::ok;
  std::string body;
  bool close = false;  // end the connection after answering
};

// Lives on its own strand; every member runs there. Owned by shared_ptr: the coroutine and the
// recorder's callbacks (through a weak_ptr) keep it alive.
class ConnectionBase : public Connection, public std::enable_shared_from_this<ConnectionBase> {
 protected:
  // `executor` is the socket's (the stream's) executor.
  ConnectionBase(std::shared_ptr<Endpoint::Core> core, std::string peer,
                 const asio::any_io_executor& executor)
      : core_(std::move(core)), peer_(std::move(peer)), wake_(executor) {}

  static std::string PeerOf(const asio::ip::tcp::socket& socket);
  const EndpointOptions& options() const { return core_->options; }
  // One line per connection at most: a misconfigured phone retries all day.
  void LogOnce(const std::string& line);

  // Answers the request in parser_ (read whole).
  asio::awaitable<Reply> Handle();
  asio::awaitable<Reply> Record(size_t car_index, const std::vector<PhoneFixToRecord>& fixes,
                                const std::optional<SosEvent>& sos);
  void OnRecorded(uint64_t request_id, const Status& status);
  void RaiseSos(const SosEvent& event);
  asio::awaitable<void> Pause(std::chrono::milliseconds duration);

  std::shared_ptr<Endpoint::Core> core_;
  std::string peer_;
  asio::steady_timer wake_;  // waits for the recorder's answer (and busy pauses); cancel wakes
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string car_id_;
  uint64_t request_id_ = 0;
  std::optional<Status> recorded_;  // the current request's outcome
  bool closing_ = false;
  bool logged_ = false;
};

template <class Stream>
class HttpConnection final : public ConnectionBase {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  HttpConnection(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket)
      : ConnectionBase(std::move(core), PeerOf(socket), socket.get_executor()),
        stream_(MakeStream(std::move(socket), *core_)) {}

  asio::awaitable<void> Run();
  void Close() override {
    asio::post(stream_.get_executor(),
               [self = std::static_pointer_cast<HttpConnection>(shared_from_this())] {
                 self->closing_ = true;
                 self->lowest().close();
                 self->wake_.cancel();
               });
  }

 private:
  static Stream MakeStream(asio::ip::tcp::socket socket, Endpoint::Core& core) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *core.tls);
    } else {
      return Stream(std::move(socket));
    }
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  asio::awaitable<bool> ReadRequest();
  asio::awaitable<bool> Write(Reply reply, unsigned version, bool keep_alive);
  asio::awaitable<void> Shutdown();

  Stream stream_;
};

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::Run() {
  auto self = shared_from_this();
  const std::optional<uint64_t> id = core_->Register(self);
  if (!id) co_return;  // stopping: the socket closes with this object
  bool ok = true;
  if constexpr (kTls) {
    boost::system::error_code ec;
    lowest().expires_after(options().tls_handshake_timeout);
    co_await stream_.async_handshake(asio::ssl::stream_base::server, NoThrow(ec));
    if (ec == beast::error::timeout) ++core_->stats.timeouts;
    ok = !ec;
  }
  while (ok && !closing_ && co_await ReadRequest()) {
    Reply reply = co_await Handle();
    const Request& request = parser_->get();
    const bool keep_alive = request.keep_alive() && !reply.close && !closing_;
    ok = co_await Write(std::move(reply), request.version(), keep_alive) && keep_alive;
  }
  co_await Shutdown();
  core_->Unregister(*id);
}

// Reads one whole request into parser_. False: the connection ends (the peer closed, was too
// slow, or sent what is answered with an error and a close, which this has written).
template <class Stream>
asio::awaitable<bool> HttpConnection<Stream>::ReadRequest() {
  boost::system::error_code ec;
  if (buffer_.size() == 0) {
    // Between requests: give back a large body's memory, then wait for the next first byte.
    if (buffer_.capacity() > 16 * 1024) buffer_.shrink_to_fit();
    lowest().expires_after(options().idle_timeout);
    const size_t n = co_await stream_.async_read_some(buffer_.prepare(4096), NoThrow(ec));
    if (ec == beast::error::timeout) ++core_->stats.timeouts;
    if (ec) co_return false;
    buffer_.commit(n);
  }
  // From the first byte on, the whole request has request_timeout: a trickle is cut off.
  lowest().expires_after(options().request_timeout);
  parser_.emplace();
  parser_->header_limit(options().header_limit_bytes);
  parser_->body_limit(options().body_limit_bytes);
  co_await http::async_read_header(stream_, buffer_, *parser_, NoThrow(ec));
  if (!ec && !parser_->is_done() &&
      beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, parser_->get().version()};
    co_await http::async_write(stream_, go_on, NoThrow(ec));
  }
  if (!ec) co_await http::async_read(stream_, buffer_, *parser_, NoThrow(ec));
  if (!ec) co_return true;

  if (ec == beast::error::timeout) {
    ++core_->stats.timeouts;
    co_return false;  // the stream closed itself
  }
  Reply reply{http::status::bad_request, "malformed HTTP request\n", true};
  if (ec == http::error::body_limit) {
    reply = {http::status::payload_too_large, "body over the limit\n", true};
  } else if (ec == http::error::header_limit) {
    reply = {http::status::request_header_fields_too_large, "header over the limit\n", true};
  } else if (ec.category() != http::make_error_code(http::error::bad_target).category() ||
             ec == http::error::end_of_stream || ec == http::error::partial_message) {
    co_return false;  // the peer closed or the socket failed: nobody to answer
  }
  ++core_->stats.malformed;
  LogOnce("phone connection " + peer_ + ": " + ec.message());
  co_await Write(std::move(reply), 11, false);
  co_return false;
}

template <class Stream>
asio::awaitable<bool> HttpConnection<Stream>::Write(Reply reply, unsigned version,
                                                    bool keep_alive) {
  boost::system::error_code ec;
  lowest().expires_after(options().write_timeout);
  if (reply.status == http::status::ok && reply.body.empty() && version == 11 && keep_alive) {
    // Nearly every answer: written as it stands, without building a message for it.
    static constexpr std::string_view kOk =
        "HTTP/1.1 200 OK\r\nServer: convoy-hub\r\nContent-Length: 0\r\n\r\n";
    co_await asio::async_write(stream_, asio::buffer(kOk.data(), kOk.size()), NoThrow(ec));
    co_return !ec;
  }
  http::response<http::string_body> response{reply.status, version};
  response.set(http::field::server, "convoy-hub");
  if (!reply.body.empty()) response.set(http::field::content_type, "text/plain; charset=utf-8");
  response.body() = std::move(reply.body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  co_await http::async_write(stream_, response, NoThrow(ec));
  co_return !ec;
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::Shutdown() {
  boost::system::error_code ec;
  if (!lowest().socket().is_open()) co_return;
  if constexpr (kTls) {
    lowest().expires_after(std::chrono::seconds(2));
    co_await stream_.async_shutdown(NoThrow(ec));
  } else {
    // A lingering close: stop sending, then read what the peer still sends (a body we refused)
    // until it closes, so that our answer is not lost to a reset.
    lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
    lowest().expires_after(std::chrono::seconds(2));
    char sink[4096];
    for (size_t drained = 0; !ec && drained < 256 * 1024;) {
      drained += co_await lowest().async_read_some(asio::buffer(sink), NoThrow(ec));
    }
  }
  lowest().close();
}

// Starts serving `socket` on a new connection over Stream.
template <class Stream>
void Serve(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket) {
  auto executor = socket.get_executor();
  auto connection = std::make_shared<HttpConnection<Stream>>(std::move(core), std::move(socket));
  // The lambda, kept by co_spawn until the coroutine ends, keeps the connection alive.
  asio::co_spawn(
      executor, [connection] { return connection->Run(); }, asio::detached);
}

}  // namespace convoy::hub::osmand::detail
