// Files behind a narrow interface (leveldb's Env idea), so that storage code can be tested
// against a full disk, a failing fsync or a power loss (tests/support/fault_fs.h) without
// touching the real disk's behaviour.
//
// Every error message names the path and the operation and carries strerror:
// "/data/journal-00000003.log: write: No space left on device".
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "proto/result.h"

namespace convoy::proto {

// A file open for appending. Not thread-safe: one owner at a time.
class WritableFile {
 public:
  virtual ~WritableFile() = default;

  // Appends all of `data` at the end of the file (retrying short writes and EINTR). On error
  // part of `data` may have been written; size() then counts what was.
  virtual Status Append(std::string_view data) = 0;

  // fdatasync: what was appended is on stable storage when this returns OK. After an error the
  // state of everything not synced before is unknown: do not write to this file again.
  virtual Status Sync() = 0;

  // Bytes in the file: its size when opened plus what Append wrote since.
  virtual uint64_t size() const = 0;

  // Closes the descriptor; later calls fail. The destructor closes too, ignoring errors.
  virtual Status Close() = 0;

  virtual const std::filesystem::path& path() const = 0;
};

// Thread-safe: the methods may be called from several threads at once (on different files).
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process's real file system. Never null; lives for the whole process.
  static FileSystem* Default();

  // Opens `path` for appending, creating it (mode 0644) if missing. Creating a file is durable
  // only after SyncDir(path.parent_path()).
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(
      const std::filesystem::path& path) = 0;

  // The whole content of a regular file. Reads what is there now; safe while another process
  // appends (the result may end in the middle of a write).
  virtual Result<std::string> ReadFile(const std::filesystem::path& path) = 0;

  // Names (not paths) of the entries of `dir`, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) = 0;

  // Creates `dir` and missing parents; OK if it exists.
  virtual Status CreateDirs(const std::filesystem::path& dir) = 0;

  virtual Status RemoveFile(const std::filesystem::path& path) = 0;

  // Atomically replaces `to` with `from` (rename(2)); durable after SyncDir.
  virtual Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) = 0;

  // Cuts (or extends with zeros) the file to `size_bytes`.
  virtual Status Truncate(const std::filesystem::path& path, uint64_t size_bytes) = 0;

  // fsync on the directory: makes creations, removals and renames in it durable.
  virtual Status SyncDir(const std::filesystem::path& dir) = 0;

  virtual Result<uint64_t> FileSize(const std::filesystem::path& path) = 0;

  // True when `path` exists (as anything). False on errors too.
  virtual bool Exists(const std::filesystem::path& path) = 0;
};

// The real thing: POSIX calls, O_APPEND|O_CLOEXEC files, fdatasync. Use FileSystem::Default().
class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(
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
};

// "PATH: OPERATION: strerror(err)", for implementations of FileSystem.
Error FileError(const std::filesystem::path& path, std::string_view operation, int err);

}  // namespace convoy::proto
