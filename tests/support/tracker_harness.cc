#include "support/tracker_harness.h"

#include <gtest/gtest.h>

#include "proto/clock.h"
#include "tracker/sim_circle.h"

namespace convoy::testing {

TrackerHarness::TrackerHarness(uint16_t hub_port, std::string car_id, std::string secret,
                               std::filesystem::path spool_dir)
    : work_(io_.get_executor()),
      // A day ago: recent enough for the quality gate, and a long drive stays in the past.
      first_fix_ms_((SystemClock::Instance().NowUtcMs() - 86'400'000) / 1000 * 1000) {
  tracker::SpoolOptions spool_options;
  spool_options.dir = spool_dir;
  auto spool = tracker::Spool::Open(spool_options);
  EXPECT_TRUE(spool.ok()) << spool.message();
  spool_ = std::move(*spool);
  made_ = spool_->last_seq();
  tracker::UplinkOptions options;
  options.hub = {"127.0.0.1", hub_port};
  options.car_id = std::move(car_id);
  options.secret = std::move(secret);
  options.min_backoff = std::chrono::milliseconds(10);
  options.max_backoff = std::chrono::milliseconds(200);
  options.backfill_batch = 100;  // many frames, so cuts land mid-backlog
  uplink_ = std::make_unique<tracker::Uplink>(io_.get_executor(), options, *spool_,
                                              [](std::string_view) {});
  uplink_->on_ack = [this](uint64_t acked) { acked_ = acked; };
  thread_ = std::thread([this] { io_.run(); });
}

TrackerHarness::~TrackerHarness() {
  OnThread([this] {
    uplink_->Stop();
    return 0;
  });
  if (running_) {
    while (!run_ended_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  work_.reset();
  io_.stop();
  thread_.join();
}

void TrackerHarness::Connect() {
  running_ = true;
  asio::co_spawn(io_, uplink_->Run(), [this](std::exception_ptr) { run_ended_ = true; });
}

void TrackerHarness::MakeFixes(int count) {
  OnThread([this, count] {
    tracker::CircleOptions path;
    for (int i = 0; i < count; ++i) {
      const uint64_t n = made_ + 1;
      proto::Fix fix = tracker::CircleFixAt(path, static_cast<double>(n) - lag_s_,
                                            first_fix_ms_ + static_cast<int64_t>(n) * 1000);
      EXPECT_EQ(spool_->Append(fix), n);
      fixes_.push_back(fix);
      made_ = n;
    }
    uplink_->NotifyNewFix();
    return 0;
  });
}

bool TrackerHarness::WaitAllAcked(std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (acked_ < made_) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

tracker::UplinkStats TrackerHarness::stats() {
  return OnThread([this] { return uplink_->stats(); });
}

uint64_t TrackerHarness::spool_unacked() {
  return OnThread([this] { return spool_->unacked_count(); });
}

}  // namespace convoy::testing
