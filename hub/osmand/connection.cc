#include "hub/osmand/connection.h"

#include <algorithm>
#include <type_traits>

namespace convoy::hub::osmand {
namespace {

using Request = http::request<http::string_body>;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

// An answer. The body is a line for people reading a capture; the apps look at the status only.
struct Reply {
  http::status status = http::status::ok;
  std::string body;
  bool close = false;  // end the connection after answering
};

// Lives on its own strand; every member runs there. Owned by shared_ptr: the coroutine and the
// recorder's callbacks (through a weak_ptr) keep it alive.
template <class Stream>
class HttpConnection final : public Connection,
                             public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  HttpConnection(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket)
      : core_(std::move(core)),
        peer_(PeerOf(socket)),
        stream_(MakeStream(std::move(socket), *core_)),
        wake_(stream_.get_executor()) {}

  asio::awaitable<void> Run();
  void Close() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
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
  static std::string PeerOf(const asio::ip::tcp::socket& socket) {
    boost::system::error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    return ec ? "an unknown peer"
              : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  }
  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
  const EndpointOptions& options() const { return core_->options; }
  // One line per connection at most: a misconfigured phone retries all day.
  void LogOnce(const std::string& line) {
    if (logged_) return;
    logged_ = true;
    core_->log(line);
  }

  asio::awaitable<bool> ReadRequest();
  asio::awaitable<Reply> Handle();
  asio::awaitable<Reply> Record(size_t car_index, const std::vector<PhoneFixToRecord>& fixes,
                                const std::optional<SosEvent>& sos);
  void OnRecorded(uint64_t request_id, const Status& status);
  void RaiseSos(const SosEvent& event);
  asio::awaitable<bool> Write(Reply reply, unsigned version, bool keep_alive);
  asio::awaitable<void> Pause(std::chrono::milliseconds duration);
  asio::awaitable<void> Shutdown();

  std::shared_ptr<Endpoint::Core> core_;
  std::string peer_;
  Stream stream_;
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
asio::awaitable<void> HttpConnection<Stream>::Run() {
  auto self = this->shared_from_this();
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
asio::awaitable<Reply> HttpConnection<Stream>::Handle() {
  EndpointStats& stats = core_->stats;
  ++stats.requests;
  const Request& request = parser_->get();
  if (request.method() != http::verb::get && request.method() != http::verb::post) {
    ++stats.malformed;
    co_return Reply{http::status::method_not_allowed, "GET or POST\n"};
  }
  const RequestView view{View(request.method_string()), View(request.target()),
                         View(request[http::field::content_type]), request.body()};
  auto report = ParseRequest(view, core_->parse);
  if (!report.ok()) {
    // The message names the field at fault, never the device id.
    ++stats.malformed;
    LogOnce("a malformed report from " + peer_ + ": " + report.message());
    co_return Reply{http::status::bad_request, report.message() + "\n"};
  }
  const proto::RosterCar* car = core_->ingest.roster().FindBySecret(report->device_id);
  if (!car) {
    ++stats.unknown_ids;
    LogOnce("refused a phone report from " + peer_ + ": unknown device id");
    co_return Reply{
        report->form == RequestForm::kJson ? http::status::not_found : http::status::bad_request,
        "unknown device id\n"};
  }
  if (car_id_ != car->id) {
    if (car_id_.empty()) core_->log("car " + car->id + " reports from a phone at " + peer_);
    car_id_ = car->id;
  }
  const int64_t now_ms = core_->clock.NowUtcMs();
  std::vector<PhoneFixToRecord> fixes;
  std::optional<SosEvent> sos;
  for (const PhoneFix& fix : report->fixes) {
    core_->phones.Update(car->index, fix, now_ms);
    std::optional<proto::Fix> converted;
    if (fix.has_position()) {
      converted = ToFix(fix, now_ms);
      fixes.push_back({*converted, fix.accuracy_m});
    }
    if (fix.alarm == "sos" && !sos) sos = SosEvent{car->index, converted, now_ms};
  }
  if (fixes.empty()) {
    // Cell towers or Wi-Fi only: there is no position to record, and inventing one (Traccar
    // repeats the last known) would put a fix on the record that no receiver made.
    if (sos) RaiseSos(*sos);
    ++stats.answered_ok;
    co_return Reply{};
  }
  co_return co_await Record(car->index, fixes, sos);
}

template <class Stream>
asio::awaitable<Reply> HttpConnection<Stream>::Record(size_t car_index,
                                                      const std::vector<PhoneFixToRecord>& fixes,
                                                      const std::optional<SosEvent>& sos) {
  EndpointStats& stats = core_->stats;
  const auto busy_until = std::chrono::steady_clock::now() + options().busy_timeout;
  std::weak_ptr<HttpConnection> weak = this->weak_from_this();
  for (int attempt = 0;; ++attempt) {
    const uint64_t id = ++request_id_;
    recorded_.reset();
    auto done = [weak, executor = stream_.get_executor(), id](const Status& status) {
      asio::post(executor, [weak, id, status] {
        if (auto self = weak.lock()) self->OnRecorded(id, status);
      });
    };
    const PhoneRecorder::Ticket ticket = core_->recorder.Record(car_index, fixes, done);
    if (ticket.outcome == PhoneRecorder::Outcome::kBusy) {
      if (closing_ || std::chrono::steady_clock::now() >= busy_until) {
        ++stats.unavailable;
        LogOnce("car " + car_id_ + "'s phone: the journal is busy; answered 503");
        co_return Reply{http::status::service_unavailable, "busy, send again\n"};
      }
      co_await Pause(std::chrono::milliseconds(std::min(2 << std::min(attempt, 7), 200)));
      continue;
    }
    if (sos && ticket.new_fixes > 0) RaiseSos(*sos);
    if (ticket.outcome == PhoneRecorder::Outcome::kWaiting) {
      wake_.expires_after(options().durable_timeout);
      while (!recorded_ && !closing_) {
        boost::system::error_code ec;
        co_await wake_.async_wait(NoThrow(ec));
        if (!ec) break;  // the deadline passed
      }
      if (!recorded_ || !recorded_->ok()) {
        ++stats.unavailable;
        LogOnce("car " + car_id_ + "'s phone: " +
                (recorded_ ? "recording failed: " + recorded_->message()
                           : std::string("the journal did not answer in time")) +
                "; answered 503");
        co_return Reply{http::status::service_unavailable, "not recorded, send again\n"};
      }
    }
    ++stats.answered_ok;
    co_return Reply{};
  }
}

template <class Stream>
void HttpConnection<Stream>::OnRecorded(uint64_t request_id, const Status& status) {
  if (request_id != request_id_ || recorded_) return;  // an earlier request's late answer
  recorded_ = status;
  wake_.cancel();
}

template <class Stream>
void HttpConnection<Stream>::RaiseSos(const SosEvent& event) {
  core_->log("car " + car_id_ + ": SOS from its phone");
  SosFn on_sos;
  {
    std::lock_guard lock(core_->sos_mu);
    on_sos = core_->on_sos;
  }
  if (on_sos) on_sos(event);
}

template <class Stream>
asio::awaitable<void> HttpConnection<Stream>::Pause(std::chrono::milliseconds duration) {
  wake_.expires_after(duration);
  boost::system::error_code ignored;
  co_await wake_.async_wait(NoThrow(ignored));
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

}  // namespace

std::optional<uint64_t> Endpoint::Core::Register(const std::shared_ptr<Connection>& connection) {
  std::lock_guard lock(mu);
  if (stopping) return std::nullopt;
  const uint64_t id = ++next_id;
  live.emplace(id, connection);
  ++count;
  return id;
}

void Endpoint::Core::Unregister(uint64_t id) {
  std::lock_guard lock(mu);
  if (live.erase(id)) --count;
}

void ServeConnection(std::shared_ptr<Endpoint::Core> core, asio::ip::tcp::socket socket) {
  auto executor = socket.get_executor();
  // The lambda, kept by co_spawn until the coroutine ends, keeps the connection alive.
  if (core->tls) {
    auto connection =
        std::make_shared<HttpConnection<TlsStream>>(std::move(core), std::move(socket));
    asio::co_spawn(
        executor, [connection] { return connection->Run(); }, asio::detached);
  } else {
    auto connection =
        std::make_shared<HttpConnection<beast::tcp_stream>>(std::move(core), std::move(socket));
    asio::co_spawn(
        executor, [connection] { return connection->Run(); }, asio::detached);
  }
}

}  // namespace convoy::hub::osmand
