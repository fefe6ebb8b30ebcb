// The hub's journal on real files: recovery after crashes and damage, group commit from several
// threads, a full disk, a failing fsync and a power loss. The reader: journal_reader_test.cc.
#include "hub/journal.h"

#include <gtest/gtest.h>

#include "hub/journal_fixture.h"

namespace convoy::hub {
namespace {

using namespace journal_testing;

TEST_F(JournalTest, RecordsSurviveReopenInOrderWithTheirTypes) {
  {
    auto journal = OpenJournal(Options());
    Acks acks;
    for (uint64_t i = 0; i < 1000; ++i) {
      const auto type = static_cast<RecordType>(1 + i % 5);
      ASSERT_TRUE(journal->Append(type, Payload(i), acks.Track(i)));
    }
    acks.WaitFor(1000);
    const auto results = acks.results();
    for (size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(results[i].first, i) << "Done calls out of append order";
      EXPECT_TRUE(results[i].second.ok());
    }
    EXPECT_EQ(journal->stats().records, 1000u);
    EXPECT_GE(journal->stats().syncs, 1u);
  }
  RecoveryReport report;
  auto journal = OpenJournal(Options(), &report);
  ASSERT_EQ(replayed_.size(), 1000u);
  for (uint64_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(replayed_[i], (Replayed{static_cast<RecordType>(1 + i % 5), Payload(i)}));
  }
  EXPECT_EQ(report.records, 1000u);
  EXPECT_EQ(report.torn_tail_bytes, 0u);
  EXPECT_TRUE(report.damaged.empty());
  EXPECT_NE(report.Summary().find("1000 records"), std::string::npos) << report.Summary();
}

TEST_F(JournalTest, DestructorCommitsWhatIsQueued) {
  Acks acks;
  {
    auto journal = OpenJournal(Options());
    for (uint64_t i = 0; i < 500; ++i) {
      ASSERT_TRUE(journal->Append(RecordType::kEvent, Payload(i), acks.Track(i)));
    }
  }
  ASSERT_EQ(acks.results().size(), 500u);
  for (const auto& [id, status] : acks.results()) EXPECT_TRUE(status.ok()) << id;
  auto journal = OpenJournal(Options());
  EXPECT_EQ(replayed_.size(), 500u);
}

TEST_F(JournalTest, TornTailOfTheNewestSegmentIsCutAndReported) {
  {
    auto journal = OpenJournal(Options());
    AppendAndWait(*journal, 0, 100);
  }
  const fs::path segment = Segments().back().path;
  const uint64_t clean_size = fs::file_size(segment);
  std::string record;
  proto::AppendRecord(1, Payload(100), &record);
  AppendBytes(segment, record.substr(0, 20));  // a crash in the middle of a write

  RecoveryReport report;
  auto journal = OpenJournal(Options(), &report);
  EXPECT_EQ(replayed_.size(), 100u);
  EXPECT_EQ(report.torn_tail_bytes, 20u);
  ASSERT_EQ(report.damaged.size(), 1u);
  EXPECT_TRUE(report.damaged[0].torn_tail);
  EXPECT_EQ(report.damaged[0].offset, clean_size);
  EXPECT_EQ(report.damaged[0].segment, segment);
  EXPECT_EQ(fs::file_size(segment), clean_size);
  EXPECT_NE(report.Summary().find("torn tail of 20 bytes"), std::string::npos) << report.Summary();

  AppendAndWait(*journal, 100, 10);
  journal.reset();
  RecoveryReport second;
  journal = OpenJournal(Options(), &second);
  EXPECT_EQ(replayed_.size(), 110u);
  EXPECT_TRUE(second.damaged.empty());
}

TEST_F(JournalTest, ZeroFilledTailAfterPowerLossIsCut) {
  {
    auto journal = OpenJournal(Options());
    AppendAndWait(*journal, 0, 50);
  }
  const fs::path segment = Segments().back().path;
  const uint64_t clean_size = fs::file_size(segment);
  AppendBytes(segment, std::string(4096, '\0'));
  RecoveryReport report;
  auto journal = OpenJournal(Options(), &report);
  EXPECT_EQ(replayed_.size(), 50u);
  EXPECT_EQ(report.torn_tail_bytes, 4096u);
  EXPECT_EQ(fs::file_size(segment), clean_size);
}

TEST_F(JournalTest, CorruptionInTheMiddleIsSkippedAndReportedAndTheRestIsKept) {
  {
    auto journal = OpenJournal(Options());
    AppendAndWait(*journal, 0, 100);
  }
  const fs::path segment = Segments().back().path;
  std::string content = FileContent(segment);
  uint64_t offset = 0;
  for (uint64_t i = 0; i < 50; ++i) offset += proto::kRecordHeaderBytes + Payload(i).size();
  const size_t record_bytes = proto::kRecordHeaderBytes + Payload(50).size();
  content[offset + 20] ^= 0x04;  // inside record 50's payload
  { std::ofstream(segment, std::ios::binary | std::ios::trunc) << content; }

  RecoveryReport report;
  auto journal = OpenJournal(Options(), &report);
  ASSERT_EQ(replayed_.size(), 99u);
  EXPECT_EQ(replayed_[49].payload, Payload(49));
  EXPECT_EQ(replayed_[50].payload, Payload(51));
  ASSERT_EQ(report.damaged.size(), 1u);
  EXPECT_FALSE(report.damaged[0].torn_tail);
  EXPECT_EQ(report.damaged[0].offset, offset);
  EXPECT_EQ(report.damaged[0].bytes, record_bytes);
  EXPECT_EQ(report.damaged[0].reason, "CRC mismatch");
  EXPECT_EQ(report.torn_tail_bytes, 0u);
  EXPECT_EQ(FileContent(segment), content) << "damage in the middle must not be cut";
  EXPECT_NE(report.Summary().find("skipped"), std::string::npos) << report.Summary();
}

TEST_F(JournalTest, PowerLossLosesNoRecordWhoseDoneReportedOk) {
  test::FaultInjectingFileSystem fault_fs;
  JournalOptions options = Options(&fault_fs);
  options.segment_bytes = 20000;  // several rolls, so directory syncs matter too
  // The process dies with the power: no retry may write after it.
  options.retry_interval = std::chrono::hours(1);
  Acks acks;
  uint64_t appended = 0;
  {
    auto journal = OpenJournal(options);
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      for (uint64_t i = 0; !stop && i < 20000; ++i) {
        while (!journal->Append(RecordType::kFixes, Payload(i), acks.Track(i))) {
          std::this_thread::yield();
        }
        appended = i + 1;
      }
    });
    acks.WaitFor(1000);
    ASSERT_TRUE(fault_fs.DropUnsyncedData().ok());  // the power goes while records stream in
    stop = true;
    writer.join();
    ASSERT_TRUE(journal->Append(RecordType::kFixes, "after", acks.Track(appended)));
    EXPECT_FALSE(acks.StatusOf(appended).ok());
  }
  std::vector<uint64_t> acknowledged;
  for (const auto& [id, status] : acks.results()) {
    if (status.ok()) acknowledged.push_back(id);
  }
  ASSERT_GE(acknowledged.size(), 1u);

  fault_fs.Reboot();
  RecoveryReport report;
  auto journal = OpenJournal(Options(&fault_fs), &report);
  std::set<std::string> recovered;
  for (const Replayed& record : replayed_) recovered.insert(record.payload);
  for (uint64_t id : acknowledged) {
    ASSERT_TRUE(recovered.count(Payload(id))) << "acknowledged record " << id << " was lost";
  }
  // What survived is a prefix of what was appended, in order.
  for (size_t i = 0; i < replayed_.size(); ++i) ASSERT_EQ(replayed_[i].payload, Payload(i));
}

TEST_F(JournalTest, FullQueueReturnsFalseWithoutCallingDone) {
  JournalOptions options = Options();
  const size_t record_bytes = proto::kRecordHeaderBytes + 100;
  options.max_pending_bytes = 1000;
  auto journal = OpenJournal(options);

  // Hold the commit thread inside the first record's Done: its bytes stay counted as queued.
  std::mutex mu;
  std::condition_variable cv;
  bool in_done = false;
  bool release = false;
  ASSERT_TRUE(journal->Append(RecordType::kFixes, std::string(100, 'a'), [&](const Status&) {
    std::unique_lock lock(mu);
    in_done = true;
    cv.notify_all();
    cv.wait(lock, [&] { return release; });
  }));
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_done; });
  }
  Acks acks;
  uint64_t accepted = 0;
  while (journal->Append(RecordType::kFixes, std::string(100, 'b'), acks.Track(accepted))) {
    ++accepted;
  }
  EXPECT_EQ(accepted, 1000 / record_bytes - 1);
  bool rejected_done_called = false;
  EXPECT_FALSE(journal->Append(RecordType::kFixes, std::string(100, 'c'),
                               [&](const Status&) { rejected_done_called = true; }));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  acks.WaitFor(accepted);
  for (const auto& [id, status] : acks.results()) EXPECT_TRUE(status.ok());
  journal->Flush();
  EXPECT_FALSE(rejected_done_called);
  EXPECT_EQ(AppendAndWait(*journal, 0, 1).size(), 1u) << "room again after the commit";
}

TEST_F(JournalTest, DiskFullFailsDonesAndTheJournalResumesWhenSpaceReturns) {
  test::FaultInjectingFileSystem fault_fs;
  auto journal = OpenJournal(Options(&fault_fs));
  std::vector<uint64_t> ok = AppendAndWait(*journal, 0, 10);
  ASSERT_EQ(ok.size(), 10u);

  fault_fs.FailWritesAfter(30);  // the next write is cut short by a full disk
  Acks acks;
  ASSERT_TRUE(journal->Append(RecordType::kFixes, Payload(10), acks.Track(10)));
  const Status failed = acks.StatusOf(10);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("No space left on device"), std::string::npos)
      << failed.message();
  EXPECT_NE(failed.message().find("journal-"), std::string::npos) << failed.message();
  EXPECT_FALSE(journal->health().ok());
  EXPECT_EQ(AppendAndWait(*journal, 11, 5).size(), 0u) << "sticky while the disk is full";

  fault_fs.AllowWrites();
  uint64_t next = 16;
  while (AppendAndWait(*journal, next, 1).empty()) {  // fails fast until the retry interval
    ++next;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ok.push_back(next);
  EXPECT_TRUE(journal->health().ok());
  for (uint64_t id : AppendAndWait(*journal, next + 1, 10)) ok.push_back(id);
  EXPECT_EQ(ok.size(), 21u);
  EXPECT_GE(journal->stats().failed_records, 6u);
  journal.reset();
  EXPECT_EQ(Segments().size(), 2u) << "the retries leave no empty segments behind";
  {
    std::lock_guard lock(log_mu_);
    ASSERT_GE(log_.size(), 2u);
    EXPECT_NE(log_.front().find("writing failed"), std::string::npos) << log_.front();
    EXPECT_NE(log_.back().find("works again"), std::string::npos) << log_.back();
  }

  RecoveryReport report;
  journal = OpenJournal(Options(), &report);
  EXPECT_EQ(ReplayedPayloads(), Payloads(ok)) << "only acknowledged records, in order";
  EXPECT_TRUE(report.damaged.empty()) << report.Summary();
}

TEST_F(JournalTest, FailedSyncIsStickyAndItsUnsyncedRecordsAreCut) {
  test::FaultInjectingFileSystem fault_fs;
  auto journal = OpenJournal(Options(&fault_fs));
  std::vector<uint64_t> ok = AppendAndWait(*journal, 0, 5);
  fault_fs.FailSyncs(true);
  EXPECT_TRUE(AppendAndWait(*journal, 5, 5).empty());
  EXPECT_NE(journal->health().message().find("fdatasync"), std::string::npos);
  fault_fs.FailSyncs(false);
  uint64_t next = 10;
  while (AppendAndWait(*journal, next, 1).empty()) {
    ++next;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ok.push_back(next);
  journal.reset();
  journal = OpenJournal(Options());
  EXPECT_EQ(ReplayedPayloads(), Payloads(ok));
}

TEST_F(JournalTest, SegmentsRollAtSegmentBytesAndSortByName) {
  JournalOptions options = Options();
  options.segment_bytes = 1000;
  {
    auto journal = OpenJournal(options);
    AppendAndWait(*journal, 0, 200);
    // A record larger than a segment gets a segment of its own.
    Acks acks;
    ASSERT_TRUE(journal->Append(RecordType::kEvent, std::string(5000, 'L'), acks.Track(0)));
    EXPECT_TRUE(acks.StatusOf(0).ok());
    AppendAndWait(*journal, 200, 5);
    EXPECT_GE(journal->stats().segments_created, 12u);
  }
  const std::vector<JournalSegment> segments = Segments();
  ASSERT_GE(segments.size(), 12u);
  for (size_t i = 0; i < segments.size(); ++i) {
    EXPECT_EQ(segments[i].index, i + 1);
    EXPECT_EQ(segments[i].path.filename(), JournalSegmentName(i + 1));
    if (i > 0) {
      EXPECT_LT(segments[i - 1].path.filename(), segments[i].path.filename());
    }
    const uint64_t size = fs::file_size(segments[i].path);
    if (size != proto::kRecordHeaderBytes + 5000) {
      EXPECT_LE(size, 1000u);
    }
  }
  auto journal = OpenJournal(options);
  ASSERT_EQ(replayed_.size(), 206u);
  EXPECT_EQ(replayed_[199].payload, Payload(199));
  EXPECT_EQ(replayed_[200].payload, std::string(5000, 'L'));
  EXPECT_EQ(replayed_[205].payload, Payload(204));
}

TEST_F(JournalTest, ConcurrentAppendsFromSeveralThreadsAreAllDurableInPerThreadOrder) {
  constexpr int kThreads = 4;
  constexpr uint64_t kPerThread = 5000;
  {
    auto journal = OpenJournal(Options());
    Acks acks;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (uint64_t i = 0; i < kPerThread; ++i) {
          const std::string payload = std::to_string(t) + ":" + std::to_string(i);
          while (!journal->Append(RecordType::kFixes, payload, acks.Track(t * kPerThread + i))) {
            std::this_thread::yield();
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    acks.WaitFor(kThreads * kPerThread);
    for (const auto& [id, status] : acks.results()) ASSERT_TRUE(status.ok()) << id;
    EXPECT_LT(journal->stats().syncs, kThreads * kPerThread) << "group commit groups nothing";
  }
  auto journal = OpenJournal(Options());
  ASSERT_EQ(replayed_.size(), kThreads * kPerThread);
  std::map<int, uint64_t> next;
  for (const Replayed& record : replayed_) {
    const size_t colon = record.payload.find(':');
    const int thread = std::stoi(record.payload.substr(0, colon));
    EXPECT_EQ(std::stoull(record.payload.substr(colon + 1)), next[thread]++);
  }
}

TEST_F(JournalTest, OversizedPayloadFailsThroughDone) {
  auto journal = OpenJournal(Options());
  Acks acks;
  ASSERT_TRUE(journal->Append(RecordType::kEvent, std::string(proto::kMaxRecordPayload + 1, 'x'),
                              acks.Track(1)));
  ASSERT_TRUE(journal->Append(RecordType::kEvent, "small", acks.Track(2)));
  EXPECT_NE(acks.StatusOf(1).message().find("16 MiB"), std::string::npos);
  EXPECT_TRUE(acks.StatusOf(2).ok());
  EXPECT_TRUE(journal->health().ok());
}

TEST_F(JournalTest, OpenCreatesMissingDirectories) {
  dir_ /= "a/b/c";
  auto journal = OpenJournal(Options());
  ASSERT_NE(journal, nullptr);
  EXPECT_TRUE(fs::is_directory(dir_));
  EXPECT_EQ(AppendAndWait(*journal, 0, 1).size(), 1u);
  dir_ = dir_.parent_path().parent_path().parent_path();
}

TEST_F(JournalTest, OpenFailsWithThePathWhenTheDirectoryCannotBeMade) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  JournalOptions options = Options();
  options.dir = dir_ / "file" / "journal";
  auto journal = Journal::Open(options, nullptr, nullptr);
  ASSERT_FALSE(journal.ok());
  EXPECT_NE(journal.message().find(options.dir.string()), std::string::npos) << journal.message();
}

}  // namespace
}  // namespace convoy::hub
