// Replay seek latency (issue 6: seeking to any time in a two-day, 40-car recording answers in
// <= 50 ms). Not a test. Reads a recording written by export_bench (replay_bench.sh does both):
//
//   replay_bench --data DIR --roster cars.csv [--seeks 2000] [--rounds 5]
//
// Times ReplayApi::Create (the index built from the journal), then per round `seeks` calls of
// Handle("/at", "t=...") at random times over the recording (each call also checks the journal
// for a new tail, as in the hub), and a few /tracks and /range calls. Prints medians over the
// rounds of p50, p99 and the maximum.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "hub/replay/replay_api.h"

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int64_t Field(const std::string& json, const std::string& name) {
  const size_t at = json.find("\"" + name + "\":");
  return at == std::string::npos ? 0 : std::stoll(json.substr(at + name.size() + 3));
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, roster_path;
  int seeks = 2000, rounds = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--data") data = argv[i + 1];
    if (flag == "--roster") roster_path = argv[i + 1];
    if (flag == "--seeks") seeks = std::atoi(argv[i + 1]);
    if (flag == "--rounds") rounds = std::atoi(argv[i + 1]);
  }
  if (data.empty() || roster_path.empty() || seeks < 1 || rounds < 1) {
    std::fprintf(stderr,
                 "usage: replay_bench --data DIR --roster cars.csv [--seeks N] [--rounds N]\n");
    return 2;
  }
  auto roster = convoy::proto::Roster::Load(roster_path);
  if (!roster.ok()) {
    std::fprintf(stderr, "%s\n", roster.message().c_str());
    return 1;
  }
  const auto start = Clock::now();
  auto api = convoy::hub::replay::ReplayApi::Create(data, *roster);
  if (!api.ok()) {
    std::fprintf(stderr, "%s\n", api.message().c_str());
    return 1;
  }
  const double index_ms = Ms(Clock::now() - start);
  const std::string range = (*api)->Handle("/range", "").body;
  const int64_t from_ms = Field(range, "from_ms"), to_ms = Field(range, "to_ms");
  std::printf("index built in %.0f ms; recording %lld .. %lld (%.1f h)\n", index_ms,
              static_cast<long long>(from_ms), static_cast<long long>(to_ms),
              (to_ms - from_ms) / 3.6e6);

  std::mt19937_64 random(42);
  std::uniform_int_distribution<int64_t> when(from_ms, to_ms);
  std::vector<double> p50s, p99s, maxes, tracks_ms, range_ms;
  size_t cars_seen = 0;
  for (int round = 0; round < rounds; ++round) {
    std::vector<double> latencies;
    for (int i = 0; i < seeks; ++i) {
      const std::string query = "t=" + std::to_string(when(random));
      const auto t0 = Clock::now();
      const auto answer = (*api)->Handle("/at", query);
      latencies.push_back(Ms(Clock::now() - t0));
      if (answer.status != 200) {
        std::fprintf(stderr, "/at?%s: %d %s\n", query.c_str(), answer.status, answer.body.c_str());
        return 1;
      }
      cars_seen =
          std::max<size_t>(cars_seen, std::count(answer.body.begin(), answer.body.end(), '{') - 1);
    }
    p50s.push_back(Percentile(latencies, 0.5));
    p99s.push_back(Percentile(latencies, 0.99));
    maxes.push_back(Percentile(latencies, 1.0));
    // A page opening a window: an hour of every car's track at the default 5 s step.
    const int64_t t = when(random);
    auto t0 = Clock::now();
    const auto tracks = (*api)->Handle(
        "/tracks", "from=" + std::to_string(t) + "&to=" + std::to_string(t + 3600000));
    tracks_ms.push_back(Ms(Clock::now() - t0));
    if (tracks.status != 200) {
      std::fprintf(stderr, "/tracks: %d %s\n", tracks.status, tracks.body.c_str());
      return 1;
    }
    t0 = Clock::now();
    (void)(*api)->Handle("/range", "");
    range_ms.push_back(Ms(Clock::now() - t0));
  }
  std::printf(
      "/at (seek), %d seeks x %d rounds, up to %zu cars per answer: median p50 %.3f ms, "
      "p99 %.3f ms, max %.3f ms\n",
      seeks, rounds, cars_seen, Median(p50s), Median(p99s), Median(maxes));
  std::printf("/tracks one hour of every car at step 5 s: median %.1f ms\n", Median(tracks_ms));
  std::printf("/range: median %.1f ms\n", Median(range_ms));
  return 0;
}
