#include "tracker/simulator.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <random>

#include "proto/clock.h"
#include "proto/handshake.h"
#include "tracker/sim_circle.h"
#include "tracker/spool.h"
#include "tracker/uplink.h"

namespace convoy::tracker {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr size_t kLatencySamplesPerCar = 2000;

// One simulated car. Lives on its own strand; `made` and `acked` are read by the monitor.
struct SimCar {
  const proto::RosterCar* roster_car = nullptr;
  asio::strand<asio::io_context::executor_type> strand;
  std::unique_ptr<Spool> spool;
  std::unique_ptr<Uplink> uplink;
  asio::steady_timer timer;
  CircleOptions path;
  int64_t first_fix_ms = 0;
  std::atomic<uint64_t> made{0}, acked{0};
  std::deque<std::pair<uint64_t, SteadyClock::time_point>> awaiting_ack;
  std::vector<float> latencies_ms;
  bool stopping = false;
  const std::atomic<bool>* measuring = nullptr;  // latency samples only while true

  explicit SimCar(asio::io_context& io) : strand(asio::make_strand(io)), timer(strand) {}

  // Makes fix number made+1; its time follows the car's own 1-per-interval schedule.
  void MakeFix(std::chrono::milliseconds interval, bool track_latency) {
    const uint64_t n = made + 1;
    const double elapsed_s = static_cast<double>(n - 1) * interval.count() / 1000.0;
    const int64_t time_ms = first_fix_ms + static_cast<int64_t>(n - 1) * interval.count();
    spool->Append(CircleFixAt(path, elapsed_s, time_ms));
    made = n;
    if (track_latency && awaiting_ack.size() < 100'000) {
      awaiting_ack.emplace_back(n, SteadyClock::now());
    }
    if (uplink) uplink->NotifyNewFix();
  }

  void OnAck(uint64_t acked_seq) {
    acked = acked_seq;
    const auto now = SteadyClock::now();
    while (!awaiting_ack.empty() && awaiting_ack.front().first <= acked_seq) {
      if (measuring && *measuring && latencies_ms.size() < kLatencySamplesPerCar) {
        latencies_ms.push_back(
            std::chrono::duration<float, std::milli>(now - awaiting_ack.front().second).count());
      }
      awaiting_ack.pop_front();
    }
  }
};

double Percentile(std::vector<float>& values, double p) {
  if (values.empty()) return 0;
  const size_t k = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  std::nth_element(values.begin(), values.begin() + k, values.end());
  return values[k];
}

}  // namespace

Status WriteSimRoster(const std::string& path, size_t cars) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return Error{path + ": cannot write"};
  const int digits = std::max<int>(3, static_cast<int>(std::to_string(cars).size()));
  out << "id,name,role,secret\n";
  for (size_t i = 1; i <= cars; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "car%0*zu", digits, i);
    std::string secret;
    for (unsigned char c : proto::RandomNonce()) {
      static const char kHex[] = "0123456789abcdef";
      secret += kHex[c >> 4];
      secret += kHex[c & 15];
    }
    const char* role = i == 1 ? "lead" : (i == cars && cars > 1 ? "sweep" : "car");
    out << id << ",Sim car " << i << "," << role << "," << secret << "\n";
  }
  out.close();
  if (!out) return Error{path + ": write failed"};
  return Status::Ok();
}

SimReport RunSimulation(const proto::Roster& roster, const SimOptions& options, LogFn log) {
  asio::io_context io(options.threads);
  const int64_t now_ms = SystemClock::Instance().NowUtcMs();
  const bool track_latency = options.mode != SimMode::kBackfill;
  std::vector<std::unique_ptr<SimCar>> cars;
  std::mt19937 random(12345);
  std::atomic<bool> measuring{options.warmup_s <= 0};

  for (const proto::RosterCar& roster_car : roster.cars()) {
    auto car = std::make_unique<SimCar>(io);
    car->roster_car = &roster_car;
    car->measuring = &measuring;
    SpoolOptions spool_options;
    if (!options.spool_dir.empty()) spool_options.dir = options.spool_dir / roster_car.id;
    spool_options.log = log;
    auto spool = Spool::Open(spool_options);
    if (!spool.ok()) {
      log("car " + roster_car.id + ": " + spool.message());
      continue;
    }
    car->spool = std::move(*spool);
    // A loose convoy: each car a spacing behind the one in front, on the same circuit.
    car->path.center_lat_deg = options.center_lat_deg;
    car->path.center_lon_deg = options.center_lon_deg;
    car->path.radius_m = options.radius_m;
    car->path.speed_mps = options.speed_mps;
    car->path.start_angle_rad =
        -static_cast<double>(roster_car.index) * options.spacing_m / options.radius_m;
    car->made = car->spool->last_seq();
    const uint64_t backlog = options.mode == SimMode::kBackfill ? options.backfill_fixes : 0;
    car->first_fix_ms = now_ms - static_cast<int64_t>(backlog) * options.fix_interval.count();
    for (uint64_t i = 0; i < backlog; ++i) car->MakeFix(options.fix_interval, false);

    UplinkOptions uplink_options;
    uplink_options.hub = options.hub;
    uplink_options.car_id = roster_car.id;
    uplink_options.secret = roster_car.secret;
    car->uplink = std::make_unique<Uplink>(car->strand, uplink_options, *car->spool,
                                           roster.cars().size() <= 50 ? log : LogFn([](auto) {}));
    SimCar* raw = car.get();
    car->uplink->on_ack = [raw, &options, track_latency](uint64_t acked) {
      raw->OnAck(acked);
      if (options.mode != SimMode::kClosedLoop || raw->stopping) return;
      while (raw->made - raw->acked < options.window &&
             (options.fixes_per_car == 0 || raw->made < options.fixes_per_car)) {
        raw->MakeFix(options.fix_interval, track_latency);
      }
    };
    car->uplink->on_radio = [raw, log](const v1::RadioText& radio) {
      log("car " + raw->roster_car->id + " heard: " + radio.text());
    };
    cars.push_back(std::move(car));
  }

  std::atomic<size_t> running{cars.size()};
  std::atomic<bool> stopping{false};
  auto stop_all = [&] {
    if (stopping.exchange(true)) return;
    for (auto& car : cars) {
      asio::post(car->strand, [car = car.get()] {
        car->stopping = true;
        car->timer.cancel();
        car->uplink->Stop();
      });
    }
  };

  std::uniform_int_distribution<int64_t> stagger(0, options.fix_interval.count());
  for (auto& car : cars) {
    SimCar* raw = car.get();
    asio::co_spawn(raw->strand, raw->uplink->Run(), [&running, &io](std::exception_ptr) {
      if (--running == 0) io.stop();
    });
    if (options.mode == SimMode::kClosedLoop) {
      asio::post(raw->strand, [raw, &options, track_latency] {
        for (size_t i = 0; i < options.window; ++i)
          raw->MakeFix(options.fix_interval, track_latency);
      });
    } else if (options.mode == SimMode::kLive) {
      const auto first_delay = std::chrono::milliseconds(stagger(random));
      asio::co_spawn(
          raw->strand,
          [raw, &options, first_delay, track_latency]() -> asio::awaitable<void> {
            auto next = SteadyClock::now() + first_delay;
            raw->first_fix_ms = SystemClock::Instance().NowUtcMs() + first_delay.count();
            while (!raw->stopping &&
                   (options.fixes_per_car == 0 || raw->made < options.fixes_per_car)) {
              raw->timer.expires_at(next);
              boost::system::error_code ec;
              co_await raw->timer.async_wait(NoThrow(ec));
              if (raw->stopping) break;
              raw->MakeFix(options.fix_interval, track_latency);
              next += options.fix_interval;
            }
          },
          asio::detached);
    }
  }

  // The monitor: progress lines, and the end of the run.
  const auto started = SteadyClock::now();
  auto warmup_ended = started;
  double steady_rate = 0;
  StopOnSignals([&] { asio::post(io, stop_all); });
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        asio::steady_timer tick(io);
        uint64_t last_acked_total = 0, acked_at_warmup = 0;
        int seconds = 0;
        while (!stopping) {
          tick.expires_after(std::chrono::seconds(1));
          boost::system::error_code ec;
          co_await tick.async_wait(NoThrow(ec));
          ++seconds;
          uint64_t made = 0, acked = 0;
          size_t connected = 0, done = 0;
          for (auto& car : cars) {
            const uint64_t car_made = car->made, car_acked = car->acked;
            made += car_made;
            acked += car_acked;
            connected += car->uplink->connected();
            const bool finished_making =
                options.fixes_per_car != 0 && car_made >= options.fixes_per_car;
            done +=
                (options.mode == SimMode::kBackfill || finished_making) && car_acked >= car_made;
          }
          if (seconds % 10 == 0) {
            log(std::to_string(connected) + "/" + std::to_string(cars.size()) +
                " cars connected, " + std::to_string(made) + " fixes made, " +
                std::to_string(acked) + " acknowledged (" +
                std::to_string((acked - last_acked_total) / 10) + "/s)");
            last_acked_total = acked;
          }
          const double elapsed =
              std::chrono::duration<double>(SteadyClock::now() - started).count();
          if (!measuring && elapsed >= options.warmup_s) {
            measuring = true;
            acked_at_warmup = acked;
            warmup_ended = SteadyClock::now();
          } else if (measuring) {
            const double measured_s =
                std::chrono::duration<double>(SteadyClock::now() - warmup_ended).count();
            if (measured_s > 0) steady_rate = (acked - acked_at_warmup) / measured_s;
          }
          if ((options.duration_s > 0 && elapsed >= options.duration_s) ||
              (options.exit_when_acked && done == cars.size())) {
            stop_all();
          }
        }
      },
      asio::detached);

  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& thread : threads) thread.join();

  SimReport report;
  report.elapsed_s = std::chrono::duration<double>(SteadyClock::now() - started).count();
  report.steady_acked_per_s = steady_rate;
  std::vector<float> latencies;
  for (auto& car : cars) {
    const UplinkStats& stats = car->uplink->stats();
    report.cars.push_back({car->roster_car->id, car->made, car->acked, stats.connects,
                           stats.live_fixes, stats.live_bytes, stats.backfill_fixes,
                           stats.backfill_bytes});
    latencies.insert(latencies.end(), car->latencies_ms.begin(), car->latencies_ms.end());
    (void)car->spool->Sync();  // best effort: the spool logs its own failures
  }
  report.ack_latency_p50_ms = Percentile(latencies, 0.50);
  report.ack_latency_p99_ms = Percentile(latencies, 0.99);
  return report;
}

}  // namespace convoy::tracker
