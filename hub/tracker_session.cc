#include "hub/tracker_session.h"

#include "proto/frame_io.h"
#include "proto/handshake.h"

namespace convoy::hub {
namespace {

using asio::use_awaitable;
// Seqs above this are certainly corrupt: a car at 10 Hz for a century stays far below it.
constexpr uint64_t kMaxSeq = uint64_t{1} << 40;

bool ToFix(const v1::Fix& in, proto::Fix* out) {
  out->time_ms = in.time_ms();
  out->lat_e7 = in.lat_e7();
  out->lon_e7 = in.lon_e7();
  out->altitude_dm = in.altitude_dm();
  out->speed_cmps = in.speed_cmps();
  out->course_cdeg = in.course_cdeg();
  out->hdop_c = in.hdop_c();
  out->satellites = in.satellites();
  out->quality = static_cast<proto::FixQuality>(in.quality());
  return in.quality() >= 0 && in.quality() <= proto::kMaxFixQuality && proto::InRange(*out);
}

}  // namespace

TrackerSession::TrackerSession(asio::ip::tcp::socket socket, Ingest& ingest,
                               TrackerRegistry& registry, const TrackerSessionOptions& options,
                               LogFn log)
    : socket_(std::move(socket)),
      wake_(socket_.get_executor()),
      deadline_(socket_.get_executor()),
      ingest_(ingest),
      registry_(registry),
      options_(options),
      log_(std::move(log)) {
  boost::system::error_code ec;
  const auto endpoint = socket_.remote_endpoint(ec);
  peer_ =
      ec ? "unknown peer" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

std::string TrackerSession::Peer() const {
  return car_id_.empty() ? peer_ : "car " + car_id_ + " (" + peer_ + ")";
}

asio::awaitable<void> TrackerSession::Run() {
  auto self = shared_from_this();
  // The watchdog closes the socket when a read has waited past its deadline.
  deadline_.expires_after(options_.handshake_timeout);
  asio::co_spawn(
      socket_.get_executor(),
      [self]() -> asio::awaitable<void> {
        while (self->socket_.is_open()) {
          {
            boost::system::error_code ignored;
            co_await self->deadline_.async_wait(NoThrow(ignored));
          }
          if (self->deadline_.expiry() <= asio::steady_timer::clock_type::now()) {
            if (!self->closing_) self->log_("closing " + self->Peer() + ": timed out");
            self->Close();
          }
        }
      },
      asio::detached);

  if (!co_await Handshake()) {
    Close();
    co_return;
  }
  registry_.Attach(car_index_, self);
  asio::co_spawn(
      socket_.get_executor(), [self] { return self->WriteLoop(); }, asio::detached);
  const TrackerHooks& hooks = registry_.hooks();
  // Radio messages the car has not confirmed yet go out now.
  if (hooks.on_connected) hooks.on_connected(car_index_);

  v1::Uplink message;
  while (co_await ReadFrame(&message, options_.idle_timeout)) {
    bool ok = true;
    switch (message.body_case()) {
      case v1::Uplink::kFixes:
        ok = co_await HandleFixes(message.fixes());
        break;
      case v1::Uplink::kPing: {
        v1::Downlink pong;
        pong.mutable_pong()->set_time_ms(message.ping().time_ms());
        Send(std::move(pong));
        break;
      }
      case v1::Uplink::kRadioDelivered:
        if (hooks.on_radio_delivered) {
          hooks.on_radio_delivered(car_index_, message.radio_delivered().message_id());
        }
        break;
      case v1::Uplink::kCarMessage:
        if (hooks.on_car_message) hooks.on_car_message(car_index_, message.car_message());
        break;
      default:
        log_("closing " + Peer() + ": unexpected frame after the handshake");
        ok = false;
    }
    if (!ok) break;
  }
  Close();
  registry_.Detach(car_index_, this);
}

asio::awaitable<bool> TrackerSession::ReadFrame(v1::Uplink* message,
                                                std::chrono::milliseconds timeout) {
  deadline_.expires_after(timeout);
  if (reader_.buffered_bytes() == 0 && decoded_.capacity() > 256) {
    std::vector<proto::SequencedFix>().swap(decoded_);  // idle: give back a backfill's memory
  }
  const proto::FrameReadResult result = co_await proto::ReadFrame(socket_, reader_, message);
  if (result.ok()) co_return true;
  if (result.status == proto::FrameReadResult::kClosed && result.error == asio::error::eof &&
      reader_.buffered_bytes() > 0 && !closing_) {
    // A frame cut short by the peer is not a normal hang-up (broken firmware, or a probe): say so.
    log_("closing " + Peer() + ": connection ended inside a frame (" +
         std::to_string(reader_.buffered_bytes()) + " bytes of it received)");
    co_return false;
  }
  const bool quiet = result.status == proto::FrameReadResult::kClosed &&
                     (result.error == asio::error::eof || closing_);
  if (!quiet) log_("closing " + Peer() + ": " + result.Describe());
  co_return false;
}

void TrackerSession::Refuse(v1::Refused::Reason reason, std::string detail) {
  v1::Downlink refusal;
  refusal.mutable_refused()->set_reason(reason);
  refusal.mutable_refused()->set_detail(std::move(detail));
  auto buffer = std::make_shared<std::string>();
  proto::AppendFrame(refusal, buffer.get());
  // Best effort: the socket closes right after; a peer that is not reading loses it.
  boost::system::error_code ec;
  asio::write(socket_, asio::buffer(*buffer), ec);
}

asio::awaitable<bool> TrackerSession::Handshake() {
  v1::Uplink message;
  if (!co_await ReadFrame(&message, options_.handshake_timeout)) co_return false;
  if (!message.has_hello()) {
    log_("refused " + Peer() + ": the first frame is not a Hello");
    Refuse(v1::Refused::PROTOCOL_ERROR, "expected Hello");
    co_return false;
  }
  const v1::Hello hello = message.hello();
  if (hello.min_version() > proto::kProtocolVersion ||
      hello.max_version() < proto::kProtocolVersion) {
    log_("refused " + Peer() + ": speaks protocol versions " + std::to_string(hello.min_version()) +
         "-" + std::to_string(hello.max_version()));
    Refuse(v1::Refused::UNSUPPORTED_VERSION, "this hub speaks version 1");
    co_return false;
  }
  if (hello.car_id().size() > proto::kMaxCarIdBytes ||
      hello.client_nonce().size() != proto::kNonceBytes) {
    log_("refused " + peer_ + ": malformed Hello");
    Refuse(v1::Refused::PROTOCOL_ERROR, "malformed Hello");
    co_return false;
  }
  const proto::RosterCar* car = ingest_.roster().Find(hello.car_id());
  // An unknown car gets a challenge like any other, so ids cannot be probed.
  const std::string secret = car ? car->secret : proto::RandomNonce();
  const std::string hub_nonce = proto::RandomNonce();
  v1::Downlink challenge;
  challenge.mutable_challenge()->set_version(proto::kProtocolVersion);
  challenge.mutable_challenge()->set_hub_nonce(hub_nonce);
  std::string buffer;
  proto::AppendFrame(challenge, &buffer);
  if (co_await proto::WriteBytes(socket_, buffer)) {
    co_return false;
  }
  if (!co_await ReadFrame(&message, options_.handshake_timeout)) co_return false;
  const std::string expected =
      proto::HandshakeMac(proto::HandshakeRole::kCar, secret, proto::kProtocolVersion,
                          hello.car_id(), hello.client_nonce(), hub_nonce);
  if (!message.has_auth() || !proto::MacMatches(message.auth().mac(), expected)) {
    log_("refused " + peer_ + ": " +
         (car ? "wrong secret for car " + car->id : std::string("unknown car id")));
    Refuse(v1::Refused::BAD_CREDENTIALS, "unknown car or wrong secret");
    co_return false;
  }
  car_index_ = car->index;
  car_id_ = car->id;
  const CarSnapshot snapshot = ingest_.Snapshot(car_index_);
  v1::Downlink welcome;
  v1::Welcome* w = welcome.mutable_welcome();
  w->set_acked_seq(snapshot.durable_watermark);
  w->set_highest_seq(snapshot.highest_seq);
  w->set_report_interval_ms(options_.report_interval_ms);
  w->set_max_frame_bytes(proto::kMaxFrameBytes);
  w->set_hub_mac(proto::HandshakeMac(proto::HandshakeRole::kHub, secret, proto::kProtocolVersion,
                                     hello.car_id(), hello.client_nonce(), hub_nonce));
  ack_sent_ = ack_to_send_ = snapshot.durable_watermark;
  buffer.clear();
  proto::AppendFrame(welcome, &buffer);
  if (co_await proto::WriteBytes(socket_, buffer)) {
    co_return false;
  }
  log_("car " + car_id_ + " connected from " + peer_ + " (acked up to " +
       std::to_string(snapshot.durable_watermark) + ")");
  co_return true;
}

asio::awaitable<bool> TrackerSession::HandleFixes(const v1::FixBatch& batch) {
  decoded_.clear();
  if (!batch.packed().empty()) {
    if (Status status = decoder_.Decode(batch.packed(), &decoded_); !status.ok()) {
      log_("closing " + Peer() + ": " + status.message());
      co_return false;
    }
  }
  for (const v1::SequencedFix& plain : batch.fixes()) {
    proto::SequencedFix fix{plain.seq(), {}};
    if (!ToFix(plain.fix(), &fix.fix)) {
      log_("closing " + Peer() + ": fix " + std::to_string(plain.seq()) +
           " has fields out of range");
      co_return false;
    }
    decoder_.Observe(fix);
    decoded_.push_back(fix);
  }
  for (const proto::SequencedFix& fix : decoded_) {
    if (fix.seq == 0 || fix.seq > kMaxSeq || !proto::InRange(fix.fix)) {
      log_("closing " + Peer() + ": fix with invalid seq " + std::to_string(fix.seq));
      co_return false;
    }
  }
  if (decoded_.empty()) co_return true;

  std::weak_ptr<TrackerSession> weak = weak_from_this();
  auto executor = socket_.get_executor();
  for (int attempt = 0;; ++attempt) {
    auto on_durable = [weak, executor](const Status& status, uint64_t watermark) {
      asio::post(executor, [weak, status, watermark] {
        if (auto self = weak.lock()) self->OnDurable(status, watermark);
      });
    };
    switch (ingest_.Accept(car_index_, decoded_, v1::JournalFixes::SOURCE_UNIT, on_durable)) {
      case Ingest::AcceptResult::kQueued:
        ++batches_in_journal_;
        co_return true;
      case Ingest::AcceptResult::kNothingNew:
        ack_to_send_ = std::max(ack_to_send_, ingest_.Snapshot(car_index_).durable_watermark);
        Wake();
        co_return true;
      case Ingest::AcceptResult::kBusy: {
        // The journal is behind: stop reading, which pushes back on the car through TCP.
        asio::steady_timer pause(executor, std::chrono::milliseconds(std::min(2 << attempt, 200)));
        {
          boost::system::error_code ignored;
          co_await pause.async_wait(NoThrow(ignored));
        }
        if (closing_) co_return false;
        deadline_.expires_after(options_.idle_timeout);
        break;
      }
    }
  }
}

void TrackerSession::OnDurable(const Status& status, uint64_t watermark) {
  --batches_in_journal_;
  if (!status.ok()) {
    // Nothing in the failed batch was acknowledged; the car resends it after reconnecting.
    log_("closing " + Peer() + ": recording failed: " + status.message());
    Close();
    return;
  }
  if (watermark > ack_to_send_) {
    ack_to_send_ = watermark;
    Wake();
  }
}

asio::awaitable<void> TrackerSession::WriteLoop() {
  auto self = shared_from_this();
  std::string buffer;
  while (!closing_) {
    buffer.clear();
    for (const v1::Downlink& message : outbox_) proto::AppendFrame(message, &buffer);
    outbox_.clear();
    if (ack_to_send_ > ack_sent_) {
      v1::Downlink ack;
      ack.mutable_ack()->set_acked_seq(ack_to_send_);
      proto::AppendFrame(ack, &buffer);
      ack_sent_ = ack_to_send_;
    }
    if (buffer.empty()) {
      wake_.expires_at(asio::steady_timer::time_point::max());
      {
        boost::system::error_code ignored;
        co_await wake_.async_wait(NoThrow(ignored));
      }
      continue;
    }
    if (co_await proto::WriteBytes(socket_, buffer)) {
      break;
    }
  }
  write_loop_done_ = true;
  Close();
}

void TrackerSession::Send(v1::Downlink message) {
  asio::post(socket_.get_executor(),
             [self = shared_from_this(), message = std::move(message)]() mutable {
               if (self->outbox_.size() >= self->options_.max_queued_downlinks) {
                 self->outbox_.erase(self->outbox_.begin());
               }
               self->outbox_.push_back(std::move(message));
               self->Wake();
             });
}

void TrackerSession::Close() {
  asio::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    if (self->closing_) return;
    self->closing_ = true;
    boost::system::error_code ec;
    self->socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    self->socket_.close(ec);
    self->wake_.cancel();
    self->deadline_.cancel();
  });
}

void TrackerRegistry::Attach(size_t car_index, const std::shared_ptr<TrackerSession>& session) {
  std::shared_ptr<TrackerSession> previous;
  {
    std::lock_guard guard(mu_);
    previous = sessions_.at(car_index).lock();
    sessions_[car_index] = session;
  }
  if (previous && previous != session) previous->Close();
}

void TrackerRegistry::Detach(size_t car_index, const TrackerSession* session) {
  std::lock_guard guard(mu_);
  if (car_index < sessions_.size() && sessions_[car_index].lock().get() == session) {
    sessions_[car_index].reset();
  }
}

std::shared_ptr<TrackerSession> TrackerRegistry::Find(size_t car_index) const {
  std::lock_guard guard(mu_);
  return car_index < sessions_.size() ? sessions_[car_index].lock() : nullptr;
}

size_t TrackerRegistry::connected() const {
  std::lock_guard guard(mu_);
  size_t count = 0;
  for (const auto& session : sessions_) count += !session.expired();
  return count;
}

void TrackerRegistry::CloseAll() {
  std::vector<std::shared_ptr<TrackerSession>> open;
  {
    std::lock_guard guard(mu_);
    for (const auto& session : sessions_) {
      if (auto s = session.lock()) open.push_back(std::move(s));
    }
  }
  for (auto& session : open) session->Close();
}

}  // namespace convoy::hub
