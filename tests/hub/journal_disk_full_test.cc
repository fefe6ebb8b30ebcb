// The disk fills under the hub's journal while a real tracker reports (issue 8): the hub stops
// acknowledging, the tracker keeps its fixes in its spool, the failure is logged for the
// operator, and when space returns the hub resumes by itself and every fix is recorded exactly
// once. Only the journal's disk is fake (support/fault_fs.h); sockets, the tracker's spool and
// the sessions are real. The hub is wired as Hub::Create wires it (Ingest, Journal, sessions on
// their own strands), because the Hub itself takes no file system to fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "hub/ingest.h"
#include "hub/journal.h"
#include "hub/tracker_session.h"
#include "proto/roster.h"
#include "support/fault_fs.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"
#include "support/tracker_harness.h"

namespace convoy::hub {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;
using testing::TrackerHarness;

// Collects log lines from every thread; tests wait for lines, never for time.
class Log {
 public:
  LogFn fn() {
    return [this](std::string_view line) {
      std::lock_guard guard(mu_);
      lines_.emplace_back(line);
      changed_.notify_all();
    };
  }
  size_t Count(std::string_view text) {
    std::lock_guard guard(mu_);
    return CountLocked(text);
  }
  // False after a generous timeout that only ends a hung test.
  bool WaitFor(std::string_view text, size_t count = 1) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 120s, [&] { return CountLocked(text) >= count; });
  }

 private:
  size_t CountLocked(std::string_view text) {
    return std::count_if(lines_.begin(), lines_.end(),
                         [&](const std::string& line) { return line.find(text) != line.npos; });
  }
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::string> lines_;
};

class SmallHub {
 public:
  SmallHub(const TempDir& dir, proto::FileSystem* fs, Log& journal_log, Log& log)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    auto roster = proto::Roster::Parse(testing::TestRosterCsv(2), "test roster");
    EXPECT_TRUE(roster.ok());
    roster_ = std::move(*roster);
    ingest_ = std::make_unique<Ingest>(roster_, nullptr, SystemClock::Instance());
    registry_ = std::make_unique<TrackerRegistry>(roster_.cars().size());
    JournalOptions options;
    options.dir = dir / "data";
    options.fs = fs;
    options.retry_interval = 50ms;
    options.log = journal_log.fn();
    auto journal = Journal::Open(
        options,
        [&](RecordType type, std::string_view payload) {
          EXPECT_TRUE(ingest_->Replay(type, payload).ok());
        },
        nullptr);
    EXPECT_TRUE(journal.ok()) << journal.message();
    journal_ = std::move(*journal);
    ingest_->set_journal(journal_.get());
    log_ = log.fn();
    asio::co_spawn(io_, Accept(), asio::detached);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~SmallHub() {
    asio::post(io_, [this] {
      boost::system::error_code ec;
      acceptor_.close(ec);
      registry_->CloseAll();
    });
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    journal_.reset();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      auto strand = asio::make_strand(io_);
      boost::system::error_code ec;
      asio::ip::tcp::socket socket = co_await acceptor_.async_accept(strand, NoThrow(ec));
      if (ec) co_return;
      auto session = std::make_shared<TrackerSession>(std::move(socket), *ingest_, *registry_,
                                                      TrackerSessionOptions{}, log_);
      asio::co_spawn(
          strand, [session] { return session->Run(); }, asio::detached);
    }
  }

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  asio::ip::tcp::acceptor acceptor_;
  proto::Roster roster_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<TrackerRegistry> registry_;
  std::unique_ptr<Journal> journal_;
  LogFn log_;
  std::vector<std::thread> threads_;
};

TEST(JournalDiskFullTest, HubStopsAckingTrackerSpoolsAndBothResumeWhenSpaceReturns) {
  TempDir dir;
  test::FaultInjectingFileSystem faults;
  Log journal_log, log;
  {
    SmallHub hub(dir, &faults, journal_log, log);
    TrackerHarness car(hub.port(), "car1", "secret-of-car1", dir / "spool");
    car.MakeFixes(50);
    car.Connect();
    ASSERT_TRUE(car.WaitAllAcked());

    faults.FailWritesNow();  // the journal's disk is full
    car.MakeFixes(100);
    // The operator hears of it: one line from the journal, and each session whose batch failed
    // closes with the reason (the tracker reconnects and tries again).
    ASSERT_TRUE(journal_log.WaitFor("journal: writing failed"));
    ASSERT_TRUE(log.WaitFor("recording failed", 2));
    EXPECT_EQ(journal_log.Count("journal: writing failed"), 1u) << "one line per outage";
    // Nothing written was acknowledged; the tracker still holds all of it.
    EXPECT_EQ(car.acked(), 50u);
    EXPECT_EQ(car.spool_unacked(), 100u);
    // More fixes keep coming while the disk is full: spooled, not lost.
    car.MakeFixes(50);
    ASSERT_TRUE(log.WaitFor("recording failed", 4));
    EXPECT_EQ(car.acked(), 50u);
    EXPECT_EQ(car.spool_unacked(), 150u);

    faults.AllowWrites();  // space returns; nobody restarts anything
    ASSERT_TRUE(car.WaitAllAcked(120s)) << "acked " << car.acked() << " of " << car.made();
    EXPECT_EQ(car.spool_unacked(), 0u);
    EXPECT_TRUE(journal_log.WaitFor("journal: writing works again"));
  }
  // Every fix made is recorded exactly once, the failed attempts included nowhere twice.
  const auto recorded = testing::ReadRecordedFixes(dir / "data");
  ASSERT_EQ(recorded.count("car1"), 1u);
  std::vector<uint64_t> seqs;
  for (const auto& fix : recorded.at("car1")) seqs.push_back(fix.seq);
  std::sort(seqs.begin(), seqs.end());
  ASSERT_EQ(seqs.size(), 200u);
  for (size_t i = 0; i < seqs.size(); ++i) ASSERT_EQ(seqs[i], i + 1);
}

}  // namespace
}  // namespace convoy::hub
