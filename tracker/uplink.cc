#include "tracker/uplink.h"

#include "proto/frame_io.h"
#include "proto/handshake.h"

namespace convoy::tracker {
namespace {
using Clock = asio::steady_timer::clock_type;

}  // namespace

Uplink::Uplink(asio::any_io_executor executor, UplinkOptions options, Spool& spool, LogFn log)
    : executor_(executor),
      options_(std::move(options)),
      spool_(spool),
      log_(std::move(log)),
      socket_(executor),
      wake_(executor),
      deadline_(executor),
      random_(std::random_device{}()) {}

void Uplink::Stop() {
  stopped_ = true;
  CloseSocket();
  wake_.cancel();
  deadline_.cancel();
}

void Uplink::SetLinkUp(bool up) {
  if (link_down_ == !up) return;
  link_down_ = !up;
  if (link_down_) {
    CloseSocket();
  } else {
    failures_ = 0;
    wake_.cancel();  // reconnect now, not after the backoff
  }
}

void Uplink::CloseSocket() {
  boost::system::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  wake_.cancel();
}

std::chrono::milliseconds Uplink::NextBackoff() {
  // Exponential with jitter, so forty cars leaving a tunnel together do not reconnect in step.
  const int64_t ceiling = std::min<int64_t>(
      options_.max_backoff.count(), options_.min_backoff.count() << std::min(failures_, 16));
  ++failures_;
  std::uniform_int_distribution<int64_t> pick(ceiling / 2, ceiling);
  return std::chrono::milliseconds(pick(random_));
}

asio::awaitable<void> Uplink::Run() {
  // The watchdog closes the socket when the current operation has waited past its deadline.
  bool watchdog_done = false;
  deadline_.expires_at(Clock::time_point::max());
  asio::co_spawn(
      executor_,
      [this, &watchdog_done]() -> asio::awaitable<void> {
        while (!stopped_) {
          {
            boost::system::error_code ignored;
            co_await deadline_.async_wait(NoThrow(ignored));
          }
          if (!stopped_ && deadline_.expiry() <= Clock::now()) {
            log_("no answer from the hub in time; reconnecting");
            CloseSocket();
            deadline_.expires_at(Clock::time_point::max());
          }
        }
        watchdog_done = true;
      },
      asio::detached);

  while (!stopped_) {
    if (link_down_) {
      wake_.expires_after(std::chrono::hours(1));
      boost::system::error_code ignored;
      co_await wake_.async_wait(NoThrow(ignored));
      continue;
    }
    if (co_await Connect() && co_await Handshake()) {
      failures_ = 0;
      connected_ = true;
      reader_done_ = false;
      asio::co_spawn(executor_, ReadLoop(), asio::detached);
      co_await WriteLoop();
      connected_ = false;
      CloseSocket();
      while (!reader_done_) {  // the reader ends promptly once the socket is closed
        asio::steady_timer tick(executor_, std::chrono::milliseconds(5));
        {
          boost::system::error_code ignored;
          co_await tick.async_wait(NoThrow(ignored));
        }
      }
    } else {
      CloseSocket();
    }
    if (stopped_) break;
    wake_.expires_after(NextBackoff());
    {
      boost::system::error_code ignored;
      co_await wake_.async_wait(NoThrow(ignored));
    }
  }
  deadline_.cancel();
  while (!watchdog_done) {
    asio::steady_timer tick(executor_, std::chrono::milliseconds(5));
    {
      boost::system::error_code ignored;
      co_await tick.async_wait(NoThrow(ignored));
    }
  }
}

asio::awaitable<bool> Uplink::Connect() {
  socket_ = asio::ip::tcp::socket(executor_);
  reader_ = proto::FrameReader();
  deadline_.expires_after(options_.connect_timeout);
  asio::ip::tcp::resolver resolver(executor_);
  boost::system::error_code resolve_ec, ec;
  auto endpoints = co_await resolver.async_resolve(
      options_.hub.host, std::to_string(options_.hub.port), NoThrow(resolve_ec));
  if (resolve_ec) {
    if (failures_ == 0)
      log_("cannot resolve hub " + options_.hub.ToString() + ": " + resolve_ec.message());
    co_return false;
  }
  co_await asio::async_connect(socket_, endpoints, NoThrow(ec));
  if (ec) {
    if (failures_ == 0)
      log_("cannot connect to hub " + options_.hub.ToString() + ": " + ec.message());
    co_return false;
  }
  boost::system::error_code ignored;
  socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
  co_return true;
}

asio::awaitable<bool> Uplink::ReadFrame(v1::Downlink* message) {
  const proto::FrameReadResult result = co_await proto::ReadFrame(socket_, reader_, message);
  if (!result.ok() && !stopped_ && !link_down_) log_("link to hub: " + result.Describe());
  co_return result.ok();
}

asio::awaitable<bool> Uplink::WriteFrame(const v1::Uplink& message, uint64_t* bytes) {
  std::string buffer;
  proto::AppendFrame(message, &buffer);
  if (bytes) *bytes += buffer.size();
  co_return !co_await proto::WriteBytes(socket_, buffer);
}

asio::awaitable<bool> Uplink::Handshake() {
  ++stats_.connects;
  const std::string client_nonce = proto::RandomNonce();
  v1::Uplink hello;
  v1::Hello* h = hello.mutable_hello();
  h->set_min_version(proto::kProtocolVersion);
  h->set_max_version(proto::kProtocolVersion);
  h->set_car_id(options_.car_id);
  h->set_client_nonce(client_nonce);
  h->set_software("convoy-tracker/1");
  if (!co_await WriteFrame(hello, nullptr)) co_return false;

  v1::Downlink reply;
  if (!co_await ReadFrame(&reply)) co_return false;
  if (reply.has_refused() || !reply.has_challenge()) {
    ++stats_.refusals;
    log_("hub refused the connection: " +
         (reply.has_refused() ? reply.refused().detail() : std::string("unexpected reply")));
    co_return false;
  }
  const uint32_t version = reply.challenge().version();
  const std::string hub_nonce = reply.challenge().hub_nonce();
  v1::Uplink auth;
  auth.mutable_auth()->set_mac(proto::HandshakeMac(proto::HandshakeRole::kCar, options_.secret,
                                                   version, options_.car_id, client_nonce,
                                                   hub_nonce));
  if (!co_await WriteFrame(auth, nullptr)) co_return false;
  if (!co_await ReadFrame(&reply)) co_return false;
  if (!reply.has_welcome()) {
    ++stats_.refusals;
    log_("hub refused car " + options_.car_id + ": " +
         (reply.has_refused() ? reply.refused().detail() : std::string("unexpected reply")));
    co_return false;
  }
  const v1::Welcome& welcome = reply.welcome();
  const std::string expected =
      proto::HandshakeMac(proto::HandshakeRole::kHub, options_.secret, version, options_.car_id,
                          client_nonce, hub_nonce);
  if (!proto::MacMatches(welcome.hub_mac(), expected)) {
    // Not our hub: it must not make us drop fixes by acknowledging them.
    log_("the hub at " + options_.hub.ToString() + " could not prove it knows this car's secret");
    co_return false;
  }
  if (welcome.highest_seq() > spool_.last_seq()) spool_.EnsureSeqAbove(welcome.highest_seq());
  spool_.Acknowledge(welcome.acked_seq());
  stats_.acked_seq = welcome.acked_seq();
  if (on_ack) on_ack(stats_.acked_seq);
  encoder_.Reset();
  control_.clear();
  max_sent_seq_ = std::max(welcome.acked_seq(), spool_.acked_seq());
  last_sent_message_ = 0;
  unconfirmed_.clear();
  deadline_.expires_after(options_.idle_timeout);
  log_("connected to hub " + options_.hub.ToString() + " as car " + options_.car_id + "; " +
       std::to_string(spool_.unacked_count()) + " fixes to send");
  co_return true;
}

asio::awaitable<void> Uplink::ReadLoop() {
  v1::Downlink message;
  while (co_await ReadFrame(&message)) {
    deadline_.expires_after(options_.idle_timeout);
    switch (message.body_case()) {
      case v1::Downlink::kAck:
        if (message.ack().acked_seq() > stats_.acked_seq) {
          stats_.acked_seq = message.ack().acked_seq();
          spool_.Acknowledge(stats_.acked_seq);
          wake_.cancel();  // room for more backlog
          ConfirmCarMessages(stats_.acked_seq);
          if (on_ack) on_ack(stats_.acked_seq);
        }
        break;
      case v1::Downlink::kRadio: {
        if (on_radio) on_radio(message.radio());
        v1::Uplink receipt;
        receipt.mutable_radio_delivered()->set_message_id(message.radio().message_id());
        control_.push_back(std::move(receipt));
        wake_.cancel();
        break;
      }
      case v1::Downlink::kReportRate:
        if (on_report_rate) on_report_rate(message.report_rate().interval_ms());
        break;
      default:
        break;
    }
  }
  CloseSocket();
  reader_done_ = true;
}

asio::awaitable<bool> Uplink::SendCarMessages() {
  if (outbox_ == nullptr) co_return true;
  // Copies: the outbox may change while a write is in flight.
  std::vector<v1::CarMessage> to_send;
  for (const v1::CarMessage& m : outbox_->pending()) {
    if (m.message_id() > last_sent_message_) to_send.push_back(m);
  }
  for (const v1::CarMessage& m : to_send) {
    v1::Uplink frame;
    *frame.mutable_car_message() = m;
    if (!co_await WriteFrame(frame, nullptr)) co_return false;
    last_sent_message_ = std::max(last_sent_message_, m.message_id());
    unconfirmed_.emplace_back(m.message_id(), max_sent_seq_);
  }
  co_return true;
}

void Uplink::ConfirmCarMessages(uint64_t acked_seq) {
  while (outbox_ != nullptr && !unconfirmed_.empty() && unconfirmed_.front().second < acked_seq) {
    const uint64_t id = unconfirmed_.front().first;
    unconfirmed_.pop_front();
    for (const v1::CarMessage& m : outbox_->pending()) {
      if (m.message_id() != id) continue;
      if (on_message_delivered) on_message_delivered(m);
      break;
    }
    if (Status status = outbox_->MarkDelivered(id); !status.ok()) {
      log_("car message " + std::to_string(id) + " delivered, but the outbox: " + status.message());
    }
  }
}

asio::awaitable<bool> Uplink::SendFixes(const std::vector<proto::SequencedFix>& fixes, bool live) {
  for (const proto::SequencedFix& fix : fixes) max_sent_seq_ = std::max(max_sent_seq_, fix.seq);
  v1::Uplink message;
  std::string* packed = message.mutable_fixes()->mutable_packed();
  for (const proto::SequencedFix& fix : fixes) encoder_.Encode(fix, packed);
  uint64_t& bytes = live ? stats_.live_bytes : stats_.backfill_bytes;
  (live ? stats_.live_fixes : stats_.backfill_fixes) += fixes.size();
  co_return co_await WriteFrame(message, &bytes);
}

asio::awaitable<void> Uplink::WriteLoop() {
  // Fixes up to the newest at connect time that the hub lacks are the backlog; the newest goes
  // first, then whatever arrives live, with the backlog filling the gaps in between.
  const uint64_t newest_at_connect = spool_.last_seq();
  uint64_t backlog_next = spool_.acked_seq() + 1;
  uint64_t live_next = std::max(newest_at_connect, backlog_next);
  auto last_sent = Clock::now();
  while (!stopped_ && socket_.is_open()) {
    while (!control_.empty()) {
      v1::Uplink frame = std::move(control_.front());
      control_.pop_front();
      if (!co_await WriteFrame(frame, nullptr)) co_return;
    }
    if (!co_await SendCarMessages()) co_return;
    if (live_next <= spool_.last_seq()) {
      auto fixes = spool_.Read(live_next, options_.backfill_batch);
      if (fixes.empty()) {
        live_next = spool_.last_seq() + 1;
        continue;
      }
      live_next = fixes.back().seq + 1;
      if (!co_await SendFixes(fixes, /*live=*/true)) co_return;
      last_sent = Clock::now();
      continue;
    }
    backlog_next = std::max(backlog_next, spool_.acked_seq() + 1);
    const bool backlog_left = backlog_next < newest_at_connect;
    const bool window_open = backlog_next <= spool_.acked_seq() + options_.max_unacked_sent;
    if (backlog_left && window_open) {
      const size_t count =
          std::min<uint64_t>(options_.backfill_batch, newest_at_connect - backlog_next);
      auto fixes = spool_.Read(backlog_next, count);
      while (!fixes.empty() && fixes.back().seq >= newest_at_connect) fixes.pop_back();
      if (fixes.empty()) {
        backlog_next = newest_at_connect;  // dropped from a full spool: nothing left to send
        continue;
      }
      backlog_next = fixes.back().seq + 1;
      if (!co_await SendFixes(fixes, /*live=*/false)) co_return;
      last_sent = Clock::now();
      continue;
    }
    if (Clock::now() - last_sent >= options_.ping_interval) {
      v1::Uplink ping;
      ping.mutable_ping()->set_time_ms(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
      if (!co_await WriteFrame(ping, nullptr)) co_return;
      last_sent = Clock::now();
    }
    wake_.expires_at(last_sent + options_.ping_interval);
    {
      boost::system::error_code ignored;
      co_await wake_.async_wait(NoThrow(ignored));
    }
  }
}

}  // namespace convoy::tracker
