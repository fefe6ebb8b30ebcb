// The journal's read-only reader (hub/journal_reader.h) on journals written by the hub's Journal:
// it never modifies them, and reads one that is being written.
#include "hub/journal_reader.h"

#include <gtest/gtest.h>

#include "hub/journal_fixture.h"

namespace convoy::hub {
namespace {

using namespace journal_testing;

// The reader.

struct ReadResult {
  std::vector<std::pair<RecordPosition, std::string>> records;
  std::vector<DamagedRegion> damage;
};

ReadResult ReadAll(const fs::path& dir) {
  ReadResult out;
  const Status status = ReadJournal(
      dir,
      [&](RecordType, std::string_view payload, const RecordPosition& position) {
        out.records.emplace_back(position, std::string(payload));
      },
      [&](const DamagedRegion& damage) { out.damage.push_back(damage); });
  EXPECT_TRUE(status.ok()) << status.message();
  return out;
}

TEST_F(JournalTest, ReaderDoesNotModifyTheJournal) {
  JournalOptions options = Options();
  options.segment_bytes = 2000;
  {
    auto journal = OpenJournal(options);
    AppendAndWait(*journal, 0, 100);
  }
  const std::vector<JournalSegment> segments = Segments();
  ASSERT_GE(segments.size(), 3u);
  AppendBytes(segments[0].path, "garbage at the end of an old segment");
  AppendBytes(segments.back().path, std::string(100, '\0'));
  std::map<fs::path, std::string> before;
  for (const auto& segment : segments) before[segment.path] = FileContent(segment.path);

  const ReadResult read = ReadAll(dir_);
  EXPECT_EQ(read.records.size(), 100u);
  ASSERT_EQ(read.damage.size(), 2u);
  EXPECT_TRUE(read.damage[0].torn_tail);
  EXPECT_EQ(read.damage[0].segment, segments[0].path);
  EXPECT_TRUE(read.damage[1].torn_tail);
  EXPECT_EQ(read.records[0].first.segment_index, 1u);
  EXPECT_EQ(read.records[0].first.offset, 0u);

  for (const auto& [path, content] : before) EXPECT_EQ(FileContent(path), content) << path;
  EXPECT_EQ(Segments().size(), segments.size());
}

TEST_F(JournalTest, ReaderStopsQuietlyAtARecordBeingWritten) {
  {
    auto journal = OpenJournal(Options());
    AppendAndWait(*journal, 0, 10);
  }
  std::string record;
  proto::AppendRecord(1, Payload(10), &record);
  AppendBytes(Segments().back().path, record.substr(0, record.size() - 7));
  const ReadResult read = ReadAll(dir_);
  EXPECT_EQ(read.records.size(), 10u);
  EXPECT_TRUE(read.damage.empty());
}

TEST_F(JournalTest, ReaderToleratesAJournalBeingWritten) {
  JournalOptions options = Options();
  options.segment_bytes = 50000;
  auto journal = OpenJournal(options);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (uint64_t i = 0; !stop; ++i) {
      while (!journal->Append(RecordType::kFixes, Payload(i), nullptr)) std::this_thread::yield();
    }
  });
  size_t previous = 0;
  for (int pass = 0; pass < 20; ++pass) {
    const ReadResult read = ReadAll(dir_);
    EXPECT_TRUE(read.damage.empty()) << read.damage[0].reason;
    EXPECT_GE(read.records.size(), previous);
    for (size_t i = 0; i < read.records.size(); ++i) {
      ASSERT_EQ(read.records[i].second, Payload(i));
    }
    previous = read.records.size();
  }
  stop = true;
  writer.join();
}

TEST_F(JournalTest, ReaderFailsOnAMissingDirectory) {
  const Status status = ReadJournal(dir_ / "missing", nullptr, nullptr);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("missing"), std::string::npos);
}

TEST(JournalSegmentNameTest, NamesParseBackAndOtherFilesAreIgnored) {
  EXPECT_EQ(JournalSegmentName(42), "journal-00000042.log");
  EXPECT_EQ(ParseJournalSegmentName("journal-00000042.log"), 42u);
  EXPECT_EQ(ParseJournalSegmentName("journal-123456789.log"), 123456789u);
  EXPECT_FALSE(ParseJournalSegmentName("journal-.log"));
  EXPECT_FALSE(ParseJournalSegmentName("journal-0001.log.tmp"));
  EXPECT_FALSE(ParseJournalSegmentName("journal-00a1.log"));
  EXPECT_FALSE(ParseJournalSegmentName("README"));
}

}  // namespace
}  // namespace convoy::hub
