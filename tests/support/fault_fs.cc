#include "support/fault_fs.h"

#include <algorithm>
#include <cerrno>

namespace convoy::test {
namespace {

std::filesystem::path NormalDir(const std::filesystem::path& dir) {
  std::filesystem::path normal = dir.lexically_normal();
  if (!normal.has_filename() && normal.has_parent_path()) normal = normal.parent_path();
  return normal;
}

}  // namespace

class FaultWritableFile final : public proto::WritableFile {
 public:
  FaultWritableFile(FaultInjectingFileSystem* fs, std::unique_ptr<proto::WritableFile> base,
                    uint64_t generation)
      : fs_(fs), base_(std::move(base)), generation_(generation) {}

  Status Append(std::string_view data) override {
    std::lock_guard lock(fs_->mu_);
    return fs_->AppendLocked(*base_, generation_, data);
  }
  Status Sync() override {
    std::lock_guard lock(fs_->mu_);
    return fs_->SyncLocked(*base_, generation_);
  }
  uint64_t size() const override { return base_->size(); }
  Status Close() override { return base_->Close(); }
  const std::filesystem::path& path() const override { return base_->path(); }

 private:
  FaultInjectingFileSystem* fs_;
  std::unique_ptr<proto::WritableFile> base_;
  uint64_t generation_;
};

FaultInjectingFileSystem::FaultInjectingFileSystem(proto::FileSystem* base) : base_(base) {}

void FaultInjectingFileSystem::FailWritesNow() { FailWritesAfter(0); }

void FaultInjectingFileSystem::FailWritesAfter(uint64_t bytes) {
  std::lock_guard lock(mu_);
  writes_limited_ = true;
  write_budget_ = bytes;
}

void FaultInjectingFileSystem::AllowWrites() {
  std::lock_guard lock(mu_);
  writes_limited_ = false;
}

void FaultInjectingFileSystem::FailSyncs(bool fail) {
  std::lock_guard lock(mu_);
  fail_syncs_ = fail;
}

uint64_t FaultInjectingFileSystem::syncs() const {
  std::lock_guard lock(mu_);
  return syncs_;
}

uint64_t FaultInjectingFileSystem::bytes_written() const {
  std::lock_guard lock(mu_);
  return bytes_written_;
}

Status FaultInjectingFileSystem::AppendLocked(proto::WritableFile& base, uint64_t generation,
                                              std::string_view data) {
  if (generation != generation_) return proto::FileError(base.path(), "write", EIO);
  if (writes_limited_ && data.size() > write_budget_) {
    const std::string_view fits = data.substr(0, write_budget_);
    write_budget_ = 0;
    if (!fits.empty()) {
      if (Status status = base.Append(fits); !status.ok()) return status;
      bytes_written_ += fits.size();
    }
    return proto::FileError(base.path(), "write", ENOSPC);
  }
  if (writes_limited_) write_budget_ -= data.size();
  if (Status status = base.Append(data); !status.ok()) return status;
  bytes_written_ += data.size();
  return Status::Ok();
}

Status FaultInjectingFileSystem::SyncLocked(proto::WritableFile& base, uint64_t generation) {
  if (generation != generation_ || fail_syncs_) {
    return proto::FileError(base.path(), "fdatasync", EIO);
  }
  if (Status status = base.Sync(); !status.ok()) return status;
  ++syncs_;
  files_[base.path()].synced_bytes = base.size();
  return Status::Ok();
}

void FaultInjectingFileSystem::Reboot() {
  std::lock_guard lock(mu_);
  powered_off_ = false;
}

Status FaultInjectingFileSystem::DropUnsyncedData() {
  std::lock_guard lock(mu_);
  ++generation_;
  powered_off_ = true;
  Status first_error;
  for (auto it = files_.begin(); it != files_.end();) {
    const auto& [path, state] = *it;
    Status status = state.created_unsynced_dir ? base_->RemoveFile(path)
                                               : base_->Truncate(path, state.synced_bytes);
    if (!status.ok() && first_error.ok() && base_->Exists(path)) first_error = status;
    it = files_.erase(it);
  }
  return first_error;
}

Result<std::unique_ptr<proto::WritableFile>> FaultInjectingFileSystem::NewAppendableFile(
    const std::filesystem::path& path) {
  std::lock_guard lock(mu_);
  if (powered_off_) return proto::FileError(path, "open for append", EIO);
  const bool existed = base_->Exists(path);
  auto file = base_->NewAppendableFile(path);
  if (!file.ok()) return file.status();
  auto [it, inserted] = files_.try_emplace(path);
  if (inserted) {
    it->second.synced_bytes = (*file)->size();
    it->second.created_unsynced_dir = !existed;
  }
  return std::unique_ptr<proto::WritableFile>(
      new FaultWritableFile(this, std::move(file).value(), generation_));
}

Result<std::string> FaultInjectingFileSystem::ReadFile(const std::filesystem::path& path) {
  return base_->ReadFile(path);
}

Result<std::vector<std::string>> FaultInjectingFileSystem::ListDir(
    const std::filesystem::path& dir) {
  return base_->ListDir(dir);
}

Status FaultInjectingFileSystem::CreateDirs(const std::filesystem::path& dir) {
  std::lock_guard lock(mu_);
  if (powered_off_) return proto::FileError(dir, "create directory", EIO);
  return base_->CreateDirs(dir);
}

Status FaultInjectingFileSystem::RemoveFile(const std::filesystem::path& path) {
  std::lock_guard lock(mu_);
  if (powered_off_) return proto::FileError(path, "unlink", EIO);
  files_.erase(path);
  return base_->RemoveFile(path);
}

Status FaultInjectingFileSystem::RenameFile(const std::filesystem::path& from,
                                            const std::filesystem::path& to) {
  std::lock_guard lock(mu_);
  if (powered_off_) return proto::FileError(from, "rename", EIO);
  files_.erase(from);
  files_.erase(to);
  return base_->RenameFile(from, to);
}

Status FaultInjectingFileSystem::Truncate(const std::filesystem::path& path, uint64_t size_bytes) {
  std::lock_guard lock(mu_);
  if (powered_off_) return proto::FileError(path, "truncate", EIO);
  if (Status status = base_->Truncate(path, size_bytes); !status.ok()) return status;
  // Treated as durable at once: storage code truncates only to cut what it already rejected.
  if (auto it = files_.find(path); it != files_.end()) {
    it->second.synced_bytes = std::min(it->second.synced_bytes, size_bytes);
  }
  return Status::Ok();
}

Status FaultInjectingFileSystem::SyncDir(const std::filesystem::path& dir) {
  std::lock_guard lock(mu_);
  if (powered_off_) return proto::FileError(dir, "fsync directory", EIO);
  if (Status status = base_->SyncDir(dir); !status.ok()) return status;
  const std::filesystem::path normal_dir = NormalDir(dir);
  for (auto& [path, state] : files_) {
    if (NormalDir(path.parent_path()) == normal_dir) state.created_unsynced_dir = false;
  }
  return Status::Ok();
}

Result<uint64_t> FaultInjectingFileSystem::FileSize(const std::filesystem::path& path) {
  return base_->FileSize(path);
}

bool FaultInjectingFileSystem::Exists(const std::filesystem::path& path) {
  return base_->Exists(path);
}

}  // namespace convoy::test
