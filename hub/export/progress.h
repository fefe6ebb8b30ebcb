// A progress bar for long work, drawn on stderr only when stderr is a terminal: a person watching
// sees it move, and logs and pipes get nothing (no carriage returns in a CI log).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace convoy::hub {

// Not thread-safe: one thread reports.
class Progress {
 public:
  // Enabled when `out` is a terminal (isatty). `out` must outlive the Progress.
  explicit Progress(std::FILE* out);
  // Always disabled: draws nothing.
  Progress() = default;
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return out_ != nullptr; }

  // Begins a phase ("reading", "writing fixes") of `total` units named `unit` ("MB", "fixes").
  // Ends the previous phase's line.
  void Start(std::string_view label, uint64_t total, std::string_view unit);
  // Cheap enough to call per fix: redraws at most about 8 times a second.
  void Update(uint64_t done) {
    if (out_ == nullptr || done < next_check_) return;
    Draw(done, false);
  }
  // Draws the phase as complete and ends its line.
  void Finish();

 private:
  void Draw(uint64_t done, bool force);

  std::FILE* out_ = nullptr;
  std::string label_;
  std::string unit_;
  uint64_t total_ = 0;
  uint64_t done_ = 0;
  uint64_t next_check_ = 0;
  bool open_line_ = false;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace convoy::hub
