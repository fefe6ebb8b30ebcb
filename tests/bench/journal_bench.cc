// Journal benchmark (not a test): records/s with 50-byte payloads from 1 and 4 threads, the group
// commit sizes that gives, and the ack latency (Append to Done) at a paced 10,000 records/s.
// Every figure is the median of 5 runs, each on a fresh journal with real fdatasync.
//
//   journal_bench [DIR]    DIR: where to write (default: the temp directory); must be a real
//                          disk, not tmpfs, for the fsync cost to show.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "hub/journal.h"
#include "proto/file_io.h"
#include "proto/record_log.h"

namespace {

using convoy::Status;
using convoy::hub::Journal;
using convoy::hub::JournalOptions;
using convoy::hub::RecordType;
using Clock = std::chrono::steady_clock;

constexpr int kRuns = 5;
constexpr size_t kPayloadBytes = 50;

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

std::unique_ptr<Journal> OpenFresh(const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  JournalOptions options;
  options.dir = dir;
  auto journal = Journal::Open(options, nullptr, nullptr);
  if (!journal.ok()) {
    std::fprintf(stderr, "journal_bench: %s\n", journal.message().c_str());
    std::exit(1);
  }
  return std::move(journal).value();
}

struct ThroughputRun {
  double records_per_s;
  double records_per_sync;
  double max_batch;
};

ThroughputRun RunThroughput(const std::filesystem::path& dir, int threads, uint64_t total) {
  auto journal = OpenFresh(dir);
  std::atomic<uint64_t> acked{0};
  std::atomic<uint64_t> failed{0};
  const std::string payload(kPayloadBytes, 'p');
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (uint64_t i = 0; i < total / threads; ++i) {
        // The Done captures one pointer: no allocation inside std::function.
        while (!journal->Append(RecordType::kFixes, payload, [&acked, &failed](const Status& s) {
          (s.ok() ? acked : failed).fetch_add(1, std::memory_order_relaxed);
        })) {
          std::this_thread::yield();
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  journal->Flush();
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  const auto stats = journal->stats();
  if (failed > 0)
    std::fprintf(stderr, "journal_bench: %llu records failed\n",
                 static_cast<unsigned long long>(failed.load()));
  return {static_cast<double>(acked) / elapsed_s,
          static_cast<double>(stats.records) / std::max<uint64_t>(stats.syncs, 1),
          static_cast<double>(stats.max_batch_records)};
}

struct LatencyRun {
  double p50_ms;
  double p99_ms;
  double max_ms;
  double records_per_sync;
};

LatencyRun RunPaced(const std::filesystem::path& dir, int rate_per_s, double seconds) {
  auto journal = OpenFresh(dir);
  const size_t count = static_cast<size_t>(rate_per_s * seconds);
  std::vector<Clock::time_point> sent(count);
  std::vector<double> latency_ms(count);
  const std::string payload(kPayloadBytes, 'p');
  const auto period = std::chrono::nanoseconds(1'000'000'000 / rate_per_s);
  auto next = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    std::this_thread::sleep_until(next);
    next += period;
    sent[i] = Clock::now();
    const auto* sent_at = &sent[i];
    double* out = &latency_ms[i];
    while (!journal->Append(RecordType::kFixes, payload, [sent_at, out](const Status&) {
      *out = std::chrono::duration<double, std::milli>(Clock::now() - *sent_at).count();
    })) {
      std::this_thread::yield();
    }
  }
  journal->Flush();
  const auto stats = journal->stats();
  std::sort(latency_ms.begin(), latency_ms.end());
  return {latency_ms[count / 2], latency_ms[count * 99 / 100], latency_ms.back(),
          static_cast<double>(stats.records) / std::max<uint64_t>(stats.syncs, 1)};
}

// The floor under every ack latency: one small append plus fdatasync, without the journal.
std::pair<double, double> FdatasyncMs(const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto* fs = convoy::proto::FileSystem::Default();
  auto file = fs->NewAppendableFile(dir / "probe");
  if (!file.ok()) return {0, 0};
  const std::string record(kPayloadBytes + convoy::proto::kRecordHeaderBytes, 'r');
  std::vector<double> ms;
  for (int i = 0; i < 500; ++i) {
    const auto start = Clock::now();
    if (!(*file)->Append(record).ok() || !(*file)->Sync().ok()) return {0, 0};
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[ms.size() * 99 / 100]};
}

double CrcGigabytesPerSecond() {
  const std::string data(1 << 20, 'c');
  uint32_t crc = 0;
  const auto start = Clock::now();
  for (int i = 0; i < 512; ++i) crc = convoy::proto::Crc32c(data, crc);
  const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  if (crc == 42) std::puts("");  // keep the loop
  return 512.0 * data.size() / elapsed_s / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const std::filesystem::path base =
      argc > 1 ? std::filesystem::path(argv[1]) : std::filesystem::temp_directory_path();
  const std::filesystem::path dir = base / "convoy_journal_bench";
  std::printf("journal_bench: %s, %zu-byte payloads, median of %d runs\n", dir.c_str(),
              kPayloadBytes, kRuns);
  std::printf("crc32c: %.1f GB/s\n", CrcGigabytesPerSecond());
  const auto [sync_p50, sync_p99] = FdatasyncMs(dir);
  std::printf("bare append + fdatasync (no journal): p50 %.2f ms, p99 %.2f ms\n", sync_p50,
              sync_p99);

  for (const int threads : {1, 4}) {
    std::vector<double> rate, group, max_batch;
    for (int run = 0; run < kRuns; ++run) {
      const ThroughputRun result = RunThroughput(dir, threads, 1'200'000);
      rate.push_back(result.records_per_s);
      group.push_back(result.records_per_sync);
      max_batch.push_back(result.max_batch);
    }
    std::printf(
        "throughput, %d thread%s: %.0f records/s; group commit %.0f records/fdatasync "
        "(largest batch %.0f)\n",
        threads, threads == 1 ? " " : "s", Median(rate), Median(group), Median(max_batch));
  }

  std::vector<double> p50, p99, max, group;
  for (int run = 0; run < kRuns; ++run) {
    const LatencyRun result = RunPaced(dir, 10'000, 2.0);
    p50.push_back(result.p50_ms);
    p99.push_back(result.p99_ms);
    max.push_back(result.max_ms);
    group.push_back(result.records_per_sync);
  }
  std::printf(
      "paced 10000 records/s for 2 s: ack latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
      "group commit %.1f records/fdatasync\n",
      Median(p50), Median(p99), Median(max), Median(group));
  const auto [after_p50, after_p99] = FdatasyncMs(dir);
  std::printf("bare append + fdatasync again: p50 %.2f ms, p99 %.2f ms\n", after_p50, after_p99);
  std::filesystem::remove_all(dir);
  return 0;
}
