// A libFuzzer target run without libFuzzer, by any compiler: every file of the given folders goes
// through LLVMFuzzerTestOneInput, then, for --seconds, random mutations of them (bit flips, byte
// changes, inserted, repeated and deleted runs, splices of two inputs). It is not coverage-guided:
// the real fuzzing is tests/fuzz/run.sh with clang. This is the regression run of the seed corpus
// and of every crash found so far, and a short blind fuzz, that ctest runs in every build: under
// ASan and UBSan in the sanitizer build.
//
//   fuzz_NAME [--seconds S] [--seed N] [--max-len BYTES] PATH...
//
// A path that does not exist is skipped (a target's crashes folder before its first crash); at
// least one input must be found. Exit status 0 when every input returned; a target that crashes (a
// sanitizer report, a trap) ends the process, and the input that did it is written to
// fuzz-crash-NAME-SEED-ITERATION in the working directory first when the sanitizers let us know
// (their death callback).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
// Provided by ASan/UBSan's runtime when linked; null otherwise.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace {

using Bytes = std::vector<uint8_t>;

// The input being run and where it goes if the process dies on it. Written before each run; read
// only by the death callback.
const Bytes* g_current = nullptr;
char g_crash_path[512] = "";

void SaveCurrentInput() {
  if (!g_current || g_crash_path[0] == '\0') return;
  const int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  const ssize_t written = ::write(fd, g_current->data(), g_current->size());
  (void)written;
  ::close(fd);
  static const char kNote[] = "fuzz replay: the input is saved as ";
  (void)!::write(2, kNote, sizeof kNote - 1);
  (void)!::write(2, g_crash_path, std::strlen(g_crash_path));
  (void)!::write(2, "\n", 1);
}

void Run(const Bytes& input) {
  g_current = &input;
  LLVMFuzzerTestOneInput(input.data(), input.size());
}

bool ReadFile(const std::filesystem::path& path, Bytes& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

Bytes Mutate(const std::vector<Bytes>& corpus, std::mt19937_64& rng, size_t max_len) {
  auto pick = [&](size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  Bytes out = corpus.empty() ? Bytes{} : corpus[pick(corpus.size())];
  const int edits = 1 + static_cast<int>(pick(8));
  for (int edit = 0; edit < edits; ++edit) {
    switch (pick(6)) {
      case 0:  // flip one bit
        if (!out.empty()) out[pick(out.size())] ^= static_cast<uint8_t>(1u << pick(8));
        break;
      case 1: {  // an interesting byte
        static constexpr uint8_t kBytes[] = {0,    1,   0x7f, 0x80, 0xff, '\n', '\r', ',',  '"',
                                             '\\', '{', '}',  '$',  '*',  '%',  0xc3, 0xe2, 0xf0};
        if (!out.empty()) out[pick(out.size())] = kBytes[pick(sizeof kBytes)];
        break;
      }
      case 2: {  // insert random bytes
        const size_t at = pick(out.size() + 1);
        Bytes run(1 + pick(16));
        for (uint8_t& byte : run) byte = static_cast<uint8_t>(rng());
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), run.begin(), run.end());
        break;
      }
      case 3: {  // delete a run
        if (out.empty()) break;
        const size_t at = pick(out.size());
        const size_t length = std::min(out.size() - at, 1 + pick(32));
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(at),
                  out.begin() + static_cast<std::ptrdiff_t>(at + length));
        break;
      }
      case 4: {  // repeat a run (long lines, many fields)
        if (out.empty()) break;
        const size_t at = pick(out.size());
        const size_t length = std::min(out.size() - at, 1 + pick(64));
        const Bytes run(out.begin() + static_cast<std::ptrdiff_t>(at),
                        out.begin() + static_cast<std::ptrdiff_t>(at + length));
        for (size_t times = 1 + pick(8); times > 0; --times) {
          out.insert(out.begin() + static_cast<std::ptrdiff_t>(at), run.begin(), run.end());
        }
        break;
      }
      default: {  // splice: this input's head, another's tail
        if (corpus.empty()) break;
        const Bytes& other = corpus[pick(corpus.size())];
        out.resize(pick(out.size() + 1));
        const size_t from = pick(other.size() + 1);
        out.insert(out.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
    }
  }
  if (out.size() > max_len) out.resize(max_len);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 0;
  uint64_t seed = 1;
  size_t max_len = 65536;
  std::vector<std::filesystem::path> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--seconds" || arg == "--seed" || arg == "--max-len") && i + 1 < argc) {
      const char* value = argv[++i];
      if (arg == "--seconds") seconds = std::atof(value);
      if (arg == "--seed") seed = std::strtoull(value, nullptr, 10);
      if (arg == "--max-len") max_len = std::strtoull(value, nullptr, 10);
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "usage: %s [--seconds S] [--seed N] [--max-len BYTES] PATH...\n",
                   argv[0]);
      return 2;
    } else {
      paths.emplace_back(arg);
    }
  }
  const std::string name = std::filesystem::path(argv[0]).filename().string();
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(SaveCurrentInput);

  std::vector<Bytes> corpus;
  for (const auto& path : paths) {
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    if (!std::filesystem::exists(path, ec)) {
      // The crashes folder of a target nothing has crashed yet (git keeps no empty folders).
      std::printf("%s: no %s (nothing saved there yet)\n", name.c_str(), path.c_str());
      continue;
    }
    if (std::filesystem::is_directory(path, ec)) {
      for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
        if (entry.is_regular_file() && entry.path().filename() != "README.md") {
          files.push_back(entry.path());
        }
      }
    } else {
      files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      Bytes input;
      if (!ReadFile(file, input)) {
        std::fprintf(stderr, "%s: cannot read %s\n", name.c_str(), file.c_str());
        return 2;
      }
      std::snprintf(g_crash_path, sizeof g_crash_path, "fuzz-crash-%s-%s", name.c_str(),
                    file.filename().c_str());
      Run(input);
      corpus.push_back(std::move(input));
    }
  }
  if (corpus.empty()) {
    std::fprintf(stderr, "%s: no input found in the paths given (a seed corpus is needed)\n",
                 name.c_str());
    return 2;
  }
  std::printf("%s: %zu inputs from the corpus passed\n", name.c_str(), corpus.size());

  std::mt19937_64 rng(seed);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  uint64_t iterations = 0;
  while (seconds > 0 && std::chrono::steady_clock::now() < end) {
    for (int batch = 0; batch < 64; ++batch, ++iterations) {
      const Bytes input = Mutate(corpus, rng, max_len);
      std::snprintf(g_crash_path, sizeof g_crash_path, "fuzz-crash-%s-%llu-%llu", name.c_str(),
                    static_cast<unsigned long long>(seed),
                    static_cast<unsigned long long>(iterations));
      Run(input);
    }
  }
  g_current = nullptr;
  if (seconds > 0) {
    std::printf("%s: %llu mutated inputs passed in %.0f s (seed %llu)\n", name.c_str(),
                static_cast<unsigned long long>(iterations), seconds,
                static_cast<unsigned long long>(seed));
  }
  return 0;
}
