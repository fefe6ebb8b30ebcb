// The in-car spool on real files: restarts, acknowledgements, the bound, a full disk, a failing
// fsync and a power loss.
#include "tracker/spool.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "proto/record_log.h"
#include "support/fault_fs.h"
#include "support/temp_dir.h"

namespace convoy::tracker {
namespace {

namespace fs = std::filesystem;

proto::Fix MakeFix(int64_t i) {
  proto::Fix fix;
  fix.time_ms = 1'700'000'000'000 + i * 1000;
  fix.lat_e7 = 599'000'000 + static_cast<int32_t>(i);
  fix.lon_e7 = -107'000'000 - static_cast<int32_t>(i);
  fix.altitude_dm = -12;
  fix.speed_cmps = 1234;
  fix.course_cdeg = 35999;
  fix.hdop_c = 90;
  fix.satellites = 11;
  fix.quality = proto::FixQuality::k3D;
  return fix;
}

class SpoolTest : public ::testing::Test {
 protected:
  SpoolOptions Options(proto::FileSystem* file_system = nullptr) {
    SpoolOptions options;
    options.dir = dir_;
    options.fs = file_system;
    options.fixes_per_segment = 10;
    options.log = [this](std::string_view line) { log_.emplace_back(line); };
    return options;
  }

  std::unique_ptr<Spool> OpenSpool(SpoolOptions options) {
    auto spool = Spool::Open(std::move(options));
    EXPECT_TRUE(spool.ok()) << spool.message();
    return spool.ok() ? std::move(spool).value() : nullptr;
  }

  std::vector<fs::path> SegmentFiles() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().filename().string().starts_with("spool-")) files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  size_t LogLinesWith(std::string_view text) const {
    size_t count = 0;
    for (const std::string& line : log_) count += line.find(text) != std::string::npos;
    return count;
  }

  // Every kept fix is seq first..last with the fix MakeFix(seq).
  static void ExpectFixes(const Spool& spool, uint64_t first, uint64_t last) {
    const std::vector<proto::SequencedFix> fixes = spool.Read(0, 1'000'000);
    ASSERT_EQ(fixes.size(), last - first + 1);
    for (uint64_t seq = first; seq <= last; ++seq) {
      ASSERT_EQ(fixes[seq - first], (proto::SequencedFix{seq, MakeFix(seq)})) << seq;
    }
  }

  convoy::testing::TempDir temp_;  // removed with everything in it after the test
  fs::path dir_ = temp_.path();
  std::vector<std::string> log_;
};

TEST_F(SpoolTest, FirstSeqIsOneAndSeqsHaveNoGaps) {
  auto spool = OpenSpool(Options());
  EXPECT_EQ(spool->last_seq(), 0u);
  EXPECT_FALSE(spool->Newest());
  for (uint64_t seq = 1; seq <= 25; ++seq) EXPECT_EQ(spool->Append(MakeFix(seq)), seq);
  EXPECT_EQ(spool->last_seq(), 25u);
  EXPECT_EQ(spool->unacked_count(), 25u);
  EXPECT_EQ(spool->Newest()->seq, 25u);
  ExpectFixes(*spool, 1, 25);
}

TEST_F(SpoolTest, ReopenKeepsUnackedFixesAndNumbering) {
  {
    auto spool = OpenSpool(Options());
    for (int i = 1; i <= 25; ++i) spool->Append(MakeFix(i));
    ASSERT_TRUE(spool->Sync().ok());
  }
  auto spool = OpenSpool(Options());
  EXPECT_EQ(spool->last_seq(), 25u);
  EXPECT_EQ(spool->acked_seq(), 0u);
  EXPECT_EQ(spool->unacked_count(), 25u);
  ExpectFixes(*spool, 1, 25);
  EXPECT_EQ(spool->Append(MakeFix(26)), 26u);
}

TEST_F(SpoolTest, KillNineKeepsEveryAppendedFix) {
  auto spool = OpenSpool(Options());
  for (int i = 1; i <= 15; ++i) spool->Append(MakeFix(i));
  // kill -9: no destructor, no Sync; what was written is in the kernel's page cache.
  Spool* killed = spool.release();
  auto reopened = OpenSpool(Options());
  EXPECT_EQ(reopened->last_seq(), 15u);
  ExpectFixes(*reopened, 1, 15);
  reopened.reset();
  delete killed;  // only so that LeakSanitizer stays quiet
}

TEST_F(SpoolTest, AcknowledgeTrimsFixesAndRemovesFullyAckedSegmentsAtSync) {
  auto spool = OpenSpool(Options());
  for (int i = 1; i <= 35; ++i) spool->Append(MakeFix(i));
  ASSERT_TRUE(spool->Sync().ok());
  EXPECT_EQ(SegmentFiles().size(), 4u);
  spool->Acknowledge(25);
  EXPECT_EQ(spool->acked_seq(), 25u);
  EXPECT_EQ(spool->unacked_count(), 10u);
  ExpectFixes(*spool, 26, 35);
  ASSERT_TRUE(spool->Sync().ok());
  EXPECT_EQ(SegmentFiles().size(), 2u) << "segments 1-10 and 11-20 hold only acked fixes";
  spool->Acknowledge(20);  // older than what is acked: ignored
  EXPECT_EQ(spool->acked_seq(), 25u);
}

TEST_F(SpoolTest, AckedFixesStayForgottenAfterRestart) {
  {
    auto spool = OpenSpool(Options());
    for (int i = 1; i <= 15; ++i) spool->Append(MakeFix(i));
    spool->Acknowledge(7);
    ASSERT_TRUE(spool->Sync().ok());
  }
  auto spool = OpenSpool(Options());
  EXPECT_EQ(spool->acked_seq(), 7u);
  EXPECT_EQ(spool->unacked_count(), 8u);
  ExpectFixes(*spool, 8, 15);
}

TEST_F(SpoolTest, NumberingContinuesAfterFullAckAndRestart) {
  {
    auto spool = OpenSpool(Options());
    for (int i = 1; i <= 30; ++i) spool->Append(MakeFix(i));
    spool->Acknowledge(30);
    ASSERT_TRUE(spool->Sync().ok());
    EXPECT_EQ(SegmentFiles().size(), 1u) << "the newest segment keeps the numbering";
  }
  {
    auto spool = OpenSpool(Options());
    EXPECT_EQ(spool->last_seq(), 30u);
    EXPECT_EQ(spool->acked_seq(), 30u);
    EXPECT_EQ(spool->unacked_count(), 0u);
    EXPECT_FALSE(spool->Newest());
    EXPECT_EQ(spool->Append(MakeFix(31)), 31u);
    spool->Acknowledge(31);
    ASSERT_TRUE(spool->Sync().ok());
  }
  auto spool = OpenSpool(Options());
  EXPECT_EQ(spool->last_seq(), 31u);
  EXPECT_EQ(spool->unacked_count(), 0u);
  EXPECT_LE(SegmentFiles().size(), 2u);
}

TEST_F(SpoolTest, FullSpoolDropsOldestWithOneLogLinePerBurst) {
  SpoolOptions options = Options();
  options.max_fixes = 100;
  auto spool = OpenSpool(options);
  for (int i = 1; i <= 150; ++i) spool->Append(MakeFix(i));
  EXPECT_EQ(spool->dropped_count(), 50u);
  EXPECT_EQ(spool->unacked_count(), 100u);
  ExpectFixes(*spool, 51, 150);
  EXPECT_EQ(LogLinesWith("dropping the oldest"), 1u);
  EXPECT_NE(log_.back().find("from seq 1"), std::string::npos) << log_.back();

  spool->Acknowledge(70);  // keeps 71..150: room for 20
  for (int i = 151; i <= 170; ++i) spool->Append(MakeFix(i));
  EXPECT_EQ(spool->dropped_count(), 50u);
  for (int i = 171; i <= 175; ++i) spool->Append(MakeFix(i));
  EXPECT_EQ(spool->dropped_count(), 55u);
  EXPECT_EQ(LogLinesWith("dropping the oldest"), 2u) << "a second burst";
  ExpectFixes(*spool, 76, 175);
  ASSERT_TRUE(spool->Sync().ok());
  spool.reset();

  auto reopened = OpenSpool(options);
  EXPECT_EQ(reopened->last_seq(), 175u);
  ExpectFixes(*reopened, 76, 175);
}

TEST_F(SpoolTest, DiskFullKeepsFixesInMemoryAndWritesThemWhenSpaceReturns) {
  test::FaultInjectingFileSystem fault_fs;
  auto spool = OpenSpool(Options(&fault_fs));
  for (int i = 1; i <= 5; ++i) spool->Append(MakeFix(i));
  ASSERT_TRUE(spool->Sync().ok());

  fault_fs.FailWritesAfter(70);  // one record fits, the next is cut short
  for (int i = 6; i <= 30; ++i) EXPECT_EQ(spool->Append(MakeFix(i)), static_cast<uint64_t>(i));
  const Status failed = spool->Sync();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("No space left on device"), std::string::npos);
  EXPECT_FALSE(spool->Sync().ok());
  EXPECT_EQ(LogLinesWith("cannot write"), 1u) << "logged once, not at every retry";
  EXPECT_NE(log_.back().find("No space left on device"), std::string::npos) << log_.back();
  ExpectFixes(*spool, 1, 30);

  fault_fs.AllowWrites();
  ASSERT_TRUE(spool->Sync().ok());
  EXPECT_EQ(LogLinesWith("works again"), 1u);
  for (int i = 31; i <= 33; ++i) spool->Append(MakeFix(i));
  spool.reset();

  auto reopened = OpenSpool(Options());
  EXPECT_EQ(reopened->last_seq(), 33u);
  ExpectFixes(*reopened, 1, 33);
}

TEST_F(SpoolTest, FailedSyncKeepsFixesAndWritesThemAgain) {
  test::FaultInjectingFileSystem fault_fs;
  auto spool = OpenSpool(Options(&fault_fs));
  for (int i = 1; i <= 3; ++i) spool->Append(MakeFix(i));
  ASSERT_TRUE(spool->Sync().ok());
  fault_fs.FailSyncs(true);
  for (int i = 4; i <= 8; ++i) spool->Append(MakeFix(i));
  EXPECT_FALSE(spool->Sync().ok());
  fault_fs.FailSyncs(false);
  ASSERT_TRUE(spool->Sync().ok());
  // A power loss now must keep all eight: they were written again and synced.
  ASSERT_TRUE(fault_fs.DropUnsyncedData().ok());
  fault_fs.Reboot();
  spool.reset();
  auto reopened = OpenSpool(Options());
  ExpectFixes(*reopened, 1, 8);
}

TEST_F(SpoolTest, PowerLossLosesOnlyUnsyncedFixes) {
  test::FaultInjectingFileSystem fault_fs;
  auto spool = OpenSpool(Options(&fault_fs));
  for (int i = 1; i <= 27; ++i) spool->Append(MakeFix(i));  // three segment rolls
  ASSERT_TRUE(spool->Sync().ok());
  for (int i = 28; i <= 36; ++i) spool->Append(MakeFix(i));  // unsynced, one more roll
  ASSERT_TRUE(fault_fs.DropUnsyncedData().ok());
  spool.reset();  // its final Sync fails: the power is off
  fault_fs.Reboot();

  auto reopened = OpenSpool(Options(&fault_fs));
  const uint64_t last_seq = reopened->last_seq();
  EXPECT_GE(last_seq, 27u);
  EXPECT_LT(last_seq, 36u);
  ExpectFixes(*reopened, 1, last_seq);
  EXPECT_EQ(reopened->Append(MakeFix(last_seq + 1)), last_seq + 1);
}

TEST_F(SpoolTest, TornTailIsCutOnOpenAndLogged) {
  {
    auto spool = OpenSpool(Options());
    for (int i = 1; i <= 13; ++i) spool->Append(MakeFix(i));
  }
  const fs::path newest = SegmentFiles().back();
  const uint64_t clean_size = fs::file_size(newest);
  {
    std::string record;
    proto::AppendRecord(1, std::string(45, 'x'), &record);
    std::ofstream(newest, std::ios::binary | std::ios::app) << record.substr(0, 30);
  }
  auto spool = OpenSpool(Options());
  ExpectFixes(*spool, 1, 13);
  EXPECT_EQ(fs::file_size(newest), clean_size);
  EXPECT_EQ(LogLinesWith("torn tail of 30 bytes"), 1u);
  EXPECT_EQ(spool->Append(MakeFix(14)), 14u);
}

TEST_F(SpoolTest, DamagedFixInTheMiddleIsSkippedAndLogged) {
  {
    auto spool = OpenSpool(Options());
    for (int i = 1; i <= 5; ++i) spool->Append(MakeFix(i));
  }
  const fs::path segment = SegmentFiles().front();
  std::fstream file(segment, std::ios::binary | std::ios::in | std::ios::out);
  file.seekp(2 * (proto::kRecordHeaderBytes + 45) + 20);  // inside fix 3
  file.put('\x7f');
  file.close();
  auto spool = OpenSpool(Options());
  const auto fixes = spool->Read(0, 100);
  ASSERT_EQ(fixes.size(), 4u);
  EXPECT_EQ(fixes[2].seq, 4u);
  EXPECT_EQ(LogLinesWith("skipped"), 1u);
  EXPECT_EQ(spool->last_seq(), 5u);
}

TEST_F(SpoolTest, ReadHonoursFromSeqAndMaxCount) {
  auto spool = OpenSpool(Options());
  for (int i = 1; i <= 50; ++i) spool->Append(MakeFix(i));
  spool->Acknowledge(10);
  auto fixes = spool->Read(20, 5);
  ASSERT_EQ(fixes.size(), 5u);
  EXPECT_EQ(fixes.front().seq, 20u);
  EXPECT_EQ(fixes.back().seq, 24u);
  EXPECT_EQ(spool->Read(1, 3).front().seq, 11u) << "acked fixes are not returned";
  EXPECT_EQ(spool->Read(48, 100).size(), 3u);
  EXPECT_TRUE(spool->Read(51, 100).empty());
  EXPECT_TRUE(spool->Read(20, 0).empty());
}

TEST_F(SpoolTest, EnsureSeqAboveRaisesNumberingAndSurvivesRestart) {
  {
    auto spool = OpenSpool(Options());
    for (int i = 1; i <= 3; ++i) spool->Append(MakeFix(i));
    spool->EnsureSeqAbove(2);  // below last_seq: nothing changes
    EXPECT_EQ(spool->last_seq(), 3u);
    spool->EnsureSeqAbove(100);
    EXPECT_EQ(spool->Append(MakeFix(101)), 101u);
    spool->EnsureSeqAbove(500);
    ASSERT_TRUE(spool->Sync().ok());
  }
  auto spool = OpenSpool(Options());
  EXPECT_EQ(spool->last_seq(), 500u);
  EXPECT_EQ(spool->unacked_count(), 4u) << "EnsureSeqAbove drops nothing";
  EXPECT_EQ(spool->Append(MakeFix(501)), 501u);
}

TEST_F(SpoolTest, AcknowledgeBeyondLastSeqContinuesNumberingAboveIt) {
  auto spool = OpenSpool(Options());
  spool->Append(MakeFix(1));
  spool->Acknowledge(1000);  // the hub knows seqs this (new) spool never made
  EXPECT_EQ(spool->unacked_count(), 0u);
  EXPECT_EQ(spool->Append(MakeFix(1001)), 1001u);
}

TEST_F(SpoolTest, InMemorySpoolNeedsNoDirectory) {
  SpoolOptions options;
  options.max_fixes = 10;
  auto spool = OpenSpool(options);
  for (int i = 1; i <= 12; ++i) spool->Append(MakeFix(i));
  EXPECT_TRUE(spool->Sync().ok());
  EXPECT_EQ(spool->dropped_count(), 2u);
  ExpectFixes(*spool, 3, 12);
  spool->Acknowledge(12);
  EXPECT_EQ(spool->unacked_count(), 0u);
  EXPECT_EQ(spool->Append(MakeFix(13)), 13u);
}

}  // namespace
}  // namespace convoy::tracker
