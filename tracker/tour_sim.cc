#include "tracker/tour_sim.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "maps/tour_plan.h"
#include "proto/csv.h"
#include "tracker/car_messages.h"
#include "tracker/phone_uplink.h"
#include "tracker/spool.h"
#include "tracker/uplink.h"

namespace convoy::tracker {
namespace {

using SteadyClock = std::chrono::steady_clock;

// The link goes down this long before a car's first silent second in the tunnel (the cutting
// before the portal), so the hub gets its last fixes before the tunnel as backfill.
constexpr int64_t kTunnelLinkLeadMs = 5'000;
// Simulated time never runs more than this ahead of the oldest fix the hub has not yet taken
// (cars whose link is down aside). A hub run on the fixes' time must see the cars' fixes in
// about the order they were made: a 100 ms fsync stall at 200x would otherwise put 20 simulated
// seconds between one car's fixes and the next car's, and the model would call them dark.
constexpr int64_t kMaxHubLagMs = 3'000;

// One car: a unit (spool + uplink + outbox) or a phone.
struct TourCar {
  const proto::RosterCar* roster_car = nullptr;
  std::unique_ptr<Spool> spool;
  std::unique_ptr<CarMessageOutbox> outbox;
  std::unique_ptr<Uplink> uplink;
  std::unique_ptr<PhoneUplink> phone;
  std::string pending_alarm;  // a phone's SOS rides on its next report
  double battery_pct = 100;   // phones drain over the day
  bool link_up = true;
  uint64_t messages = 0, messages_delivered = 0;
};

// A change of a car's link (the tunnel), in simulated time.
struct LinkChange {
  int64_t time_ms;
  uint32_t car;
  bool up;
  bool operator<(const LinkChange& other) const { return time_ms < other.time_ms; }
};

std::string UtcText(int64_t time_ms) {
  const std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

Result<TourScenario> MakeScenario(const std::string& plan_path, const TourOptions& tour) {
  Result<maps::LoadedTour> loaded = maps::LoadTour(plan_path);
  if (!loaded.ok()) return loaded.status();
  Result<TourScenario> scenario = TourScenario::Create(*loaded, tour);
  if (!scenario.ok()) return Error{plan_path + ": " + scenario.message()};
  return scenario;
}

}  // namespace

std::vector<bool> PhoneCars(size_t cars, size_t phones) {
  std::vector<bool> is_phone(cars, false);
  if (cars == 0 || phones == 0) return is_phone;
  // Inner cars first (not the lead, not the sweep), spread evenly; then the ends if asked.
  const size_t inner = cars > 2 ? cars - 2 : 0;
  const size_t in_inner = std::min(phones, inner);
  for (size_t j = 0; j < in_inner; ++j) {
    is_phone[1 + (2 * j + 1) * inner / (2 * in_inner)] = true;
  }
  size_t left = phones - in_inner;
  for (size_t i : {cars - 1, size_t{0}}) {
    if (left > 0 && !is_phone[i]) {
      is_phone[i] = true;
      --left;
    }
  }
  return is_phone;
}

Result<std::string> WriteDatedPlanCopy(const std::string& plan_path,
                                       const std::filesystem::path& out_dir, int64_t now_ms,
                                       int days_ago) {
  auto text = proto::ReadTextFile(plan_path, 1 << 20);
  if (!text.ok()) return Error{plan_path + ": " + text.message()};
  const std::filesystem::path base = std::filesystem::absolute(plan_path).parent_path();
  const int64_t today = now_ms / 86'400'000;
  std::optional<int64_t> shift_days;
  std::string out;
  std::string_view rest = *text;
  int line_number = 0;
  while (!rest.empty()) {
    const size_t eol = std::min(rest.find('\n'), rest.size());
    std::string line(rest.substr(0, eol));
    rest.remove_prefix(std::min(eol + 1, rest.size()));
    ++line_number;
    const size_t eq = line.find('=');
    auto key = [&] {
      std::string k = line.substr(0, eq == std::string::npos ? 0 : eq);
      k.erase(k.find_last_not_of(" \t") + 1);
      k.erase(0, k.find_first_not_of(" \t"));
      return k;
    }();
    std::string value = eq == std::string::npos ? "" : line.substr(eq + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r") + 1);
    if (key == "date") {
      int y = 0, m = 0, d = 0;
      if (std::sscanf(value.c_str(), "%d-%d-%d", &y, &m, &d) != 3) {
        return Error{plan_path + " line " + std::to_string(line_number) + ": bad date"};
      }
      const int64_t day = maps::DaysFromCivil(y, m, d);
      if (!shift_days) shift_days = today - days_ago - day;
      const std::time_t t = static_cast<std::time_t>((day + *shift_days) * 86'400);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char buf[16];
      std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
      line = "date = " + std::string(buf);
    } else if ((key == "route" || key == "waypoints") && !value.empty() &&
               std::filesystem::path(value).is_relative()) {
      line = key + " = " + (base / value).string();
    }
    out += line + "\n";
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  const std::filesystem::path copy = out_dir / std::filesystem::path(plan_path).filename();
  std::ofstream file(copy, std::ios::trunc);
  file << out;
  file.close();
  if (!file) return Error{copy.string() + ": cannot write"};
  return copy.string();
}

Result<std::vector<std::string>> DescribeTourIncidents(const std::string& plan_path,
                                                       const TourOptions& tour) {
  Result<TourScenario> scenario = MakeScenario(plan_path, tour);
  if (!scenario.ok()) return scenario.status();
  std::vector<std::string> lines;
  lines.push_back("tour: " + UtcText(scenario->start_ms()) + " to " + UtcText(scenario->end_ms()) +
                  ", " + std::to_string(scenario->num_cars()) + " cars");
  for (const Incident& incident : scenario->incidents()) {
    std::string line = UtcText(incident.start_ms) + "  " + incident.name + ": " +
                       incident.description + " (start_ms " + std::to_string(incident.start_ms) +
                       ", end_ms " + std::to_string(incident.end_ms) + "; expect";
    if (incident.alerts.empty()) line += " no alert";
    size_t shown = 0;
    for (const ExpectedAlert& alert : incident.alerts) {
      if (++shown > 3) {
        line += " ... (" + std::to_string(incident.alerts.size()) + " alerts)";
        break;
      }
      line += " " + alert.kind + " [";
      for (size_t i = 0; i < alert.cars.size(); ++i) {
        line += (i ? "," : "") + std::to_string(alert.cars[i]);
      }
      line += "]";
    }
    lines.push_back(line + ")");
  }
  return lines;
}

Result<TourSimReport> RunTourSimulation(const proto::Roster& roster, const TourSimOptions& options,
                                        LogFn log) {
  if (!(options.speedup > 0)) return Error{"--speedup must be above 0"};
  TourOptions tour = options.tour;
  tour.cars = roster.cars().size();
  Result<TourScenario> scenario = MakeScenario(options.plan_path, tour);
  if (!scenario.ok()) return scenario.status();
  if (options.phones > roster.cars().size()) {
    return Error{"--phones " + std::to_string(options.phones) + " is more than the " +
                 std::to_string(roster.cars().size()) + " cars of the roster"};
  }
  std::vector<bool> is_phone = PhoneCars(roster.cars().size(), options.phones);
  for (uint32_t car : options.phone_cars) {
    if (car >= is_phone.size())
      return Error{"phone car " + std::to_string(car) + " is not in the roster"};
    is_phone[car] = true;
  }
  if (std::count(is_phone.begin(), is_phone.end(), true) > 0 && !options.osmand) {
    return Error{"--phones needs the hub's OsmAnd port (--osmand-hub HOST:PORT)"};
  }

  asio::io_context io(1);
  std::vector<std::unique_ptr<TourCar>> cars;
  const bool chatty = roster.cars().size() <= 50;
  for (const proto::RosterCar& roster_car : roster.cars()) {
    auto car = std::make_unique<TourCar>();
    car->roster_car = &roster_car;
    LogFn car_log = chatty ? LogFn([log, id = roster_car.id](std::string_view line) {
      log(id + ": " + std::string(line));
    })
                           : LogFn([](std::string_view) {});
    if (is_phone[roster_car.index]) {
      PhoneUplinkOptions phone_options;
      phone_options.hub = *options.osmand;
      phone_options.device_id = roster_car.secret;
      car->phone = std::make_unique<PhoneUplink>(io.get_executor(), phone_options, car_log);
    } else {
      SpoolOptions spool_options;
      spool_options.log = car_log;
      auto spool = Spool::Open(spool_options);
      if (!spool.ok()) return Error{"car " + roster_car.id + ": " + spool.message()};
      car->spool = std::move(*spool);
      auto outbox = CarMessageOutbox::Open({});
      if (!outbox.ok()) return outbox.status();
      car->outbox = std::move(*outbox);
      UplinkOptions uplink_options;
      uplink_options.hub = options.hub;
      uplink_options.car_id = roster_car.id;
      uplink_options.secret = roster_car.secret;
      car->uplink =
          std::make_unique<Uplink>(io.get_executor(), uplink_options, *car->spool, car_log);
      car->uplink->SetOutbox(car->outbox.get());
      TourCar* raw = car.get();
      car->uplink->on_radio = [car_log](const v1::RadioText& radio) {
        car_log(std::string("RADIO from " +
                            (radio.from().empty() ? std::string("hub") : radio.from()) + ": " +
                            radio.text()));
      };
      car->uplink->on_message_delivered = [raw](const v1::CarMessage&) {
        ++raw->messages_delivered;
      };
    }
    cars.push_back(std::move(car));
  }

  // The tunnel: each car's link down from just before its silence to its exit.
  std::vector<LinkChange> link_changes;
  for (const Incident& incident : scenario->incidents()) {
    if (incident.name != "tunnel") continue;
    for (const ExpectedAlert& alert : incident.alerts) {
      link_changes.push_back({alert.start_ms - kTunnelLinkLeadMs, alert.cars.front(), false});
      link_changes.push_back({alert.end_ms, alert.cars.front(), true});
    }
  }
  std::sort(link_changes.begin(), link_changes.end());

  TourSimReport report;
  bool stopping = false;
  auto stop_all = [&] {
    if (stopping) return;
    stopping = true;
    for (auto& car : cars) {
      if (car->uplink) car->uplink->Stop();
      if (car->phone) car->phone->Stop();
    }
  };
  size_t running = 0;
  for (auto& car : cars) {
    ++running;
    auto done = [&running, &io](std::exception_ptr) {
      if (--running == 0) io.stop();
    };
    if (car->uplink) asio::co_spawn(io, car->uplink->Run(), done);
    if (car->phone) asio::co_spawn(io, car->phone->Run(), done);
  }
  StopOnSignals([&] { asio::post(io, stop_all); });

  const auto wall_start = SteadyClock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        TourScenario::Stream stream = scenario->Events();
        if (options.from_ms > 0) stream.SkipTo(options.from_ms);
        asio::steady_timer pace(io);
        ScenarioEvent e;
        size_t next_link = 0;
        int64_t origin_ms = -1, next_progress_ms = 0, next_lag_check_ms = 0;
        auto wall_origin = wall_start;
        // The oldest fix made and not yet at the hub, over cars with a link; INT64_MAX: none.
        auto oldest_pending_ms = [&] {
          int64_t oldest = INT64_MAX;
          for (auto& car : cars) {
            if (!car->link_up) continue;
            if (car->spool && car->spool->unacked_count() > 0) {
              auto first = car->spool->Read(car->spool->acked_seq() + 1, 1);
              if (!first.empty()) oldest = std::min(oldest, first.front().fix.time_ms);
            } else if (car->phone && car->phone->buffered() > 0) {
              oldest = std::min(oldest, car->phone->oldest_time_ms());
            }
          }
          return oldest;
        };
        while (!stopping && stream.Next(e)) {
          if (options.until_ms > 0 && e.time_ms > options.until_ms) break;
          if (origin_ms < 0) {
            origin_ms = e.time_ms;
            report.first_ms = e.time_ms;
            log("playing the tour from " + UtcText(e.time_ms) + " at " +
                std::to_string(options.speedup) + "x");
            while (next_link < link_changes.size() && link_changes[next_link].time_ms < origin_ms)
              ++next_link;
          }
          if (e.time_ms >= next_lag_check_ms) {
            // Hold simulated time while the hub catches up (see kMaxHubLagMs).
            const auto held_from = SteadyClock::now();
            while (!stopping) {
              const int64_t oldest = oldest_pending_ms();
              if (oldest == INT64_MAX || e.time_ms - oldest <= kMaxHubLagMs) break;
              pace.expires_after(std::chrono::milliseconds(2));
              boost::system::error_code ignored;
              co_await pace.async_wait(NoThrow(ignored));
            }
            wall_origin += SteadyClock::now() - held_from;
            next_lag_check_ms = e.time_ms + 250;
          }
          const auto due = wall_origin + std::chrono::microseconds(static_cast<int64_t>(
                                             (e.time_ms - origin_ms) * 1000.0 / options.speedup));
          if (due > SteadyClock::now() + std::chrono::milliseconds(1)) {
            pace.expires_at(due);
            boost::system::error_code ignored;
            co_await pace.async_wait(NoThrow(ignored));
            if (stopping) break;
          }
          for (; next_link < link_changes.size() && link_changes[next_link].time_ms <= e.time_ms;
               ++next_link) {
            const LinkChange& change = link_changes[next_link];
            TourCar& car = *cars[change.car];
            car.link_up = change.up;
            if (car.uplink) car.uplink->SetLinkUp(change.up);
            if (car.phone) car.phone->SetOnline(change.up);
          }
          report.last_ms = e.time_ms;
          if (e.time_ms >= next_progress_ms) {
            if (next_progress_ms > 0) {
              uint64_t acked = 0;
              for (auto& car : cars) {
                acked += car->spool ? car->spool->acked_seq() : car->phone->delivered();
              }
              log("tour at " + UtcText(e.time_ms) + ": " + std::to_string(report.fixes) +
                  " fixes made, " + std::to_string(acked) + " at the hub");
            }
            next_progress_ms = e.time_ms + 15 * 60'000;
          }
          TourCar& car = *cars[e.car];
          switch (e.kind) {
            case ScenarioEventKind::kFix:
              ++report.fixes;
              if (car.uplink) {
                car.spool->Append(e.fix);
                car.uplink->NotifyNewFix();
              } else {
                PhoneReport phone_report;
                phone_report.fix = e.fix;
                car.battery_pct = std::max(5.0, car.battery_pct - 1.0 / 600);  // ~6 %/h
                phone_report.battery_pct = static_cast<int>(car.battery_pct);
                phone_report.alarm = std::move(car.pending_alarm);
                car.pending_alarm.clear();
                car.phone->Report(std::move(phone_report));
              }
              break;
            case ScenarioEventKind::kSos:
            case ScenarioEventKind::kRadio:
            case ScenarioEventKind::kSosResolved: {
              const bool sos = e.kind == ScenarioEventKind::kSos;
              // Staff resolving an SOS happens at the hub; the car answers "OK".
              const std::string text = e.kind == ScenarioEventKind::kSosResolved
                                           ? CannedReplies().front()
                                           : (e.text.empty() && sos ? "SOS" : e.text);
              log(car.roster_car->id + (sos ? " presses SOS" : " replies: " + text) + " at " +
                  UtcText(e.time_ms));
              if (car.phone) {
                if (sos) car.pending_alarm = "sos";  // a phone has no text channel
                break;
              }
              ++car.messages;
              ++report.car_messages;
              auto added = car.outbox->Add(sos ? v1::CarMessage::SOS : v1::CarMessage::CANNED_REPLY,
                                           text, e.time_ms);
              if (!added.ok()) log(car.roster_car->id + ": " + added.message());
              car.uplink->NotifyNewMessage();
              break;
            }
          }
        }
        // Drain: wait until the hub has everything (or the timeout).
        const auto drain_until = SteadyClock::now() + options.drain_timeout;
        asio::steady_timer poll(io);
        while (!stopping && SteadyClock::now() < drain_until) {
          bool all = true;
          for (auto& car : cars) {
            if (car->uplink) {
              all = all && car->spool->unacked_count() == 0 && car->outbox->pending().empty();
            } else {
              all = all && car->phone->buffered() == 0;
            }
          }
          if (all) {
            report.drained = true;
            break;
          }
          poll.expires_after(std::chrono::milliseconds(50));
          boost::system::error_code ignored;
          co_await poll.async_wait(NoThrow(ignored));
        }
        stop_all();
      },
      asio::detached);

  io.run();
  report.elapsed_s = std::chrono::duration<double>(SteadyClock::now() - wall_start).count();
  for (auto& car : cars) {
    if (car->spool) report.unit_fixes_acked += car->spool->acked_seq();
    if (car->phone) report.phone_reports_ok += car->phone->delivered();
    report.car_messages_delivered += car->messages_delivered;
  }
  log("tour played from " + UtcText(report.first_ms) + " to " + UtcText(report.last_ms) + " in " +
      std::to_string(static_cast<int64_t>(report.elapsed_s)) +
      " s: " + std::to_string(report.fixes) + " fixes, " + std::to_string(report.unit_fixes_acked) +
      " acknowledged by the hub, " + std::to_string(report.phone_reports_ok) +
      " phone reports answered 200, car messages " + std::to_string(report.car_messages_delivered) +
      "/" + std::to_string(report.car_messages) + " delivered" +
      (report.drained ? "" : " (NOT all delivered before the drain timeout)"));
  return report;
}

}  // namespace convoy::tracker
