// The in-car unit as a library: GPS source -> spool -> uplink, on one thread.
#pragma once

#include <string>

#include "proto/log.h"
#include "tracker/uplink.h"

namespace convoy::tracker {

struct TrackerOptions {
  UplinkOptions uplink;
  std::string gps = "sim:circle";
  std::string spool_dir;
  int report_interval_ms = 1000;
  bool exit_when_done = false;
  bool console = true;  // read driver commands (sos, reply) from stdin: tracker/console.h
  bool speak = false;   // read radio messages aloud with espeak-ng when it is installed
};

// Runs until SIGINT/SIGTERM (or, with exit_when_done, until the source has ended and every fix
// is acknowledged). Returns the process exit code: 0, or 1 after printing why it could not start.
int RunTracker(const TrackerOptions& options, LogFn log);

}  // namespace convoy::tracker
