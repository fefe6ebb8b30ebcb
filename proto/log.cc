#include "proto/log.h"

#include <pthread.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace convoy {

LogFn LogToStderr(std::string component) {
  return [component = std::move(component)](std::string_view line) {
    static std::mutex mu;
    using namespace std::chrono;
    const auto now = system_clock::now();
    const std::time_t seconds = system_clock::to_time_t(now);
    const int ms =
        static_cast<int>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    std::lock_guard guard(mu);
    std::fprintf(stderr, "%s.%03dZ %s: %.*s\n", stamp, ms, component.c_str(),
                 static_cast<int>(line.size()), line.data());
  };
}

void StopOnSignals(std::function<void()> stop) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals, stop = std::move(stop)] {
    int received = 0;
    sigwait(&signals, &received);
    stop();
  }).detach();
}

}  // namespace convoy
