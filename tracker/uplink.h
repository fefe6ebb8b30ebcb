// The tracker's link to the hub: connect, prove the car's identity, send every spooled fix until
// the hub acknowledges it, and reconnect with backoff when the link drops. After an outage the
// newest fix goes first, so the live map is current at once; the backlog follows behind it.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <string>

#include "convoy/v1/convoy.pb.h"
#include "proto/asio.h"
#include "proto/fix_codec.h"
#include "proto/framing.h"
#include "proto/host_port.h"
#include "proto/log.h"
#include "tracker/car_messages.h"
#include "tracker/spool.h"

namespace convoy::tracker {

struct UplinkOptions {
  proto::HostPort hub;
  std::string car_id;
  std::string secret;  // never logged
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds min_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  std::chrono::milliseconds ping_interval{30'000};  // when nothing else is sent
  std::chrono::milliseconds idle_timeout{90'000};   // nothing heard from the hub: reconnect
  size_t backfill_batch = 4096;                     // fixes per backfill frame
  uint64_t max_unacked_sent = 32768;                // backfill fixes sent and not yet acknowledged
};

struct UplinkStats {
  uint64_t connects = 0;
  uint64_t refusals = 0;
  uint64_t live_fixes = 0, live_bytes = 0;          // frames of fresh fixes, framing included
  uint64_t backfill_fixes = 0, backfill_bytes = 0;  // frames of the backlog
  uint64_t acked_seq = 0;
};

// Runs on one strand (the executor given); not thread-safe. The spool must outlive it.
class Uplink {
 public:
  Uplink(asio::any_io_executor executor, UplinkOptions options, Spool& spool, LogFn log);

  // Keeps the link up until Stop().
  asio::awaitable<void> Run();
  // A new fix is in the spool.
  void NotifyNewFix() { wake_.cancel(); }
  void Stop();

  // Car messages (SOS, canned replies) come from this outbox; it must outlive the uplink. Each
  // pending message is sent once per connection, oldest first, ahead of fixes. The protocol has
  // no receipt for a CarMessage, so delivery is inferred: the hub reads a connection's frames in
  // order, so once it acknowledges a fix sent after the message, it has read the message (and
  // journals in order). Until then the message stays pending and is sent again on the next
  // connection (the hub keeps one per message_id). Set before Run().
  void SetOutbox(CarMessageOutbox* outbox) { outbox_ = outbox; }
  // A new message is in the outbox.
  void NotifyNewMessage() { wake_.cancel(); }
  // false: drop the connection and stay offline (a tunnel, a dead zone) until set true again;
  // fixes keep spooling and are backfilled on reconnection.
  void SetLinkUp(bool up);

  bool connected() const { return connected_; }
  const UplinkStats& stats() const { return stats_; }

  // Hooks for messages from the hub; set before Run().
  std::function<void(const v1::RadioText&)> on_radio;
  std::function<void(uint32_t interval_ms)> on_report_rate;
  std::function<void(uint64_t acked_seq)> on_ack;
  // A car message the hub has read (see SetOutbox), just before it leaves the outbox.
  std::function<void(const v1::CarMessage&)> on_message_delivered;

 private:
  asio::awaitable<bool> Connect();
  asio::awaitable<bool> Handshake();
  asio::awaitable<void> ReadLoop();
  asio::awaitable<void> WriteLoop();
  asio::awaitable<bool> ReadFrame(v1::Downlink* message);
  asio::awaitable<bool> WriteFrame(const v1::Uplink& message, uint64_t* bytes);
  asio::awaitable<bool> SendCarMessages();
  void ConfirmCarMessages(uint64_t acked_seq);
  asio::awaitable<bool> SendFixes(const std::vector<proto::SequencedFix>& fixes, bool live);
  std::chrono::milliseconds NextBackoff();
  void CloseSocket();

  asio::any_io_executor executor_;
  UplinkOptions options_;
  Spool& spool_;
  LogFn log_;
  asio::ip::tcp::socket socket_;
  asio::steady_timer wake_;
  asio::steady_timer deadline_;
  proto::FrameReader reader_;
  proto::FixEncoder encoder_;
  std::deque<v1::Uplink> control_;  // small frames to send before fixes (delivery receipts)
  std::mt19937_64 random_;
  int failures_ = 0;
  bool stopped_ = false;
  bool connected_ = false;
  bool reader_done_ = false;
  bool link_down_ = false;
  CarMessageOutbox* outbox_ = nullptr;
  uint64_t max_sent_seq_ = 0;       // this connection: the highest fix seq sent (or acked)
  uint64_t last_sent_message_ = 0;  // this connection: the newest message id sent
  // This connection: messages sent, each with max_sent_seq_ at the time (an ack above it
  // confirms the message).
  std::deque<std::pair<uint64_t, uint64_t>> unconfirmed_;
  UplinkStats stats_;
};

}  // namespace convoy::tracker
