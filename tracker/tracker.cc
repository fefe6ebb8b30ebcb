#include "tracker/tracker.h"

#include "proto/clock.h"
#include "tracker/car_messages.h"
#include "tracker/console.h"
#include "tracker/gps_source.h"

namespace convoy::tracker {
int RunTracker(const TrackerOptions& options, LogFn log) {
  asio::io_context io(1);
  SpoolOptions spool_options;
  spool_options.dir = options.spool_dir;
  spool_options.log = log;
  auto spool = Spool::Open(spool_options);
  if (!spool.ok()) {
    log("cannot open the spool: " + spool.message());
    return 1;
  }
  auto source = MakeGpsSource(io.get_executor(), options.gps, SystemClock::Instance(), log);
  if (!source.ok()) {
    log(source.message());
    return 1;
  }
  log("reading " + (*source)->Describe() + "; spool " + options.spool_dir + " holds " +
      std::to_string((*spool)->unacked_count()) + " unacknowledged fixes");

  // SOS and replies wait beside the spool until the hub has them.
  auto outbox = CarMessageOutbox::Open(options.spool_dir);
  if (!outbox.ok()) {
    log("cannot open the car-message outbox: " + outbox.message());
    return 1;
  }
  if (!(*outbox)->pending().empty()) {
    log(std::to_string((*outbox)->pending().size()) + " car messages still to send");
  }
  Speaker speaker(options.speak, log);

  Uplink uplink(io.get_executor(), options.uplink, **spool, log);
  uplink.SetOutbox(outbox->get());
  int interval_ms = options.report_interval_ms;
  uplink.on_radio = [&](const v1::RadioText& radio) {
    // The uplink acknowledges delivery (RadioDelivered) as soon as it has read the message.
    log("RADIO from " + (radio.from().empty() ? std::string("hub") : radio.from()) + ": " +
        radio.text());
    speaker.Say(radio.text());
  };
  uplink.on_message_delivered = [&](const v1::CarMessage& message) {
    log(std::string(message.kind() == v1::CarMessage::SOS ? "SOS" : "reply") + " " +
        std::to_string(message.message_id()) + " reached the hub");
  };
  auto on_console_line = [&](const std::string& line) {
    const ConsoleCommand command = ParseConsoleLine(line);
    switch (command.kind) {
      case ConsoleCommand::Kind::kNone:
        return;
      case ConsoleCommand::Kind::kHelp:
        log(ConsoleHelp());
        return;
      case ConsoleCommand::Kind::kInvalid:
        log(command.text);
        return;
      case ConsoleCommand::Kind::kStatus:
        log(std::string(uplink.connected() ? "connected" : "not connected") + "; " +
            std::to_string((*spool)->unacked_count()) + " fixes and " +
            std::to_string((*outbox)->pending().size()) + " messages waiting for the hub");
        return;
      case ConsoleCommand::Kind::kSos:
      case ConsoleCommand::Kind::kReply: {
        const bool sos = command.kind == ConsoleCommand::Kind::kSos;
        auto id = (*outbox)->Add(sos ? v1::CarMessage::SOS : v1::CarMessage::CANNED_REPLY,
                                 command.text, SystemClock::Instance().NowUtcMs());
        if (!id.ok())
          log("the outbox could not save the message (it is still sent): " + id.message());
        log(std::string(sos ? "SOS" : "reply \"" + command.text + "\"") + " queued for the hub" +
            (uplink.connected() ? "" : " (sent when the link is back)"));
        uplink.NotifyNewMessage();
        return;
      }
    }
  };
  std::optional<StdinLines> console;
  if (options.console) console.emplace(io.get_executor(), on_console_line);
  uplink.on_report_rate = [&](uint32_t ms) {
    interval_ms = static_cast<int>(std::clamp<uint32_t>(ms, 100, 600'000));
    log("the hub set the report interval to " + std::to_string(interval_ms) + " ms");
  };

  bool source_ended = false, stopping = false;
  asio::steady_timer sync_timer(io);
  auto stop = [&] {
    if (stopping) return;
    stopping = true;
    uplink.Stop();
    sync_timer.cancel();
  };
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) stop();
  });

  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        std::optional<int64_t> last_spooled_ms;  // none yet
        while (!stopping) {
          std::optional<proto::Fix> fix = co_await (*source)->NextFix();
          if (!fix) break;
          // The report interval thins the receiver's rate; fixes without a time are always kept.
          if (last_spooled_ms && fix->time_ms != 0 &&
              fix->time_ms - *last_spooled_ms < interval_ms - 50) {
            continue;
          }
          last_spooled_ms = fix->time_ms;
          (*spool)->Append(*fix);
          uplink.NotifyNewFix();
        }
        source_ended = true;
        log("the GPS source has ended");
      },
      asio::detached);

  // Sync the spool at least once a second; with exit_when_done, also watch for the end.
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        bool reported = false;
        while (!stopping) {
          sync_timer.expires_after(std::chrono::milliseconds(250));
          {
            boost::system::error_code ignored;
            co_await sync_timer.async_wait(NoThrow(ignored));
          }
          speaker.Poll();
          if (Status status = (*spool)->Sync(); !status.ok() && !reported) {
            log("spool sync failed (will retry): " + status.message());
            reported = true;
          } else if (status.ok()) {
            reported = false;
          }
          if (options.exit_when_done && source_ended && (*spool)->unacked_count() == 0) {
            log("every fix is acknowledged; exiting");
            stop();
          }
        }
      },
      asio::detached);

  asio::co_spawn(io, uplink.Run(), [&](std::exception_ptr) {
    signals.cancel();
    sync_timer.cancel();
    io.stop();
  });
  io.run();
  console.reset();
  if (Status status = (*spool)->Sync(); !status.ok())
    log("final spool sync failed: " + status.message());
  return 0;
}

}  // namespace convoy::tracker
