// The record log: framing round trips, and every kind of damage a crash or a bad disk leaves.
#include "proto/record_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>

#include "proto/file_io.h"

namespace convoy::proto {
namespace {

struct Read {
  std::vector<Record> records;
  std::vector<RecordDamage> damage;
  uint64_t valid_end = 0;
};

Read ReadAll(std::string_view data, uint64_t base_offset = 0) {
  Read out;
  RecordReader reader(
      data, [&](const RecordDamage& damage) { out.damage.push_back(damage); }, base_offset);
  Record record;
  while (reader.Next(&record)) out.records.push_back(record);
  out.valid_end = reader.valid_end();
  return out;
}

// Three records; payloads of 'x' so that no magic byte occurs inside them.
std::string ThreeRecords(std::vector<uint64_t>* starts, size_t payload_bytes = 40) {
  std::string log;
  for (int i = 0; i < 3; ++i) {
    starts->push_back(log.size());
    AppendRecord(static_cast<uint8_t>(i + 1), std::string(payload_bytes + i, 'x'), &log);
  }
  return log;
}

TEST(Crc32cTest, MatchesPublishedCheckValues) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);  // RFC 3720 B.4
  EXPECT_EQ(Crc32c(std::string(32, '\xFF')), 0x62A8AB43u);
  std::string ascending;
  for (int i = 0; i < 32; ++i) ascending.push_back(static_cast<char>(i));
  EXPECT_EQ(Crc32c(ascending), 0x46DD794Eu);
  EXPECT_EQ(Crc32c(""), 0u);
}

TEST(Crc32cTest, HardwareAndTablesAgreeAtEveryLengthAndAlignment) {
  std::mt19937 random(7);
  std::string data(300, '\0');
  for (char& c : data) c = static_cast<char>(random());
  for (size_t start = 0; start < 9; ++start) {
    for (size_t length = 0; start + length <= data.size(); length += 7) {
      const std::string_view part = std::string_view(data).substr(start, length);
      ASSERT_EQ(Crc32c(part), Crc32cSoftware(part)) << start << " " << length;
    }
  }
}

TEST(Crc32cTest, ExtendingEqualsOnePass) {
  const std::string data = "the quick brown fox jumps over the lazy dog";
  for (size_t split = 0; split <= data.size(); ++split) {
    const std::string_view all(data);
    EXPECT_EQ(Crc32c(all.substr(split), Crc32c(all.substr(0, split))), Crc32c(all));
  }
}

TEST(RecordLogTest, RecordsRoundTripWithTypesOffsetsAndSizes) {
  std::string log;
  const std::vector<size_t> sizes = {0, 1, 12, 13, 100, 70000};
  std::vector<uint64_t> offsets;
  for (size_t i = 0; i < sizes.size(); ++i) {
    offsets.push_back(log.size());
    AppendRecord(static_cast<uint8_t>(i * 40), std::string(sizes[i], static_cast<char>('a' + i)),
                 &log);
  }
  const Read read = ReadAll(log, 1000);
  ASSERT_EQ(read.records.size(), sizes.size());
  EXPECT_TRUE(read.damage.empty());
  for (size_t i = 0; i < sizes.size(); ++i) {
    EXPECT_EQ(read.records[i].type, i * 40);
    EXPECT_EQ(read.records[i].payload, std::string(sizes[i], static_cast<char>('a' + i)));
    EXPECT_EQ(read.records[i].offset, 1000 + offsets[i]);
  }
  EXPECT_EQ(read.valid_end, 1000 + log.size());
}

TEST(RecordLogTest, EmptyInputHasNoRecordsAndNoDamage) {
  const Read read = ReadAll("");
  EXPECT_TRUE(read.records.empty());
  EXPECT_TRUE(read.damage.empty());
}

TEST(RecordLogTest, MaximumPayloadRoundTrips) {
  std::string log;
  AppendRecord(9, std::string(kMaxRecordPayload, 'm'), &log);
  const Read read = ReadAll(log);
  ASSERT_EQ(read.records.size(), 1u);
  EXPECT_EQ(read.records[0].payload.size(), kMaxRecordPayload);
}

TEST(RecordLogTest, TornTailAtEveryByteOfTheLastRecordIsReportedAsIncomplete) {
  std::vector<uint64_t> starts;
  const std::string log = ThreeRecords(&starts);
  for (size_t cut = starts[2]; cut < log.size(); ++cut) {
    const Read read = ReadAll(std::string_view(log).substr(0, cut));
    ASSERT_EQ(read.records.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(read.valid_end, starts[2]);
    if (cut == starts[2]) {
      EXPECT_TRUE(read.damage.empty());
      continue;
    }
    ASSERT_EQ(read.damage.size(), 1u) << "cut at " << cut;
    EXPECT_TRUE(read.damage[0].torn_tail);
    EXPECT_TRUE(read.damage[0].incomplete) << "cut at " << cut;
    EXPECT_EQ(read.damage[0].offset, starts[2]);
    EXPECT_EQ(read.damage[0].bytes, cut - starts[2]);
  }
}

TEST(RecordLogTest, BitFlipAnywhereInAMiddleRecordIsSkippedAndReadingResumes) {
  std::vector<uint64_t> starts;
  const std::string log = ThreeRecords(&starts);
  for (size_t byte = starts[1]; byte < starts[2]; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = log;
      damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << bit));
      const Read read = ReadAll(damaged);
      ASSERT_EQ(read.records.size(), 2u) << byte << ":" << bit;
      EXPECT_EQ(read.records[0].offset, starts[0]);
      EXPECT_EQ(read.records[1].offset, starts[2]);
      ASSERT_EQ(read.damage.size(), 1u) << byte << ":" << bit;
      EXPECT_FALSE(read.damage[0].torn_tail);
      EXPECT_EQ(read.damage[0].offset, starts[1]);
      EXPECT_EQ(read.damage[0].bytes, starts[2] - starts[1]);
      EXPECT_EQ(read.valid_end, log.size());
    }
  }
}

TEST(RecordLogTest, ChecksumMismatchInTheLastRecordIsATornTailButNotIncomplete) {
  std::vector<uint64_t> starts;
  std::string log = ThreeRecords(&starts);
  log[log.size() - 3] ^= 0x10;
  const Read read = ReadAll(log);
  ASSERT_EQ(read.records.size(), 2u);
  ASSERT_EQ(read.damage.size(), 1u);
  EXPECT_TRUE(read.damage[0].torn_tail);
  EXPECT_FALSE(read.damage[0].incomplete);
  EXPECT_EQ(read.damage[0].reason, "CRC mismatch");
  EXPECT_EQ(read.valid_end, starts[2]);
}

TEST(RecordLogTest, GarbageBetweenRecordsIsSkippedEvenWhenItContainsTheMagic) {
  std::vector<uint64_t> starts;
  const std::string log = ThreeRecords(&starts);
  std::string garbage = "garbage";
  char magic[4];
  const uint32_t value = kRecordMagic;
  std::memcpy(magic, &value, 4);  // little-endian machine
  garbage.append(magic, 4);
  garbage.append("\x05\x00\x00\x00\x01more", 9);  // a plausible header whose CRC fails
  garbage.append(magic, 3);
  const std::string damaged = log.substr(0, starts[1]) + garbage + log.substr(starts[1]);
  const Read read = ReadAll(damaged);
  ASSERT_EQ(read.records.size(), 3u);
  ASSERT_EQ(read.damage.size(), 1u);
  EXPECT_FALSE(read.damage[0].torn_tail);
  EXPECT_EQ(read.damage[0].offset, starts[1]);
  EXPECT_EQ(read.damage[0].bytes, garbage.size());
  EXPECT_EQ(read.damage[0].reason, "bad magic");
}

TEST(RecordLogTest, ZeroFilledTailIsATornTail) {
  std::vector<uint64_t> starts;
  const std::string log = ThreeRecords(&starts) + std::string(4096, '\0');
  const Read read = ReadAll(log);
  EXPECT_EQ(read.records.size(), 3u);
  ASSERT_EQ(read.damage.size(), 1u);
  EXPECT_TRUE(read.damage[0].torn_tail);
  EXPECT_FALSE(read.damage[0].incomplete);
  EXPECT_EQ(read.damage[0].bytes, 4096u);
  EXPECT_EQ(read.valid_end, log.size() - 4096);
}

TEST(RecordLogTest, ZeroFilledRegionInTheMiddleIsSkipped) {
  std::vector<uint64_t> starts;
  std::string log = ThreeRecords(&starts);
  std::fill(log.begin() + starts[1], log.begin() + starts[2], '\0');
  const Read read = ReadAll(log);
  ASSERT_EQ(read.records.size(), 2u);
  ASSERT_EQ(read.damage.size(), 1u);
  EXPECT_FALSE(read.damage[0].torn_tail);
  EXPECT_EQ(read.damage[0].bytes, starts[2] - starts[1]);
}

TEST(RecordLogTest, HugeLengthFieldIsRejectedWithoutReadingPastTheEnd) {
  std::vector<uint64_t> starts;
  const std::string log = ThreeRecords(&starts);
  for (const uint32_t length : {0xFFFFFFFFu, kMaxRecordPayload + 1}) {
    std::string damaged = log;
    std::memcpy(damaged.data() + starts[1] + 8, &length, 4);
    const Read read = ReadAll(damaged);
    ASSERT_EQ(read.records.size(), 2u);
    ASSERT_EQ(read.damage.size(), 1u);
    EXPECT_FALSE(read.damage[0].torn_tail);
    EXPECT_NE(read.damage[0].reason.find("maximum"), std::string::npos);

    // The same header as the last record: a torn tail, and not a plausible one.
    std::string tail = log.substr(0, starts[2] + 13);
    std::memcpy(tail.data() + starts[2] + 8, &length, 4);
    const Read tail_read = ReadAll(tail);
    ASSERT_EQ(tail_read.damage.size(), 1u);
    EXPECT_TRUE(tail_read.damage[0].torn_tail);
    EXPECT_FALSE(tail_read.damage[0].incomplete);
  }
}

TEST(RecordLogTest, SeveralDamagedRegionsAreEachReported) {
  std::string log;
  std::vector<uint64_t> starts;
  for (int i = 0; i < 10; ++i) {
    starts.push_back(log.size());
    AppendRecord(1, "payload " + std::to_string(i), &log);
  }
  log[starts[2] + 15] ^= 1;
  log[starts[6] + 1] ^= 1;
  const Read read = ReadAll(log);
  EXPECT_EQ(read.records.size(), 8u);
  ASSERT_EQ(read.damage.size(), 2u);
  EXPECT_EQ(read.damage[0].offset, starts[2]);
  EXPECT_EQ(read.damage[1].offset, starts[6]);
}

TEST(RecordLogTest, TornTailInARealFileIsCutAtValidEnd) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("record_log_test." + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  FileSystem* fs = FileSystem::Default();
  const std::filesystem::path path = dir / "log";
  std::vector<uint64_t> starts;
  const std::string log = ThreeRecords(&starts);
  {
    auto file = fs->NewAppendableFile(path);
    ASSERT_TRUE(file.ok()) << file.message();
    ASSERT_TRUE((*file)->Append(log.substr(0, log.size() - 5)).ok());
    ASSERT_TRUE((*file)->Sync().ok());
    EXPECT_EQ((*file)->size(), log.size() - 5);
  }
  auto content = fs->ReadFile(path);
  ASSERT_TRUE(content.ok());
  const Read read = ReadAll(*content);
  ASSERT_EQ(read.damage.size(), 1u);
  ASSERT_TRUE(fs->Truncate(path, read.valid_end).ok());
  EXPECT_EQ(*fs->FileSize(path), starts[2]);
  {
    auto file = fs->NewAppendableFile(path);  // appends after the cut
    ASSERT_TRUE(file.ok());
    EXPECT_EQ((*file)->size(), starts[2]);
    ASSERT_TRUE((*file)->Append(log.substr(starts[2])).ok());
  }
  EXPECT_EQ(*fs->ReadFile(path), log);
  std::filesystem::remove_all(dir);
}

TEST(FileIoTest, ErrorsNameThePathAndTheSystemError) {
  FileSystem* fs = FileSystem::Default();
  auto content = fs->ReadFile("/nonexistent-convoy-dir/x.log");
  ASSERT_FALSE(content.ok());
  EXPECT_NE(content.message().find("/nonexistent-convoy-dir/x.log"), std::string::npos);
  EXPECT_NE(content.message().find("No such file or directory"), std::string::npos);
  auto file = fs->NewAppendableFile("/nonexistent-convoy-dir/x.log");
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.message().find("/nonexistent-convoy-dir/x.log"), std::string::npos);
}

}  // namespace
}  // namespace convoy::proto
