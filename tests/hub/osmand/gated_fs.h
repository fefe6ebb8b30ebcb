// A file system whose fdatasync waits at a gate the test opens: "queued, not yet durable" held
// for as long as a test needs it, without timing. Wraps another file system (the fault-injecting
// one, for failures).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>

#include "proto/file_io.h"

namespace convoy::testing {

class GatedFileSystem final : public proto::FileSystem {
 public:
  explicit GatedFileSystem(proto::FileSystem* base) : base_(base) {}

  void Close() {
    std::lock_guard lock(mu_);
    open_ = false;
  }
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  // Waits until at least `count` syncs are held at the closed gate.
  void WaitForWaitingSyncs(int count) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return waiting_ >= count; });
  }

  Result<std::unique_ptr<proto::WritableFile>> NewAppendableFile(
      const std::filesystem::path& path) override {
    auto file = base_->NewAppendableFile(path);
    if (!file.ok()) return file.status();
    return std::unique_ptr<proto::WritableFile>(new GatedFile(this, std::move(*file)));
  }
  Result<std::string> ReadFile(const std::filesystem::path& path) override {
    return base_->ReadFile(path);
  }
  Result<std::vector<std::string>> ListDir(const std::filesystem::path& dir) override {
    return base_->ListDir(dir);
  }
  Status CreateDirs(const std::filesystem::path& dir) override { return base_->CreateDirs(dir); }
  Status RemoveFile(const std::filesystem::path& path) override { return base_->RemoveFile(path); }
  Status RenameFile(const std::filesystem::path& from, const std::filesystem::path& to) override {
    return base_->RenameFile(from, to);
  }
  Status Truncate(const std::filesystem::path& path, uint64_t size_bytes) override {
    return base_->Truncate(path, size_bytes);
  }
  Status SyncDir(const std::filesystem::path& dir) override { return base_->SyncDir(dir); }
  Result<uint64_t> FileSize(const std::filesystem::path& path) override {
    return base_->FileSize(path);
  }
  bool Exists(const std::filesystem::path& path) override { return base_->Exists(path); }

 private:
  class GatedFile final : public proto::WritableFile {
   public:
    GatedFile(GatedFileSystem* fs, std::unique_ptr<proto::WritableFile> base)
        : fs_(fs), base_(std::move(base)) {}
    Status Append(std::string_view data) override { return base_->Append(data); }
    Status Sync() override {
      {
        std::unique_lock lock(fs_->mu_);
        ++fs_->waiting_;
        fs_->cv_.notify_all();
        fs_->cv_.wait(lock, [&] { return fs_->open_; });
        --fs_->waiting_;
      }
      return base_->Sync();
    }
    uint64_t size() const override { return base_->size(); }
    Status Close() override { return base_->Close(); }
    const std::filesystem::path& path() const override { return base_->path(); }

   private:
    GatedFileSystem* fs_;
    std::unique_ptr<proto::WritableFile> base_;
  };

  proto::FileSystem* const base_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  int waiting_ = 0;
};

}  // namespace convoy::testing
