// The tracker's console (stdin) and its voice: what the driver types, and the convoy radio read
// aloud.
//
// Commands, one per line:
//   sos [TEXT]         an SOS to the desk (CarMessage SOS), with optional text
//   reply N            canned reply N (1 "OK", 2 "Need fuel", 3 "Need a toilet stop",
//                      4 "Running late")
//   reply TEXT         the canned reply with this text (case-insensitive), e.g. "reply ok"
//   status             link state, fixes waiting, messages waiting
//   help               this list
// Messages go through the car's outbox (tracker/car_messages.h): spooled, resent until the hub
// has them.
#pragma once

#include <sys/types.h>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "convoy/v1/convoy.pb.h"
#include "proto/asio.h"
#include "proto/log.h"

namespace convoy::tracker {

struct ConsoleCommand {
  enum class Kind { kNone, kSos, kReply, kStatus, kHelp, kInvalid };
  Kind kind = Kind::kNone;  // kNone: an empty line
  std::string text;         // kSos: the driver's text; kReply: the canned text; kInvalid: why
};

// Pure; never fails (an unknown command is kInvalid with a hint).
ConsoleCommand ParseConsoleLine(std::string_view line);
const char* ConsoleHelp();

// Reads stdin lines on a thread of its own (stdin may be a terminal, a pipe or a file, which
// Asio cannot wait on) and hands each to `on_line` on `executor`. Stops handing lines over when
// destroyed; the thread itself ends at end of input (it is detached: a read on a terminal cannot
// be interrupted).
class StdinLines {
 public:
  StdinLines(asio::any_io_executor executor, std::function<void(std::string)> on_line);
  ~StdinLines();

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
};

// Speaks radio messages with espeak-ng as a child process, one at a time, never waiting for it
// on the caller's thread (the uplink shares that thread). Call Poll() now and then (it reaps
// the finished child and starts the next). Silent (and says so once) when espeak-ng is not on
// PATH. Not thread-safe.
class Speaker {
 public:
  Speaker(bool enabled, LogFn log);
  ~Speaker();  // stops a child still speaking

  bool available() const { return !program_.empty(); }
  void Say(std::string text);  // queued; at most 8 waiting (the oldest are dropped)
  void Poll();

 private:
  std::string program_;  // the full path of espeak-ng; empty: silent
  LogFn log_;
  std::deque<std::string> queue_;
  pid_t child_ = -1;
};

}  // namespace convoy::tracker
