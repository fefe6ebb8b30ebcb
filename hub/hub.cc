#include "hub/hub.h"

#include "convoy/v1/journal.pb.h"
#include "hub/http/api.h"
#include "hub/http/live.h"
#include "hub/http/radio_desk.h"
#include "hub/http/server.h"
#include "hub/http/staff.h"
#include "maps/route_file.h"
#include "proto/clock.h"
#if __has_include("hub/replay/replay_api.h")
#include "hub/replay/replay_api.h"
#define CONVOY_HUB_HAS_REPLAY 1
#endif

#include "proto/framing.h"

namespace convoy::hub {
namespace {

// The convoy model for the hub's flags: --plan, --route, or follow the lead.
Result<ConvoyModel> MakeModel(const HubOptions& options, const proto::Roster& roster) {
  ModelPlan plan = ModelPlan::FollowTheLead();
  Thresholds thresholds;
  if (!options.plan_path.empty()) {
    auto tour = maps::LoadTour(options.plan_path);
    if (!tour.ok()) return tour.status();
    auto applied = ApplyThresholds(tour->plan.alerts, options.plan_path + " [alerts]");
    if (!applied.ok()) return applied.status();
    thresholds = *applied;
    plan = PlanFromTour(std::move(*tour));
  } else if (!options.route_path.empty()) {
    auto file = maps::LoadRouteFile(options.route_path);
    if (!file.ok()) return file.status();
    auto route = std::make_shared<const maps::Route>(std::move(file->route));
    auto rallies = maps::PlaceRallyPoints(*route, file->waypoints);
    if (!rallies.ok()) return Error{options.route_path + ": " + rallies.message()};
    plan = ModelPlan::SingleRoute(std::move(route), std::move(*rallies));
  }
  return ConvoyModel(CarsFromRoster(roster), std::move(plan), thresholds);
}

// "convoy: 38 cars in order over 2140 m, 1 open alert" for the status line.
std::string ConvoyLine(const ConvoySnapshot& snapshot) {
  return "convoy: " + std::to_string(snapshot.order.size()) + " cars in order over " +
         std::to_string(static_cast<int64_t>(snapshot.convoy_length_m)) + " m, " +
         std::to_string(snapshot.open_alerts.size()) + " open alerts";
}

uint64_t AlertId(std::string_view payload) {
  v1::JournalAlert record;
  return record.ParseFromArray(payload.data(), static_cast<int>(payload.size())) ? record.alert_id()
                                                                                 : 0;
}

}  // namespace

Hub::Hub(const HubOptions& options, LogFn log)
    : options_(options), log_(std::move(log)), acceptor_(io_), status_timer_(io_) {}

Hub::~Hub() = default;

Result<std::unique_ptr<Hub>> Hub::Create(const HubOptions& options, LogFn log) {
  std::unique_ptr<Hub> hub(new Hub(options, std::move(log)));
  auto roster = proto::Roster::Load(options.roster_path);
  if (!roster.ok()) return roster.status();
  hub->roster_ = std::move(*roster);
  hub->ingest_ = std::make_unique<Ingest>(hub->roster_, nullptr, SystemClock::Instance());
  hub->registry_ = std::make_unique<TrackerRegistry>(hub->roster_.cars().size());
  if (options.osmand) {
    auto endpoint =
        osmand::Endpoint::Create(hub->io_, *hub->ingest_, options.osmand_options, hub->log_);
    if (!endpoint.ok()) return endpoint.status();
    hub->osmand_ = std::move(*endpoint);
  }

  auto model = MakeModel(options, hub->roster_);
  if (!model.ok()) return model.status();
  uint64_t last_alert_id = 0;
  if (options.http && options.staff_path.empty()) {
    return Error{"--http needs --staff FILE (name,role,token)"};
  }
  if (options.http) {
    auto staff = api::StaffList::Load(options.staff_path);
    if (!staff.ok()) return staff.status();
    hub->staff_ = std::make_unique<api::StaffList>(std::move(*staff));
  }
  {
    Hub* raw = hub.get();
    hub->radio_ = std::make_unique<api::RadioDesk>(
        hub->roster_, *hub->registry_, nullptr,
        [raw](size_t car) {
          return raw->osmand_ && raw->osmand_->phones().Get(car).reports_from_phone;
        },
        [] { return SystemClock::Instance().NowUtcMs(); }, hub->log_);
  }

  JournalOptions journal_options;
  journal_options.dir = options.data_dir;
  journal_options.segment_bytes = options.segment_bytes;
  journal_options.fs = options.journal_fs;
  // The operator's alarm for a full or failing disk: the journal says once when writing fails
  // (the hub stops acknowledging; trackers keep spooling) and once when it works again.
  journal_options.log = [log = hub->log_](std::string_view line) {
    log("OPERATOR ALERT: " + std::string(line));
  };
  RecoveryReport report;
  size_t unreadable = 0;
  auto journal = Journal::Open(
      journal_options,
      [&](RecordType type, std::string_view payload) {
        if (type == RecordType::kAlert) last_alert_id = std::max(last_alert_id, AlertId(payload));
        if (type == RecordType::kRadio || type == RecordType::kCarMessage) {
          hub->radio_->Replay(type, payload);
          return;
        }
        if (Status status = hub->ingest_->Replay(type, payload); !status.ok()) {
          if (unreadable++ < 10) hub->log_("journal: skipping a record: " + status.message());
        } else if (hub->osmand_) {
          (void)hub->osmand_->Replay(type, payload);  // Ingest has vouched for the record
        }
      },
      &report);
  if (!journal.ok()) return journal.status();
  hub->journal_ = std::move(*journal);
  hub->ingest_->set_journal(hub->journal_.get());
  hub->radio_->set_journal(hub->journal_.get());
  hub->convoy_ = std::make_unique<ConvoyService>(hub->io_, hub->roster_, std::move(*model),
                                                 hub->journal_.get(), options.clock,
                                                 last_alert_id + 1, hub->log_);
  if (options.http) {
    hub->live_ = std::make_unique<api::LiveHub>(hub->io_, hub->roster_, options.http_options.live,
                                                hub->log_);
  }
  hub->ingest_->set_observer([convoy = hub->convoy_.get(), live = hub->live_.get()](
                                 size_t car, auto fixes, auto verdicts) {
    convoy->OnDurableFixes(car, fixes, verdicts);
    if (live) live->OnFixes(car, fixes, verdicts);
  });
  {
    api::RadioDesk* radio = hub->radio_.get();
    TrackerHooks hooks;
    hooks.on_connected = [radio](size_t car) { radio->OnCarConnected(car); };
    hooks.on_radio_delivered = [radio](size_t car, uint64_t id) { radio->OnDelivered(car, id); };
    hooks.on_car_message = [radio](size_t car, const v1::CarMessage& message) {
      radio->OnCarMessage(car, message);
    };
    hub->registry_->set_hooks(std::move(hooks));
    radio->on_sos = [convoy = hub->convoy_.get()](size_t car, std::string text) {
      convoy->RaiseSos(car, std::move(text));
    };
  }
  if (options.http) {
    if (Status status = hub->StartHttp(); !status.ok()) return status;
  }
  if (hub->osmand_) {
    // A phone's alarm=sos is an SOS alert like a unit's; it does not wait for its fix.
    hub->osmand_->set_on_sos([convoy = hub->convoy_.get()](const osmand::SosEvent& event) {
      convoy->RaiseSos(event.car_index, "SOS from the phone");
    });
  }
  hub->log_("journal " + options.data_dir.string() + ": " + report.Summary());
  if (unreadable) hub->log_("journal: " + std::to_string(unreadable) + " records were unreadable");

  // Resolve and bind here, so that a bad address is an error the caller can print.
  boost::system::error_code ec;
  asio::ip::tcp::resolver resolver(hub->io_);
  auto endpoints = resolver.resolve(options.trackers.host, std::to_string(options.trackers.port),
                                    asio::ip::tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return Error{"--trackers " + options.trackers.ToString() + ": " + ec.message()};
  }
  const asio::ip::tcp::endpoint endpoint = endpoints.begin()->endpoint();
  hub->acceptor_.open(endpoint.protocol(), ec);
  if (!ec) hub->acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) hub->acceptor_.bind(endpoint, ec);
  if (!ec) hub->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{"--trackers " + options.trackers.ToString() + ": " + ec.message()};
  if (hub->osmand_) {
    if (Status status = hub->osmand_->Listen(*options.osmand); !status.ok()) return status;
  }
  return hub;
}

Status Hub::StartHttp() {
  // The page shows a red banner while the journal cannot write (nothing is acknowledged then).
  auto journal_health = [journal = journal_.get()] { return journal->health(); };
  api::ApiServices services{roster_,       *convoy_, *registry_, *ingest_,
                            osmand_.get(), *radio_,  {},         journal_health};
#ifdef CONVOY_HUB_HAS_REPLAY
  auto replay = replay::ReplayApi::Create(options_.data_dir, roster_);
  if (!replay.ok()) return replay.status();
  std::shared_ptr<replay::ReplayApi> replay_api = std::move(*replay);
  replay_ = replay_api;
  services.replay = [replay_api](std::string_view path, std::string_view query) {
    replay::ApiAnswer answer = replay_api->Handle(path, query);
    return api::Answer{static_cast<unsigned>(answer.status),
                       std::move(answer.content_type),
                       std::move(answer.body),
                       {}};
  };
#endif
  api_ = std::make_unique<api::Api>(std::move(services));
  api::Api* api = api_.get();
  api::LiveHub* live = live_.get();
  convoy_->on_event = [api, live](const AlertEvent& event) {
    live->Broadcast(std::make_shared<const std::string>(api->AlertMessage(event)));
  };
  convoy_->on_snapshot = [api, live](const std::shared_ptr<const ConvoySnapshot>& snapshot) {
    live->BroadcastConvoy([&] { return api->ConvoyMessage(*snapshot); });
  };
  radio_->on_change = [api, live](const api::RadioEntry& entry) {
    live->Broadcast(std::make_shared<const std::string>(api->RadioMessage(entry)));
  };
  api::ServerOptions server_options = options_.http_options;
  if (server_options.session_key_file.empty()) {
    server_options.session_key_file = options_.data_dir / "login.key";
  }
  auto server =
      api::Server::Create(io_, *options_.http, server_options, *api_, *staff_, *live_, log_);
  if (!server.ok()) return server.status();
  http_ = std::move(*server);
  return Status::Ok();
}

asio::ip::tcp::endpoint Hub::trackers_endpoint() const { return acceptor_.local_endpoint(); }

std::optional<asio::ip::tcp::endpoint> Hub::http_endpoint() const {
  if (!http_) return std::nullopt;
  return http_->local_endpoint();
}

std::optional<asio::ip::tcp::endpoint> Hub::osmand_endpoint() const {
  if (!osmand_) return std::nullopt;
  return osmand_->local_endpoint();
}

asio::awaitable<void> Hub::AcceptLoop() {
  while (acceptor_.is_open()) {
    // Each connection gets its own strand, made here.
    auto strand = asio::make_strand(io_);
    boost::system::error_code ec;
    asio::ip::tcp::socket socket = co_await acceptor_.async_accept(strand, NoThrow(ec));
    if (ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of file descriptors or similar: say so, breathe, and keep serving the others.
      log_("accepting a tracker connection failed: " + ec.message());
      asio::steady_timer pause(io_, std::chrono::milliseconds(100));
      {
        boost::system::error_code ignored;
        co_await pause.async_wait(NoThrow(ignored));
      }
      continue;
    }
    std::shared_ptr<void> slot = AdmitFrom(socket.remote_endpoint(ec).address());
    if (!slot) {
      // Best effort and without waiting: a car behind the same NAT learns why, and backs off.
      v1::Downlink refusal;
      refusal.mutable_refused()->set_reason(v1::Refused::OVERLOADED);
      refusal.mutable_refused()->set_detail("too many connections from this address");
      std::string frame;
      proto::AppendFrame(refusal, &frame);
      socket.non_blocking(true, ec);
      socket.send(asio::buffer(frame), 0, ec);
      socket.close(ec);
      continue;
    }
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    auto session = std::make_shared<TrackerSession>(std::move(socket), *ingest_, *registry_,
                                                    options_.session, log_);
    // The lambda, kept by co_spawn until the coroutine ends, keeps the session (and the
    // address's slot) alive.
    asio::co_spawn(
        strand, [session, slot] { return session->Run(); }, asio::detached);
  }
}

std::shared_ptr<void> Hub::AdmitFrom(const asio::ip::address& address) {
  // Local tools (the simulator, the benchmarks) connect thousands of cars from loopback.
  const size_t limit =
      address.is_loopback() && !options_.limit_loopback ? 0 : options_.max_connections_per_address;
  std::lock_guard guard(addresses_mu_);
  AddressCount& count = addresses_[address];
  if (limit > 0 && count.open >= limit) {
    // One line for the first refusal and one per thousand after: a flood must not flood the log.
    if (count.refused++ % 1000 == 0) {
      log_("refusing tracker connections from " + address.to_string() + ": " +
           std::to_string(count.open) + " open, the limit per address; " +
           std::to_string(count.refused) + " refused so far");
    }
    return nullptr;
  }
  ++count.open;
  // Not null: a null shared_ptr would read as "refused".
  return std::shared_ptr<void>(this, [this, address](void*) {
    std::lock_guard guard(addresses_mu_);
    auto it = addresses_.find(address);
    if (it != addresses_.end() && --it->second.open == 0) addresses_.erase(it);
  });
}

asio::awaitable<void> Hub::StatusLoop() {
  uint64_t last_recorded = ingest_->stats().fixes_recorded;
  while (options_.status_interval_s > 0) {
    status_timer_.expires_after(std::chrono::seconds(options_.status_interval_s));
    boost::system::error_code ec;
    co_await status_timer_.async_wait(NoThrow(ec));
    if (ec) break;
    const IngestStats& stats = ingest_->stats();
    const uint64_t recorded = stats.fixes_recorded;
    log_("status: " + std::to_string(registry_->connected()) + "/" +
         std::to_string(roster_.cars().size()) + " cars connected, " + std::to_string(recorded) +
         " fixes recorded (" +
         std::to_string((recorded - last_recorded) / options_.status_interval_s) + "/s), " +
         std::to_string(stats.fixes_flagged) + " flagged, " + std::to_string(stats.duplicates) +
         " duplicates dropped; " + ConvoyLine(*convoy_->snapshot()));
    if (Status health = journal_->health(); !health.ok()) {
      log_("OPERATOR ALERT: the journal is not writing (" + health.message() +
           "); nothing is acknowledged until it is");
    }
    last_recorded = recorded;
  }
}

void Hub::Run() {
  asio::co_spawn(io_, AcceptLoop(), asio::detached);
  asio::co_spawn(io_, StatusLoop(), asio::detached);
  convoy_->Start();
  if (osmand_) osmand_->Start();
  if (http_) http_->Start();
  std::vector<std::thread> threads;
  for (int i = 1; i < options_.threads; ++i) threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& thread : threads) thread.join();
  journal_.reset();  // writes and syncs what is queued
}

void Hub::Stop() {
  asio::post(io_, [this] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    status_timer_.cancel();
    registry_->CloseAll();
    convoy_->Stop();
    if (osmand_) osmand_->Stop();
    if (http_) http_->Stop();
    if (live_) live_->Stop();
    // Sessions end on their own once closed; whatever is left is abandoned after a deadline.
    asio::co_spawn(
        io_,
        [this]() -> asio::awaitable<void> {
          asio::steady_timer tick(io_);
          for (int i = 0; i < 60 && registry_->connected() > 0; ++i) {
            tick.expires_after(std::chrono::milliseconds(50));
            {
              boost::system::error_code ignored;
              co_await tick.async_wait(NoThrow(ignored));
            }
          }
          io_.stop();
        },
        asio::detached);
  });
}

}  // namespace convoy::hub
