// A resend that races with its own write: a tracker's connection dies while its batch is being
// written, and the tracker sends the same fixes on a new connection before the write is durable.
// The resend must be told when they are durable (the old connection, which would have been, is
// gone), and must not be written twice. A sync held at a gate makes the race deterministic.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <optional>

#include "hub/ingest.h"
#include "hub/osmand/gated_fs.h"
#include "support/fault_fs.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"

namespace convoy::hub {
namespace {

using testing::GatedFileSystem;
using testing::TempDir;

// What one connection hears back from Ingest.
class Answer {
 public:
  Ingest::DurableFn fn() {
    return [this](const Status& status, uint64_t watermark) {
      std::lock_guard guard(mu_);
      ok_ = status.ok();
      watermark_ = watermark;
      ++calls_;
      cv_.notify_all();
    };
  }
  // Waits for the answer (a hung test, not a timing, ends at the ctest timeout).
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return calls_ > 0; });
  }
  int calls() {
    std::lock_guard guard(mu_);
    return calls_;
  }
  bool ok() {
    std::lock_guard guard(mu_);
    return ok_;
  }
  uint64_t watermark() {
    std::lock_guard guard(mu_);
    return watermark_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  bool ok_ = false;
  uint64_t watermark_ = 0;
};

std::vector<proto::SequencedFix> Fixes(uint64_t first, int count) {
  std::vector<proto::SequencedFix> fixes;
  const int64_t base_ms = (SystemClock::Instance().NowUtcMs() - 3'600'000) / 1000 * 1000;
  for (int i = 0; i < count; ++i) {
    proto::Fix fix;
    fix.time_ms = base_ms + static_cast<int64_t>(first + i) * 1000;
    fix.lat_e7 = 419'000'000 + static_cast<int32_t>(first + i) * 100;
    fix.lon_e7 = 124'000'000;
    fix.quality = proto::FixQuality::k3D;
    fixes.push_back({first + i, fix});
  }
  return fixes;
}

class IngestResendTest : public ::testing::Test {
 protected:
  void Open(proto::FileSystem* fs) {
    auto roster = proto::Roster::Parse(testing::TestRosterCsv(2), "test roster");
    ASSERT_TRUE(roster.ok());
    roster_ = std::move(*roster);
    ingest_ = std::make_unique<Ingest>(roster_, nullptr, SystemClock::Instance());
    JournalOptions options;
    options.dir = dir_ / "data";
    options.fs = fs;
    options.retry_interval = std::chrono::milliseconds(0);
    auto journal = Journal::Open(
        options, [](RecordType, std::string_view) {}, nullptr);
    ASSERT_TRUE(journal.ok()) << journal.message();
    journal_ = std::move(*journal);
    ingest_->set_journal(journal_.get());
  }
  void Close() { journal_.reset(); }
  size_t RecordedCount(const std::string& car) {
    return testing::ReadRecordedFixes(dir_ / "data")[car].size();
  }

  TempDir dir_;
  proto::Roster roster_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<Journal> journal_;
};

TEST_F(IngestResendTest, ResendOfFixesBeingWrittenIsAnsweredWhenTheyAreDurable) {
  GatedFileSystem gated(proto::FileSystem::Default());
  Open(&gated);
  gated.Close();
  Answer first, resend, again;
  const auto batch = Fixes(1, 5);
  ASSERT_EQ(ingest_->Accept(0, batch, v1::JournalFixes::SOURCE_UNIT, first.fn()),
            Ingest::AcceptResult::kQueued);
  gated.WaitForWaitingSyncs(1);  // written, its fdatasync held
  // The same fixes on a new connection, and half of them once more.
  ASSERT_EQ(ingest_->Accept(0, batch, v1::JournalFixes::SOURCE_UNIT, resend.fn()),
            Ingest::AcceptResult::kQueued);
  ASSERT_EQ(ingest_->Accept(0, Fixes(3, 3), v1::JournalFixes::SOURCE_UNIT, again.fn()),
            Ingest::AcceptResult::kQueued);
  EXPECT_EQ(resend.calls(), 0) << "told before the fixes were durable";
  gated.Open();
  first.Wait();
  resend.Wait();
  again.Wait();
  EXPECT_TRUE(resend.ok());
  EXPECT_EQ(resend.watermark(), 5u);
  EXPECT_EQ(again.watermark(), 5u);
  // Once durable, a resend is known at once.
  Answer late;
  EXPECT_EQ(ingest_->Accept(0, batch, v1::JournalFixes::SOURCE_UNIT, late.fn()),
            Ingest::AcceptResult::kNothingNew);
  Close();
  EXPECT_EQ(first.calls(), 1);
  EXPECT_EQ(resend.calls(), 1);
  EXPECT_EQ(late.calls(), 0);
  EXPECT_EQ(RecordedCount("car1"), 5u) << "recorded twice";
}

TEST_F(IngestResendTest, ResendOfFixesWhoseWriteFailsFailsTooAndIsTakenAfterwards) {
  test::FaultInjectingFileSystem faults;
  GatedFileSystem gated(&faults);
  Open(&gated);
  gated.Close();
  Answer first, resend;
  const auto batch = Fixes(1, 5);
  ASSERT_EQ(ingest_->Accept(0, batch, v1::JournalFixes::SOURCE_UNIT, first.fn()),
            Ingest::AcceptResult::kQueued);
  gated.WaitForWaitingSyncs(1);
  ASSERT_EQ(ingest_->Accept(0, batch, v1::JournalFixes::SOURCE_UNIT, resend.fn()),
            Ingest::AcceptResult::kQueued);
  faults.FailSyncs(true);
  gated.Open();
  first.Wait();
  resend.Wait();
  EXPECT_FALSE(first.ok());
  EXPECT_FALSE(resend.ok()) << "told durable, but the write failed";
  // The disk works again: the next resend is written, once.
  faults.FailSyncs(false);
  Answer retry;
  ASSERT_EQ(ingest_->Accept(0, batch, v1::JournalFixes::SOURCE_UNIT, retry.fn()),
            Ingest::AcceptResult::kQueued);
  retry.Wait();
  EXPECT_TRUE(retry.ok());
  EXPECT_EQ(retry.watermark(), 5u);
  Close();
  EXPECT_EQ(RecordedCount("car1"), 5u);
}

}  // namespace
}  // namespace convoy::hub
