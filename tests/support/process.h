// Child processes for tests that need a real process boundary (kill -9, restarts).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace convoy::testing {

class Process {
 public:
  // Starts argv[0] (a path) with stdout and stderr sent to the given files.
  Process(const std::vector<std::string>& argv, const std::filesystem::path& stdout_path,
          const std::filesystem::path& stderr_path);
  ~Process();  // kills the child with SIGKILL if it still runs

  pid_t pid() const { return pid_; }
  void Signal(int signal);
  // Waits for the child to end; returns its exit status (128+signal when killed), or -1 on
  // timeout.
  int Wait(std::chrono::milliseconds timeout = std::chrono::minutes(2));
  bool running();

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Waits until `file` has a line starting with `prefix`; returns it, or "" on timeout.
std::string WaitForLine(const std::filesystem::path& file, const std::string& prefix,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The port in a hub's "ready trackers=HOST:PORT ..." line, 0 if none.
uint16_t ReadyPort(const std::string& ready_line, const std::string& key = "trackers");

}  // namespace convoy::testing
