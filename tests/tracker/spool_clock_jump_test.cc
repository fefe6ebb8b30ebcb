// The tracker's system clock jumps (issue 8): NTP steps it back an hour, a user sets it a day
// ahead, and the fixes stamped from it jump with it. Nothing acknowledged may be lost and
// nothing recorded twice: the spool numbers fixes by arrival, not by time, the uplink's timers
// run on the steady clock, and the hub knows a fix by its seq. A real spool on disk (reopened
// across a tracker restart between the jumps), a real uplink, a real hub on loopback.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "proto/clock.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"
#include "tracker/spool.h"
#include "tracker/uplink.h"

namespace convoy::tracker {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

// One tracker run: a spool reopened from `dir` and an uplink on its own thread.
class TrackerRun {
 public:
  TrackerRun(uint16_t port, const std::filesystem::path& dir) : work_(io_.get_executor()) {
    SpoolOptions spool_options;
    spool_options.dir = dir;
    auto spool = Spool::Open(spool_options);
    EXPECT_TRUE(spool.ok()) << spool.message();
    spool_ = std::move(*spool);
    UplinkOptions options;
    options.hub = {"127.0.0.1", port};
    options.car_id = "car1";
    options.secret = "secret-of-car1";
    options.min_backoff = 10ms;
    options.max_backoff = 200ms;
    uplink_ =
        std::make_unique<Uplink>(io_.get_executor(), options, *spool_, [](std::string_view) {});
    uplink_->on_ack = [this](uint64_t acked) { acked_ = acked; };
    asio::co_spawn(io_, uplink_->Run(), [this](std::exception_ptr) { ended_ = true; });
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TrackerRun() {
    OnThread([this] { uplink_->Stop(); });
    while (!ended_) std::this_thread::sleep_for(5ms);
    work_.reset();
    io_.stop();
    thread_.join();
  }
  // Spools a fix stamped `time_ms` (as a source restamping onto the system clock would);
  // returns its seq.
  uint64_t Append(int64_t time_ms, int n) {
    proto::Fix fix;
    fix.time_ms = time_ms;
    fix.lat_e7 = 419'000'000 + n * 50;
    fix.lon_e7 = 124'000'000;
    fix.quality = proto::FixQuality::k3D;
    uint64_t seq = 0;
    OnThread([&] {
      seq = spool_->Append(fix);
      uplink_->NotifyNewFix();
    });
    return seq;
  }
  bool WaitAcked(uint64_t seq) {
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    while (acked_ < seq) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(10ms);
    }
    return true;
  }

 private:
  template <class F>
  void OnThread(F f) {
    std::promise<void> done;
    asio::post(io_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<Spool> spool_;
  std::unique_ptr<Uplink> uplink_;
  std::atomic<uint64_t> acked_{0};
  std::atomic<bool> ended_{false};
  std::thread thread_;
};

TEST(SpoolClockJumpTest, FixesStampedAcrossClockJumpsAreAllAckedAndRecordedOnce) {
  TempDir dir;
  testing::HubHarness hub(dir / "data", testing::TestRosterCsv(1));
  // The tracker's clock as its fixes carry it: an hour behind the hub's to start with, then two
  // hours behind, then 22 hours ahead (the hub's gate flags those; they are still recorded).
  FakeClock clock(SystemClock::Instance().NowUtcMs() - 3'600'000);
  std::vector<int64_t> stamped;  // by seq - 1
  uint64_t last = 0;
  {
    TrackerRun tracker(hub.port(), dir / "spool");
    for (int i = 0; i < 20; ++i, clock.Advance(1000)) {
      stamped.push_back(clock.NowUtcMs());
      last = tracker.Append(clock.NowUtcMs(), i);
    }
    clock.SetUtcMs(clock.NowUtcMs() - 3'600'000);  // NTP steps the clock back an hour
    for (int i = 20; i < 40; ++i, clock.Advance(1000)) {
      stamped.push_back(clock.NowUtcMs());
      last = tracker.Append(clock.NowUtcMs(), i);
    }
    ASSERT_TRUE(tracker.WaitAcked(last)) << "seq " << last;
  }
  // The tracker restarts after its clock was set a day ahead; its spool numbers on.
  clock.SetUtcMs(clock.NowUtcMs() + 86'400'000);
  {
    TrackerRun tracker(hub.port(), dir / "spool");
    for (int i = 40; i < 60; ++i, clock.Advance(1000)) {
      stamped.push_back(clock.NowUtcMs());
      last = tracker.Append(clock.NowUtcMs(), i);
    }
    ASSERT_EQ(last, 60u) << "the spool's numbering restarted";
    ASSERT_TRUE(tracker.WaitAcked(last)) << "seq " << last;
  }
  const auto recorded = testing::ReadRecordedFixes(dir / "data");
  ASSERT_EQ(recorded.count("car1"), 1u);
  std::vector<int> seen(61, 0);
  for (const auto& fix : recorded.at("car1")) {
    ASSERT_GE(fix.seq, 1u);
    ASSERT_LE(fix.seq, 60u);
    ++seen[fix.seq];
    // Recorded as stamped, jumps and all: the hub does not rewrite a car's times (its quality
    // gate flags what it does not believe, without dropping it).
    EXPECT_EQ(fix.fix.time_ms, stamped[fix.seq - 1]) << "seq " << fix.seq;
  }
  for (int seq = 1; seq <= 60; ++seq) EXPECT_EQ(seen[seq], 1) << "seq " << seq;
}

}  // namespace
}  // namespace convoy::tracker
