#include "tracker/tracker.h"

#include "proto/clock.h"
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

  Uplink uplink(io.get_executor(), options.uplink, **spool, log);
  int interval_ms = options.report_interval_ms;
  uplink.on_radio = [&](const v1::RadioText& radio) {
    log("RADIO from " + (radio.from().empty() ? std::string("hub") : radio.from()) + ": " +
        radio.text());
  };
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
  if (Status status = (*spool)->Sync(); !status.ok())
    log("final spool sync failed: " + status.message());
  return 0;
}

}  // namespace convoy::tracker
