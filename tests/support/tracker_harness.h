// A tracker in the test process: a spool, a real uplink and its own thread. Fixes are made on
// demand, so a test decides what the car reports and when.
#pragma once

#include <atomic>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "proto/fix.h"
#include "tracker/spool.h"
#include "tracker/uplink.h"

namespace convoy::testing {

class TrackerHarness {
 public:
  // spool_dir empty: an in-memory spool.
  TrackerHarness(uint16_t hub_port, std::string car_id, std::string secret,
                 std::filesystem::path spool_dir = {});
  ~TrackerHarness();

  // Spools `count` more fixes (seq made()+1 ...) on a circle in Rome, each 1 s after the one
  // before, starting a day ago (so the hub's quality gate passes them).
  void MakeFixes(int count);
  // Drive `lag_s` seconds behind a car made with no lag (a follower in the convoy).
  void set_lag_s(double lag_s) { lag_s_ = lag_s; }
  // Starts reporting (the uplink starts connecting).
  void Connect();
  // Waits until the hub has acknowledged every fix made so far, or the timeout passes.
  bool WaitAllAcked(std::chrono::seconds timeout = std::chrono::seconds(60));

  uint64_t made() const { return made_; }
  uint64_t acked() const { return acked_; }
  // The fixes made, index i holding seq i+1.
  const std::vector<proto::Fix>& fixes() const { return fixes_; }
  tracker::UplinkStats stats();
  uint64_t spool_unacked();

 private:
  template <class F>
  auto OnThread(F&& f) {
    // Not a packaged_task: Asio treats one as a completion token and takes its future.
    auto promise = std::make_shared<std::promise<decltype(f())>>();
    auto result = promise->get_future();
    asio::post(io_, [promise, f = std::forward<F>(f)]() mutable { promise->set_value(f()); });
    return result.get();
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::unique_ptr<tracker::Spool> spool_;
  std::unique_ptr<tracker::Uplink> uplink_;
  std::vector<proto::Fix> fixes_;
  int64_t first_fix_ms_;
  double lag_s_ = 0;
  std::atomic<uint64_t> made_{0}, acked_{0};
  bool running_ = false;
  std::atomic<bool> run_ended_{false};
  std::thread thread_;
};

}  // namespace convoy::testing
