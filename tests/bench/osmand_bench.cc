// OsmAnd endpoint benchmark (not a test): phone reports per second over keep-alive HTTP/1.1
// connections, each answered 200 only after its fix is fdatasync'd in the journal. One phone per
// connection, one report in flight per connection (what the Traccar Client does), the legacy
// app's query form. The hub runs in this process (the convoy-hub binary's library, its 2 network
// threads and its journal thread); the load generator is a C++20 coroutine client on its own
// thread, so both share the machine's cores. Every run starts a fresh hub on a fresh journal.
//
//   osmand_bench [--connections N] [--seconds S] [--runs R] [--dir DIR] [--hub-threads T]
//   defaults: 128 connections, 5 s measured after 1 s of warm-up, 5 runs, DIR = temp dir (use a
//   real disk, not tmpfs, for the fdatasync cost to show)
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "hub/hub.h"

namespace {

using convoy::NoThrow;
namespace asio = convoy::asio;
using SteadyClock = std::chrono::steady_clock;

struct Flags {
  int connections = 128;
  double seconds = 5;
  int runs = 5;
  int hub_threads = 2;
  std::filesystem::path dir = std::filesystem::temp_directory_path();
};

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()))];
}

struct Load {
  std::atomic<bool> measuring{false};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> ok{0};
  std::atomic<uint64_t> not_ok{0};
  std::atomic<uint64_t> errors{0};
};

// One phone: connect, then report, wait for the answer, report again, until told to stop.
asio::awaitable<void> Phone(asio::ip::tcp::endpoint hub, int car, Load& load,
                            std::vector<double>& latencies_ms) {
  asio::ip::tcp::socket socket(co_await asio::this_coro::executor);
  boost::system::error_code ec;
  co_await socket.async_connect(hub, NoThrow(ec));
  if (ec) {
    ++load.errors;
    co_return;
  }
  socket.set_option(asio::ip::tcp::no_delay(true), ec);
  const int64_t start_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count() -
                           60'000;
  std::string in;
  char request[512];
  for (int64_t i = 0; !load.stopping; ++i) {
    // 10 ms apart and 0.1 m apart: a car at 10 m/s, every fix new to the hub.
    const int length = std::snprintf(
        request, sizeof request,
        "GET /?id=secret-of-car%d&timestamp=%lld&lat=%.7f&lon=%.7f&speed=19.4&bearing=90.0"
        "&altitude=12.0&accuracy=5.0&batt=80.0 HTTP/1.1\r\nHost: hub\r\n\r\n",
        car, static_cast<long long>(start_ms + i * 10), 45.0 + car * 1e-3, 9.0 + i * 1.3e-6);
    const auto sent = SteadyClock::now();
    co_await asio::async_write(socket, asio::buffer(request, length), NoThrow(ec));
    if (ec) break;
    // Read the answer: a header ending in an empty line, Content-Length bytes of body.
    size_t header_end;
    while ((header_end = in.find("\r\n\r\n")) == std::string::npos) {
      char chunk[1024];
      const size_t n = co_await socket.async_read_some(asio::buffer(chunk), NoThrow(ec));
      if (ec) break;
      in.append(chunk, n);
    }
    if (ec) break;
    size_t body = 0;
    if (const size_t at = in.find("Content-Length: "); at != std::string::npos && at < header_end) {
      body = std::strtoul(in.c_str() + at + 16, nullptr, 10);
    }
    while (in.size() < header_end + 4 + body) {
      char chunk[1024];
      const size_t n = co_await socket.async_read_some(asio::buffer(chunk), NoThrow(ec));
      if (ec) break;
      in.append(chunk, n);
    }
    if (ec) break;
    const bool ok = in.compare(0, 12, "HTTP/1.1 200") == 0;
    in.erase(0, header_end + 4 + body);
    if (load.measuring) {
      (ok ? load.ok : load.not_ok)++;
      latencies_ms.push_back(
          std::chrono::duration<double, std::milli>(SteadyClock::now() - sent).count());
    }
  }
  if (ec && !load.stopping) ++load.errors;
}

struct RunResult {
  double reports_per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  uint64_t not_ok = 0;
  uint64_t errors = 0;
};

RunResult RunOnce(const Flags& flags, int run) {
  const std::filesystem::path dir = flags.dir / ("run" + std::to_string(run));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream roster(dir / "cars.csv");
    roster << "id,name,role,secret\n";
    for (int i = 1; i <= flags.connections; ++i) {
      roster << "car" << i << ",Car " << i << ",car,secret-of-car" << i << "\n";
    }
  }
  convoy::hub::HubOptions options;
  options.data_dir = dir / "data";
  options.roster_path = (dir / "cars.csv").string();
  options.trackers = {"127.0.0.1", 0};
  options.osmand = convoy::proto::HostPort{"127.0.0.1", 0};
  options.threads = flags.hub_threads;
  options.status_interval_s = 0;
  auto hub = convoy::hub::Hub::Create(options, [](std::string_view line) {
    // Only what would be news: not each phone's first report, not the empty journal.
    if (line.find("reports from a phone") != std::string_view::npos ||
        line.find("recovered") != std::string_view::npos) {
      return;
    }
    std::fprintf(stderr, "hub: %.*s\n", static_cast<int>(line.size()), line.data());
  });
  if (!hub.ok()) {
    std::fprintf(stderr, "osmand_bench: %s\n", hub.message().c_str());
    std::exit(1);
  }
  const asio::ip::tcp::endpoint endpoint = *(*hub)->osmand_endpoint();
  std::thread hub_thread([&] { (*hub)->Run(); });

  Load load;
  asio::io_context client;
  std::vector<std::vector<double>> latencies(flags.connections);
  for (int car = 1; car <= flags.connections; ++car) {
    latencies[car - 1].reserve(1 << 16);
    asio::co_spawn(client, Phone(endpoint, car, load, latencies[car - 1]), asio::detached);
  }
  std::thread client_thread([&] { client.run(); });
  std::this_thread::sleep_for(std::chrono::seconds(1));  // warm-up: connections, allocations
  load.measuring = true;
  const auto start = SteadyClock::now();
  std::this_thread::sleep_for(std::chrono::duration<double>(flags.seconds));
  load.measuring = false;
  const double elapsed_s = std::chrono::duration<double>(SteadyClock::now() - start).count();
  load.stopping = true;
  client_thread.join();
  (*hub)->Stop();
  hub_thread.join();
  hub->reset();
  std::filesystem::remove_all(dir);

  std::vector<double> all;
  for (auto& list : latencies) all.insert(all.end(), list.begin(), list.end());
  std::sort(all.begin(), all.end());
  return {static_cast<double>(load.ok) / elapsed_s, Percentile(all, 0.5), Percentile(all, 0.99),
          load.not_ok.load(), load.errors.load()};
}

// The disk's floor: a small write and fdatasync, as the journal does per group commit.
double FdatasyncMedianMs(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "fdatasync-probe";
  const int fd = ::open(file.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  if (fd < 0) return -1;
  std::vector<double> ms;
  char block[128] = {};
  for (int i = 0; i < 200; ++i) {
    const auto start = SteadyClock::now();
    if (::write(fd, block, sizeof block) != sizeof block || ::fdatasync(fd) != 0) break;
    ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
  }
  ::close(fd);
  std::filesystem::remove(file);
  return ms.empty() ? -1 : Median(ms);
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i];
    const char* value = argv[i + 1];
    if (name == "--connections") {
      flags.connections = std::max(1, std::atoi(value));
    } else if (name == "--seconds") {
      flags.seconds = std::max(0.5, std::atof(value));
    } else if (name == "--runs") {
      flags.runs = std::max(1, std::atoi(value));
    } else if (name == "--dir") {
      flags.dir = value;
    } else if (name == "--hub-threads") {
      flags.hub_threads = std::max(1, std::atoi(value));
    } else {
      std::fprintf(stderr, "osmand_bench: unknown flag %s\n", name.c_str());
      return 2;
    }
  }
  // Everything goes in a directory of our own under DIR, removed at the end.
  flags.dir /= "osmand_bench." + std::to_string(::getpid());
  std::printf(
      "osmand_bench: %d keep-alive connections (one phone each, one report in flight), "
      "%.1f s measured per run, %d runs, hub threads %d, journal in %s\n",
      flags.connections, flags.seconds, flags.runs, flags.hub_threads, flags.dir.c_str());
  std::printf("bare write+fdatasync on that disk: median %.2f ms\n", FdatasyncMedianMs(flags.dir));
  std::vector<double> rates, p50s, p99s;
  for (int run = 0; run < flags.runs; ++run) {
    const RunResult result = RunOnce(flags, run);
    std::printf(
        "run %d: %.0f reports/s answered 200 after fdatasync; latency p50 %.2f ms, "
        "p99 %.2f ms; %llu not 200, %llu connection errors\n",
        run + 1, result.reports_per_s, result.p50_ms, result.p99_ms,
        static_cast<unsigned long long>(result.not_ok),
        static_cast<unsigned long long>(result.errors));
    std::fflush(stdout);
    rates.push_back(result.reports_per_s);
    p50s.push_back(result.p50_ms);
    p99s.push_back(result.p99_ms);
  }
  std::printf("median of %d runs: %.0f reports/s, latency p50 %.2f ms, p99 %.2f ms\n", flags.runs,
              Median(rates), Median(p50s), Median(p99s));
  std::filesystem::remove_all(flags.dir);
  return 0;
}
