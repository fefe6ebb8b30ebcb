// NMEA decoding throughput: our pipeline (lexer, decoders, cycle assembler) against gpsd's
// gpsdecode on the same input, in one run.
//
// The input is every fixture log in tests/data/nmea-gpsd/ as gpsfake would send it (header
// lines dropped), concatenated and repeated to at least --mb megabytes, written to a file.
// Both sides read that file: ours in 64 KiB reads into the decoder, gpsdecode as a subprocess
// with the file on stdin and stdout to /dev/null (it prints JSON, which is part of its cost;
// ours builds fixes and discards them). Wall time, 5 runs each, medians.
//
// Usage: nmea_bench [--mb N] [--runs N] [--gpsdecode PATH] [--keep FILE]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/tracker/nmea/gpsd_chk.h"
#include "tracker/nmea/decoder.h"

extern char** environ;

namespace {

using convoy::tracker::nmea::Decoder;
using convoy::tracker::nmea::NmeaFix;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

struct OursResult {
  double seconds;
  uint64_t sentences;
  uint64_t fixes;
};

OursResult RunOurs(const std::string& path) {
  const auto start = Clock::now();
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) {
    std::perror(path.c_str());
    std::exit(1);
  }
  Decoder decoder;
  std::vector<NmeaFix> fixes;
  fixes.reserve(1024);
  std::vector<char> buf(64 * 1024);
  uint64_t fix_count = 0;
  ssize_t n;
  while ((n = ::read(fd, buf.data(), buf.size())) > 0) {
    decoder.Feed(std::string_view(buf.data(), static_cast<size_t>(n)), &fixes);
    fix_count += fixes.size();
    fixes.clear();
  }
  ::close(fd);
  decoder.Finish(&fixes);
  fix_count += fixes.size();
  const double seconds = Seconds(Clock::now() - start);
  return {seconds, decoder.stats().lexer.accepted, fix_count};
}

// Runs `gpsdecode [flag]` with the file on stdin and stdout/stderr to /dev/null; wall seconds.
double RunGpsdecode(const std::string& gpsdecode, const char* flag, const std::string& path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  char* argv[] = {const_cast<char*>(gpsdecode.c_str()), const_cast<char*>(flag), nullptr};
  const auto start = Clock::now();
  pid_t pid;
  if (posix_spawn(&pid, gpsdecode.c_str(), &actions, nullptr, argv, environ) != 0) {
    std::perror("posix_spawn gpsdecode");
    std::exit(1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  const double seconds = Seconds(Clock::now() - start);
  posix_spawn_file_actions_destroy(&actions);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "gpsdecode failed (status %d)\n", status);
    std::exit(1);
  }
  return seconds;
}

std::string FindGpsdecode() {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    const std::string p = std::string(dir) + "/gpsdecode";
    if (::access(p.c_str(), X_OK) == 0) return p;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  double mb = 8;
  int runs = 5;
  std::string gpsdecode = FindGpsdecode();
  std::string keep;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--mb") mb = std::atof(argv[i + 1]);
    if (flag == "--runs") runs = std::atoi(argv[i + 1]);
    if (flag == "--gpsdecode") gpsdecode = argv[i + 1];
    if (flag == "--keep") keep = argv[i + 1];
  }

  // One pass over every fixture log, as gpsfake sends them.
  const std::string dir = std::string(CONVOY_TEST_DATA) + "/nmea-gpsd/";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".log") names.push_back(entry.path().string());
  }
  std::sort(names.begin(), names.end());
  std::string pass;
  for (const std::string& name : names) {
    for (const std::string& chunk : convoy::tracker::nmea::testing::GpsfakeChunks(
             convoy::tracker::nmea::testing::ReadFile(name))) {
      pass += chunk;
    }
    if (!pass.empty() && pass.back() != '\n') pass += "\r\n";
  }
  std::string input;
  while (input.size() < mb * 1e6) input += pass;
  const std::string path =
      keep.empty() ? (std::filesystem::temp_directory_path() / "nmea_bench_input.nmea").string()
                   : keep;
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(input.data(), 1, input.size(), f);
    std::fclose(f);
  }
  const double bytes = static_cast<double>(input.size());
  std::printf("input: %zu logs, %.2f MB (%zu passes of %.1f KB), %s\n", names.size(), bytes / 1e6,
              static_cast<size_t>(input.size() / pass.size()), pass.size() / 1e3, path.c_str());

  RunOurs(path);  // warm the page cache and the code
  // gpsdecode decodes and prints JSON by default; "-m" only runs its packet lexer and prints
  // packet-length statistics, a lower bound on its cost.
  std::vector<double> ours, theirs, theirs_lexer;
  OursResult last{};
  for (int r = 0; r < runs; ++r) {
    last = RunOurs(path);
    ours.push_back(last.seconds);
    if (!gpsdecode.empty()) {
      theirs.push_back(RunGpsdecode(gpsdecode, nullptr, path));
      theirs_lexer.push_back(RunGpsdecode(gpsdecode, "-m", path));
    }
  }
  const double sentences = static_cast<double>(last.sentences);
  const double ours_s = Median(ours);
  std::printf("sentences: %llu accepted, %llu fixes per run\n",
              static_cast<unsigned long long>(last.sentences),
              static_cast<unsigned long long>(last.fixes));
  std::printf("%-12s %5d runs  median %8.4f s  %12.0f sentences/s  %8.1f MB/s\n", "convoy", runs,
              ours_s, sentences / ours_s, bytes / 1e6 / ours_s);
  if (gpsdecode.empty()) {
    std::printf("gpsdecode not found (apt-get install gpsd-clients): no comparison\n");
    return 0;
  }
  const double theirs_s = Median(theirs);
  const double lexer_s = Median(theirs_lexer);
  std::printf("%-12s %5d runs  median %8.4f s  %12.0f sentences/s  %8.1f MB/s\n", "gpsdecode", runs,
              theirs_s, sentences / theirs_s, bytes / 1e6 / theirs_s);
  std::printf("%-12s %5d runs  median %8.4f s  %12.0f sentences/s  %8.1f MB/s  (lexer only)\n",
              "gpsdecode -m", runs, lexer_s, sentences / lexer_s, bytes / 1e6 / lexer_s);
  std::printf("ratio: %.1fx gpsdecode's throughput (target >= 3x); %.1fx its lexer alone\n",
              theirs_s / ours_s, lexer_s / ours_s);
  if (keep.empty()) std::filesystem::remove(path);
  return 0;
}
