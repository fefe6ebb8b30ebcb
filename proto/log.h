// Log lines for people: "2026-06-13T08:01:02.345Z hub: car 12 connected from 10.1.2.3:50122".
// Secrets and staff tokens never go into a log line.
#pragma once

#include <csignal>
#include <functional>
#include <string>
#include <string_view>
#include <thread>

namespace convoy {

using LogFn = std::function<void(std::string_view line)>;

// A LogFn writing whole lines to stderr, safe to call from any thread.
LogFn LogToStderr(std::string component);

// Blocks SIGINT and SIGTERM in the calling thread (call it before starting other threads, which
// inherit the mask) and starts a thread that calls stop() when one arrives.
void StopOnSignals(std::function<void()> stop);

}  // namespace convoy
