// A file system for tests that can fail: a full disk, a failing fsync, and a power loss that
// keeps only what was synced (leveldb's fault_injection_test idea). It wraps a real file system,
// so the files it leaves behind are real files that the code under test reopens.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "proto/file_io.h"

namespace convoy::test {

// Thread-safe: the code under test may write from its own thread while the test injects faults.
// Every file operation holds one lock, so a power loss never lands in the middle of a write.
class FaultInjectingFileSystem final : public proto::FileSystem {
 public:
  // `base` must outlive this; default: the real file system.
  explicit FaultInjectingFileSystem(proto::FileSystem* base = proto::FileSystem::Default());

  // The disk is full from now on: appends fail with ENOSPC. Creating an empty file still works,
  // as it usually does on a full disk (it takes an inode, no data block).
  void FailWritesNow();
  // The disk fills after `bytes` more bytes: the append that crosses the limit writes what fits
  // and fails with ENOSPC, as write(2) does.
  void FailWritesAfter(uint64_t bytes);
  // Space returns: writes succeed again.
  void AllowWrites();
  // fdatasync fails with EIO while set (the data stays in the files, as in the page cache).
  void FailSyncs(bool fail);

  // Power loss: every file opened so far is cut back to the size it had at its last successful
  // Sync (or when opened), and files created since the last SyncDir of their directory are
  // removed. Renames are not undone. The process that was writing is gone with the power: until
  // Reboot(), every call that would change the disk (appends, syncs, opens for append, truncate,
  // remove, rename, SyncDir, CreateDirs) fails with EIO, and handles opened before never work
  // again.
  Status DropUnsyncedData();
  // The machine is back: changes work again (through new handles).
  void Reboot();

  uint64_t syncs() const;
  uint64_t bytes_written() const;

  // proto::FileSystem
  Result<std::unique_ptr<proto::WritableFile>> NewAppendableFile(
      const std::filesystem::path& path) override;
  Result<std::string> ReadFile(const std::filesystem::path& path) override;
  Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) override;
  Status CreateDirs(const std::filesystem::path& dir) override;
  Status RemoveFile(const std::filesystem::path& path) override;
  Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) override;
  Status Truncate(const std::filesystem::path& path, uint64_t size_bytes) override;
  Status SyncDir(const std::filesystem::path& dir) override;
  Result<uint64_t> FileSize(const std::filesystem::path& path) override;
  bool Exists(const std::filesystem::path& path) override;

 private:
  friend class FaultWritableFile;
  struct FileState {
    uint64_t synced_bytes = 0;
    bool created_unsynced_dir = false;  // created, and its directory not synced since
  };

  // Called by FaultWritableFile with mu_ held.
  Status AppendLocked(proto::WritableFile& base, uint64_t generation, std::string_view data);
  Status SyncLocked(proto::WritableFile& base, uint64_t generation);

  proto::FileSystem* const base_;
  mutable std::mutex mu_;
  std::map<std::filesystem::path, FileState> files_;
  uint64_t generation_ = 0;   // bumped by each power loss; older handles are dead
  bool powered_off_ = false;  // between DropUnsyncedData and Reboot
  bool writes_limited_ = false;
  uint64_t write_budget_ = 0;  // bytes that may still be written while writes_limited_
  bool fail_syncs_ = false;
  uint64_t syncs_ = 0;
  uint64_t bytes_written_ = 0;
};

}  // namespace convoy::test
