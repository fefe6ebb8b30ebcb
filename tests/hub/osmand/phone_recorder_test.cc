// The phone recorder over a real Ingest and a real journal on disk (a gated, fault-injecting file
// system): seqs for phones, a resent report recorded once, answers only when durable, a failed
// write retried under its seq, and the window rebuilt after a restart.
#include "hub/osmand/phone_recorder.h"

#include <gtest/gtest.h>

#include <future>

#include "gated_fs.h"
#include "hub/journal_reader.h"
#include "support/fault_fs.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"

namespace convoy::hub::osmand {
namespace {

using testing::GatedFileSystem;
using testing::TempDir;

proto::Fix FixAt(int i) {
  proto::Fix fix;
  fix.time_ms = 1'700'000'000'000 + i * 1000;
  fix.lat_e7 = 400000000 + i * 100;
  fix.lon_e7 = 140000000 + i * 100;
  return fix;
}

PhoneFixToRecord ToRecord(const proto::Fix& fix, std::optional<double> accuracy_m = {}) {
  return {fix, accuracy_m};
}

struct Recorded {
  std::vector<proto::SequencedFix> fixes;
  std::vector<proto::FixVerdict> verdicts;
  std::vector<v1::JournalFixes::Source> sources;  // per fix
};

// The phone under test is car2 (index 1) of a three-car roster.
class RecorderTest : public ::testing::Test {
 protected:
  RecorderTest() : gated_(&faults_), clock_(1'700'000'100'000) {
    auto roster = proto::Roster::Parse(testing::TestRosterCsv(3), "test roster");
    EXPECT_TRUE(roster.ok());
    roster_ = std::move(*roster);
    Open();
  }
  ~RecorderTest() override { CloseJournal(); }

  void Open(size_t window = 4096) {
    ingest_ = std::make_unique<Ingest>(roster_, nullptr, clock_);
    recorder_ = std::make_unique<PhoneRecorder>(*ingest_, roster_.cars().size(), window);
    JournalOptions options;
    options.dir = dir_ / "data";
    options.fs = &gated_;
    options.retry_interval = std::chrono::milliseconds(0);
    auto journal = Journal::Open(
        options,
        [&](RecordType type, std::string_view payload) {
          EXPECT_TRUE(ingest_->Replay(type, payload).ok());
          EXPECT_TRUE(recorder_->Replay(type, payload).ok());
        },
        nullptr);
    ASSERT_TRUE(journal.ok()) << journal.message();
    journal_ = std::move(*journal);
    ingest_->set_journal(journal_.get());
  }
  void CloseJournal() {
    gated_.Open();
    journal_.reset();  // drains: every pending callback runs
  }
  void Restart(size_t window = 4096) {
    CloseJournal();
    Open(window);
  }

  // Records and waits for the answer: OK when durable (or durable before), the error otherwise.
  Status RecordAndWait(std::vector<PhoneFixToRecord> fixes, size_t car = 1) {
    std::promise<Status> answer;
    auto ticket =
        recorder_->Record(car, fixes, [&](const Status& status) { answer.set_value(status); });
    if (ticket.outcome == PhoneRecorder::Outcome::kDurable) return Status::Ok();
    if (ticket.outcome == PhoneRecorder::Outcome::kBusy) return Error{"busy"};
    return answer.get_future().get();
  }

  Recorded ReadBack(const std::string& car = "car2") {
    journal_->Flush();
    Recorded out;
    EXPECT_TRUE(ReadJournal(dir_ / "data", [&](RecordType type, std::string_view payload,
                                               const RecordPosition&) {
                  if (type != RecordType::kFixes) return;
                  auto decoded = DecodeJournalFixes(payload);
                  ASSERT_TRUE(decoded.ok());
                  if (decoded->record.car_id() != car) return;
                  for (size_t i = 0; i < decoded->fixes.size(); ++i) {
                    out.fixes.push_back(decoded->fixes[i]);
                    out.verdicts.push_back(decoded->verdicts[i]);
                    out.sources.push_back(decoded->record.source());
                  }
                }).ok());
    return out;
  }

  TempDir dir_;
  test::FaultInjectingFileSystem faults_;
  GatedFileSystem gated_;
  FakeClock clock_;
  proto::Roster roster_;
  std::unique_ptr<Ingest> ingest_;
  std::unique_ptr<PhoneRecorder> recorder_;
  std::unique_ptr<Journal> journal_;
};

TEST_F(RecorderTest, PhoneFixesAreNumberedFromOneAndRecordedAsPhoneFixes) {
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(i))}).ok());
  const Recorded recorded = ReadBack();
  ASSERT_EQ(recorded.fixes.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(recorded.fixes[i].seq, static_cast<uint64_t>(i + 1));
    EXPECT_EQ(recorded.fixes[i].fix, FixAt(i + 1));
    EXPECT_EQ(recorded.sources[i], v1::JournalFixes::SOURCE_PHONE);
  }
  EXPECT_EQ(ingest_->Snapshot(1).phone_highest_seq, 3u);
}

TEST_F(RecorderTest, ResentReportIsRecordedOnceAndAnsweredAtOnce) {
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(1))}).ok());
  auto again = recorder_->Record(1, std::vector{ToRecord(FixAt(1))},
                                 [](const Status&) { ADD_FAILURE() << "no callback expected"; });
  EXPECT_EQ(again.outcome, PhoneRecorder::Outcome::kDurable);
  EXPECT_EQ(again.new_fixes, 0u);
  EXPECT_EQ(ReadBack().fixes.size(), 1u);
  EXPECT_EQ(recorder_->stats().fixes_resent, 1u);
}

TEST_F(RecorderTest, SameTimeElsewhereIsANewFix) {
  proto::Fix moved = FixAt(1);
  moved.lat_e7 += 1;
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(1))}).ok());
  ASSERT_TRUE(RecordAndWait({ToRecord(moved)}).ok());
  EXPECT_EQ(ReadBack().fixes.size(), 2u);
}

TEST_F(RecorderTest, ResendWhileQueuedWaitsForTheSameRecord) {
  gated_.Close();
  std::promise<Status> first, second;
  auto a = recorder_->Record(1, std::vector{ToRecord(FixAt(1))},
                             [&](const Status& s) { first.set_value(s); });
  auto b = recorder_->Record(1, std::vector{ToRecord(FixAt(1))},
                             [&](const Status& s) { second.set_value(s); });
  EXPECT_EQ(a.outcome, PhoneRecorder::Outcome::kWaiting);
  EXPECT_EQ(a.new_fixes, 1u);
  EXPECT_EQ(b.outcome, PhoneRecorder::Outcome::kWaiting) << "not durable yet: no early answer";
  EXPECT_EQ(b.new_fixes, 0u);
  gated_.WaitForWaitingSyncs(1);
  auto first_answer = first.get_future();
  EXPECT_EQ(first_answer.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  gated_.Open();
  EXPECT_TRUE(first_answer.get().ok());
  EXPECT_TRUE(second.get_future().get().ok());
  EXPECT_EQ(ReadBack().fixes.size(), 1u);
}

TEST_F(RecorderTest, BatchWaitsForEveryFixIncludingOnesQueuedByOthers) {
  gated_.Close();
  std::promise<Status> first, batch;
  recorder_->Record(1, std::vector{ToRecord(FixAt(1))},
                    [&](const Status& s) { first.set_value(s); });
  // The app's batch repeats fix 1 (queued by the request above), fix 2 twice, and adds fix 3.
  auto ticket = recorder_->Record(
      1,
      std::vector{ToRecord(FixAt(1)), ToRecord(FixAt(2)), ToRecord(FixAt(2)), ToRecord(FixAt(3))},
      [&](const Status& s) { batch.set_value(s); });
  EXPECT_EQ(ticket.outcome, PhoneRecorder::Outcome::kWaiting);
  EXPECT_EQ(ticket.new_fixes, 2u);
  gated_.Open();
  EXPECT_TRUE(first.get_future().get().ok());
  EXPECT_TRUE(batch.get_future().get().ok());
  const Recorded recorded = ReadBack();
  ASSERT_EQ(recorded.fixes.size(), 3u);
  EXPECT_EQ(recorded.fixes[1].seq, 2u);
  EXPECT_EQ(recorded.fixes[2].seq, 3u);
}

TEST_F(RecorderTest, FailedWriteIsAnsweredAsAnErrorAndRetriedUnderTheSameSeq) {
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(1))}).ok());
  faults_.FailWritesNow();
  const Status failed = RecordAndWait({ToRecord(FixAt(2))});
  EXPECT_FALSE(failed.ok());
  faults_.AllowWrites();
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(2))}).ok()) << "the app's resend";
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(3))}).ok());
  const Recorded recorded = ReadBack();
  ASSERT_EQ(recorded.fixes.size(), 3u);
  EXPECT_EQ(recorded.fixes[1].seq, 2u) << "the retry keeps the failed write's seq";
  EXPECT_EQ(recorded.fixes[1].fix, FixAt(2));
  EXPECT_EQ(recorded.fixes[2].seq, 3u);
  EXPECT_EQ(recorder_->stats().fixes_retried, 1u);
}

TEST_F(RecorderTest, FailingSyncFailsEveryWaiter) {
  gated_.Close();
  std::promise<Status> first, second;
  recorder_->Record(1, std::vector{ToRecord(FixAt(1))},
                    [&](const Status& s) { first.set_value(s); });
  recorder_->Record(1, std::vector{ToRecord(FixAt(1))},
                    [&](const Status& s) { second.set_value(s); });
  gated_.WaitForWaitingSyncs(1);
  faults_.FailSyncs(true);
  gated_.Open();
  EXPECT_FALSE(first.get_future().get().ok());
  EXPECT_FALSE(second.get_future().get().ok());
  faults_.FailSyncs(false);
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(1))}).ok());
  const Recorded recorded = ReadBack();
  ASSERT_EQ(recorded.fixes.size(), 1u);
  EXPECT_EQ(recorded.fixes[0].seq, 1u);
}

TEST_F(RecorderTest, KnownFixesSurviveARestart) {
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(1))}).ok());
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(2))}).ok());
  Restart();
  // The 200 for fix 2 was lost in the crash; the app sends it again.
  auto again = recorder_->Record(1, std::vector{ToRecord(FixAt(2))}, [](const Status&) {});
  EXPECT_EQ(again.outcome, PhoneRecorder::Outcome::kDurable);
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(3))}).ok());
  const Recorded recorded = ReadBack();
  ASSERT_EQ(recorded.fixes.size(), 3u);
  EXPECT_EQ(recorded.fixes[2].seq, 3u) << "numbering continues after the restart";
}

TEST_F(RecorderTest, OnlyTheWindowIsRemembered) {
  Restart(/*window=*/2);
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(i))}).ok());
  auto recent = recorder_->Record(1, std::vector{ToRecord(FixAt(3))}, [](const Status&) {});
  EXPECT_EQ(recent.outcome, PhoneRecorder::Outcome::kDurable);
  // Fix 1 has left a window of 2: a resend of it is taken as new (documented limit).
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(1))}).ok());
  EXPECT_EQ(ReadBack().fixes.size(), 4u);
}

TEST_F(RecorderTest, PhoneSeqsLeaveTheUnitsNumberingAlone) {
  // The car's unit has sent seqs 1..5; its phone sends three fixes.
  std::vector<proto::SequencedFix> unit;
  for (int i = 1; i <= 5; ++i) unit.push_back({static_cast<uint64_t>(i), FixAt(100 + i)});
  std::promise<Status> unit_done;
  ASSERT_EQ(ingest_->Accept(1, unit, v1::JournalFixes::SOURCE_UNIT,
                            [&](const Status& s, uint64_t) { unit_done.set_value(s); }),
            Ingest::AcceptResult::kQueued);
  ASSERT_TRUE(unit_done.get_future().get().ok());
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(i))}).ok());
  CarSnapshot snapshot = ingest_->Snapshot(1);
  EXPECT_EQ(snapshot.highest_seq, 5u);
  EXPECT_EQ(snapshot.durable_watermark, 5u);
  EXPECT_EQ(snapshot.phone_highest_seq, 3u);
  Restart();
  snapshot = ingest_->Snapshot(1);
  EXPECT_EQ(snapshot.highest_seq, 5u);
  EXPECT_EQ(snapshot.durable_watermark, 5u);
  EXPECT_EQ(snapshot.phone_highest_seq, 3u);
  EXPECT_EQ(ReadBack().fixes.size(), 8u) << "seq 1..3 of the phone did not shadow the unit's";
}

TEST_F(RecorderTest, ReportedAccuracyReachesTheFixGate) {
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(1), 8.0)}).ok());
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(2), 1500.0)}).ok());  // a cell-tower position
  const Recorded recorded = ReadBack();
  ASSERT_EQ(recorded.verdicts.size(), 2u);
  EXPECT_EQ(recorded.verdicts[0], proto::FixVerdict::kGood);
  EXPECT_EQ(recorded.verdicts[1], proto::FixVerdict::kPoorAccuracy);
}

TEST_F(RecorderTest, FullJournalTakesNothingAndUsesNoSeq) {
  CloseJournal();
  ingest_ = std::make_unique<Ingest>(roster_, nullptr, clock_);
  recorder_ = std::make_unique<PhoneRecorder>(*ingest_, roster_.cars().size());
  JournalOptions options;
  options.dir = dir_ / "busy";
  options.fs = &gated_;
  options.max_pending_bytes = 1;  // one record at a time
  auto journal = Journal::Open(
      options, [](RecordType, std::string_view) {}, nullptr);
  ASSERT_TRUE(journal.ok());
  journal_ = std::move(*journal);
  ingest_->set_journal(journal_.get());

  gated_.Close();
  std::promise<Status> first;
  recorder_->Record(1, std::vector{ToRecord(FixAt(1))},
                    [&](const Status& s) { first.set_value(s); });
  gated_.WaitForWaitingSyncs(1);  // fix 1 is being written: the queue is full
  auto busy = recorder_->Record(1, std::vector{ToRecord(FixAt(2))}, [](const Status&) {
    ADD_FAILURE() << "a busy Record must not call back";
  });
  EXPECT_EQ(busy.outcome, PhoneRecorder::Outcome::kBusy);
  EXPECT_EQ(busy.new_fixes, 0u);
  gated_.Open();
  EXPECT_TRUE(first.get_future().get().ok());
  journal_->Flush();  // the queue empties only after the batch's callbacks have run
  ASSERT_TRUE(RecordAndWait({ToRecord(FixAt(2))}).ok());
  journal_->Flush();
  std::vector<uint64_t> seqs;
  ASSERT_TRUE(
      ReadJournal(dir_ / "busy", [&](RecordType, std::string_view payload, const RecordPosition&) {
        auto decoded = DecodeJournalFixes(payload);
        ASSERT_TRUE(decoded.ok());
        for (const auto& fix : decoded->fixes) seqs.push_back(fix.seq);
      }).ok());
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2})) << "the refused attempt used no seq";
}

}  // namespace
}  // namespace convoy::hub::osmand
