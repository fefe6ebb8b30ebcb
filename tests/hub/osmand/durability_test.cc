// 200 only once durable: the endpoint over a real journal on a file system that can hold a sync
// at a gate, fail writes or fail syncs. Every failure answers 5xx, so the app keeps the report;
// its resend is then recorded once.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "gated_fs.h"
#include "http_client.h"
#include "hub/journal_reader.h"
#include "hub/osmand/endpoint.h"
#include "support/fault_fs.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"

namespace convoy::hub::osmand {
namespace {

using testing::GatedFileSystem;
using testing::HttpAnswer;
using testing::HttpClient;
using testing::TempDir;

// Roster, Ingest, journal and endpoint as the hub wires them, on two io threads.
class PhoneHub {
 public:
  PhoneHub(const TempDir& dir, proto::FileSystem* fs, EndpointOptions options = {},
           size_t max_pending_bytes = 32u << 20) {
    auto roster = proto::Roster::Parse(testing::TestRosterCsv(3), "test roster");
    EXPECT_TRUE(roster.ok());
    roster_ = std::move(*roster);
    ingest_ = std::make_unique<Ingest>(roster_, nullptr, SystemClock::Instance());
    options.local_time_is_utc = true;
    auto endpoint = Endpoint::Create(io_, *ingest_, options, [](std::string_view) {});
    EXPECT_TRUE(endpoint.ok());
    endpoint_ = std::move(*endpoint);
    JournalOptions journal_options;
    journal_options.dir = dir / "data";
    journal_options.fs = fs;
    journal_options.retry_interval = std::chrono::milliseconds(0);
    journal_options.max_pending_bytes = max_pending_bytes;
    auto journal = Journal::Open(
        journal_options,
        [&](RecordType type, std::string_view payload) {
          EXPECT_TRUE(ingest_->Replay(type, payload).ok());
          EXPECT_TRUE(endpoint_->Replay(type, payload).ok());
        },
        nullptr);
    EXPECT_TRUE(journal.ok()) << journal.message();
    journal_ = std::move(*journal);
    ingest_->set_journal(journal_.get());
    EXPECT_TRUE(endpoint_->Listen({"127.0.0.1", 0}).ok());
    endpoint_->Start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~PhoneHub() {
    endpoint_->Stop();
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) thread.join();
    journal_.reset();
  }
  uint16_t port() const { return endpoint_->local_endpoint().port(); }
  Endpoint& endpoint() { return *endpoint_; }

 private:
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  proto::Roster roster_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<Endpoint> endpoint_;
  std::unique_ptr<Journal> journal_;  // destroyed (drained) before the endpoint
  std::vector<std::thread> threads_;
};

// The same (car, step) gives the same report all through the run, as an app's resend does: the
// time is taken once, not per call, or a resend made in the next second (a slow machine, a
// sanitizer build) would be a new fix and recorded twice.
std::string Report(int car, int step) {
  static const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  return "/?id=secret-of-car" + std::to_string(car) +
         "&timestamp=" + std::to_string(now_s - 100 + step) + "&lat=45." +
         std::to_string(1000 + step) + "&lon=9.5";
}

std::vector<uint64_t> RecordedSeqs(const TempDir& dir, const std::string& car) {
  auto recorded = testing::ReadRecordedFixes(dir / "data");
  std::vector<uint64_t> seqs;
  for (const auto& fix : recorded[car]) seqs.push_back(fix.seq);
  return seqs;
}

TEST(OsmandDurabilityTest, AnswerWaitsUntilTheFixIsOnDisk) {
  TempDir dir;
  GatedFileSystem gated(proto::FileSystem::Default());
  {
    PhoneHub hub(dir, &gated);
    gated.Close();
    HttpClient client(hub.port());
    auto answer = std::async(std::launch::async, [&] { return client.Get(Report(1, 0)); });
    gated.WaitForWaitingSyncs(1);  // the fix is written and its fdatasync is held
    EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(200)), std::future_status::timeout)
        << "answered before the fix was durable";
    gated.Open();
    EXPECT_EQ(answer.get().status, 200);
  }
  EXPECT_EQ(RecordedSeqs(dir, "car1"), std::vector<uint64_t>{1});
}

TEST(OsmandDurabilityTest, FailingDiskAnswers503AndTheResendIsRecordedOnce) {
  TempDir dir;
  test::FaultInjectingFileSystem faults;
  {
    PhoneHub hub(dir, &faults);
    HttpClient client(hub.port());
    ASSERT_EQ(client.Get(Report(2, 0)).status, 200);
    faults.FailWritesNow();  // the disk is full
    const HttpAnswer failed = client.Get(Report(2, 1));
    EXPECT_EQ(failed.status, 503) << failed.error;
    EXPECT_TRUE(failed.keep_alive);
    faults.FailSyncs(true);  // and then the disk fails its syncs
    faults.AllowWrites();
    EXPECT_EQ(client.Get(Report(2, 1)).status, 503);
    faults.FailSyncs(false);  // repaired: the app's resend goes through
    EXPECT_EQ(client.Get(Report(2, 1)).status, 200);
    EXPECT_EQ(client.Get(Report(2, 2)).status, 200);
    EXPECT_EQ(hub.endpoint().stats().unavailable, 2u);
  }
  EXPECT_EQ(RecordedSeqs(dir, "car2"), (std::vector<uint64_t>{1, 2, 3}))
      << "the failed fix is recorded once, under the seq it was first given";
}

TEST(OsmandDurabilityTest, SlowDiskAnswers503AtTheDeadlineAndTheResendWaitsOrSucceeds) {
  TempDir dir;
  GatedFileSystem gated(proto::FileSystem::Default());
  {
    EndpointOptions options;
    options.durable_timeout = std::chrono::milliseconds(100);
    PhoneHub hub(dir, &gated, options);
    HttpClient client(hub.port());
    gated.Close();
    EXPECT_EQ(client.Get(Report(3, 0)).status, 503);
    gated.Open();
    // The app resends until it gets 200; on a loaded machine the write now under way may itself
    // outlast the 100 ms deadline once, so allow a few resends: each is the same record.
    int status = 0;
    for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
      status = client.Get(Report(3, 0)).status;
    }
    EXPECT_EQ(status, 200);
    EXPECT_GE(hub.endpoint().recorder_stats().fixes_resent, 1u);
  }
  EXPECT_EQ(RecordedSeqs(dir, "car3"), std::vector<uint64_t>{1});
}

TEST(OsmandDurabilityTest, FullJournalQueueAnswers503AfterRetrying) {
  TempDir dir;
  GatedFileSystem gated(proto::FileSystem::Default());
  {
    EndpointOptions options;
    options.busy_timeout = std::chrono::milliseconds(50);
    PhoneHub hub(dir, &gated, options, /*max_pending_bytes=*/1);
    gated.Close();
    HttpClient first(hub.port());
    auto held = std::async(std::launch::async, [&] { return first.Get(Report(1, 0)); });
    gated.WaitForWaitingSyncs(1);  // the queue is full while fix 1 is being written
    HttpClient second(hub.port());
    EXPECT_EQ(second.Get(Report(2, 0)).status, 503);
    gated.Open();
    EXPECT_EQ(held.get().status, 200);
    EXPECT_EQ(second.Get(Report(2, 0)).status, 200);
  }
  EXPECT_EQ(RecordedSeqs(dir, "car1"), std::vector<uint64_t>{1});
  EXPECT_EQ(RecordedSeqs(dir, "car2"), std::vector<uint64_t>{1});
}

TEST(OsmandDurabilityTest, StopWhileWaitingForTheDiskDropsTheAnswer) {
  TempDir dir;
  GatedFileSystem gated(proto::FileSystem::Default());
  std::future<HttpAnswer> answer;
  std::unique_ptr<HttpClient> client;
  {
    PhoneHub hub(dir, &gated);
    gated.Close();
    client = std::make_unique<HttpClient>(hub.port());
    answer = std::async(std::launch::async, [&] { return client->Get(Report(1, 0)); });
    gated.WaitForWaitingSyncs(1);
    hub.endpoint().Stop();
    EXPECT_NE(answer.get().status, 200) << "no 200 for a fix that is not durable";
    gated.Open();
  }
  // The journal drained at shutdown, so the fix is there; the app's resend to the next hub
  // would be recognised (phone_recorder_test: KnownFixesSurviveARestart).
  EXPECT_EQ(RecordedSeqs(dir, "car1"), std::vector<uint64_t>{1});
}

}  // namespace
}  // namespace convoy::hub::osmand
