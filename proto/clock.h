// Time behind a narrow interface so tests can drive it. Wall time is UTC milliseconds since
// 1970-01-01; it can jump (NTP, a user). Steady time only moves forward and is for timeouts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace convoy {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowUtcMs() const = 0;
  virtual int64_t SteadyMs() const = 0;
};

// The system's clocks. Thread-safe.
class SystemClock final : public Clock {
 public:
  int64_t NowUtcMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
  int64_t SteadyMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
  }
  static SystemClock& Instance() {
    static SystemClock clock;
    return clock;
  }
};

// A clock that moves only when told. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t utc_ms = 1'700'000'000'000) : utc_ms_(utc_ms) {}
  int64_t NowUtcMs() const override { return utc_ms_.load(); }
  int64_t SteadyMs() const override { return steady_ms_.load(); }
  void Advance(int64_t ms) {
    utc_ms_ += ms;
    steady_ms_ += ms;
  }
  // A wall-clock jump; steady time is unaffected.
  void SetUtcMs(int64_t utc_ms) { utc_ms_ = utc_ms; }

 private:
  std::atomic<int64_t> utc_ms_;
  std::atomic<int64_t> steady_ms_{0};
};

}  // namespace convoy
