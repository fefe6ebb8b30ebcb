#include "hub/hub.h"

namespace convoy::hub {
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

  JournalOptions journal_options;
  journal_options.dir = options.data_dir;
  journal_options.segment_bytes = options.segment_bytes;
  RecoveryReport report;
  size_t unreadable = 0;
  auto journal = Journal::Open(
      journal_options,
      [&](RecordType type, std::string_view payload) {
        if (Status status = hub->ingest_->Replay(type, payload); !status.ok()) {
          if (unreadable++ < 10) hub->log_("journal: skipping a record: " + status.message());
        }
      },
      &report);
  if (!journal.ok()) return journal.status();
  hub->journal_ = std::move(*journal);
  hub->ingest_->set_journal(hub->journal_.get());
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
  return hub;
}

asio::ip::tcp::endpoint Hub::trackers_endpoint() const { return acceptor_.local_endpoint(); }

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
    socket.set_option(asio::ip::tcp::no_delay(true), ec);
    auto session = std::make_shared<TrackerSession>(std::move(socket), *ingest_, *registry_,
                                                    options_.session, log_);
    // The lambda, kept by co_spawn until the coroutine ends, keeps the session alive.
    asio::co_spawn(strand, [session] { return session->Run(); }, asio::detached);
  }
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
         " duplicates dropped");
    last_recorded = recorded;
  }
}

void Hub::Run() {
  asio::co_spawn(io_, AcceptLoop(), asio::detached);
  asio::co_spawn(io_, StatusLoop(), asio::detached);
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
