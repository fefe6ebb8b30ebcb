#include "hub/export/progress.h"

#include <unistd.h>

#include <algorithm>

namespace convoy::hub {

namespace {
constexpr auto kRedrawEvery = std::chrono::milliseconds(125);
constexpr int kBarWidth = 30;
}  // namespace

Progress::Progress(std::FILE* out) {
  if (out != nullptr && ::isatty(::fileno(out))) out_ = out;
}

Progress::~Progress() {
  if (open_line_) Finish();
}

void Progress::Start(std::string_view label, uint64_t total, std::string_view unit) {
  if (out_ == nullptr) return;
  if (open_line_) Finish();
  label_ = label;
  unit_ = unit;
  total_ = total;
  done_ = 0;
  next_check_ = 0;
  started_ = std::chrono::steady_clock::now();
  last_draw_ = {};
  Draw(0, true);
}

void Progress::Finish() {
  if (out_ == nullptr || !open_line_) return;
  Draw(std::max(done_, total_), true);
  std::fputc('\n', out_);
  std::fflush(out_);
  open_line_ = false;
}

void Progress::Draw(uint64_t done, bool force) {
  done_ = done;
  // Checking the clock costs more than the caller's work per unit: look again after 1/1000 of
  // the total.
  next_check_ = done + std::max<uint64_t>(1, total_ / 1000);
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < kRedrawEvery) return;
  last_draw_ = now;
  const double fraction = total_ == 0 ? 1.0 : std::min(1.0, double(done) / double(total_));
  const int filled = static_cast<int>(fraction * kBarWidth);
  char bar[kBarWidth + 1];
  for (int i = 0; i < kBarWidth; ++i) bar[i] = i < filled ? '#' : '.';
  bar[kBarWidth] = '\0';
  const double elapsed_s = std::chrono::duration<double>(now - started_).count();
  // \r and clear-to-end-of-line: the line shrinks cleanly when the label gets shorter.
  std::fprintf(out_, "\r\033[K%-14s [%s] %3d%%  %llu/%llu %s  %.1f s", label_.c_str(), bar,
               static_cast<int>(fraction * 100), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total_), unit_.c_str(), elapsed_s);
  std::fflush(out_);
  open_line_ = true;
}

}  // namespace convoy::hub
