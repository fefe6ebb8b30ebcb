#include "hub/osmand/connection.h"

#include <algorithm>

#include "hub/osmand/connection_stream.h"

namespace convoy::hub::osmand {
namespace detail {
namespace {

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

}  // namespace

std::string ConnectionBase::PeerOf(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  return ec ? "an unknown peer"
            : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void ConnectionBase::LogOnce(const std::string& line) {
  if (logged_) return;
  logged_ = true;
  core_->log(line);
}

asio::awaitable<Reply> ConnectionBase::Handle() {
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

asio::awaitable<Reply> ConnectionBase::Record(size_t car_index,
                                              const std::vector<PhoneFixToRecord>& fixes,
                                              const std::optional<SosEvent>& sos) {
  EndpointStats& stats = core_->stats;
  const auto busy_until = std::chrono::steady_clock::now() + options().busy_timeout;
  std::weak_ptr<ConnectionBase> weak = weak_from_this();
  for (int attempt = 0;; ++attempt) {
    const uint64_t id = ++request_id_;
    recorded_.reset();
    // wake_ runs on the stream's executor (the connection's strand).
    auto done = [weak, executor = wake_.get_executor(), id](const Status& status) {
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

void ConnectionBase::OnRecorded(uint64_t request_id, const Status& status) {
  if (request_id != request_id_ || recorded_) return;  // an earlier request's late answer
  recorded_ = status;
  wake_.cancel();
}

void ConnectionBase::RaiseSos(const SosEvent& event) {
  core_->log("car " + car_id_ + ": SOS from its phone");
  SosFn on_sos;
  {
    std::lock_guard lock(core_->sos_mu);
    on_sos = core_->on_sos;
  }
  if (on_sos) on_sos(event);
}

asio::awaitable<void> ConnectionBase::Pause(std::chrono::milliseconds duration) {
  wake_.expires_after(duration);
  boost::system::error_code ignored;
  co_await wake_.async_wait(NoThrow(ignored));
}

}  // namespace detail

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
  if (core->tls) {
    ServeTlsConnection(std::move(core), std::move(socket));
  } else {
    ServePlainConnection(std::move(core), std::move(socket));
  }
}

}  // namespace convoy::hub::osmand
