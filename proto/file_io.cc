#include "proto/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace convoy::proto {
namespace {

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::filesystem::path path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return FileError(path_, "write", EBADF);
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return FileError(path_, "write", errno);
      }
      size_ += static_cast<uint64_t>(n);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (fd_ < 0) return FileError(path_, "fdatasync", EBADF);
    if (::fdatasync(fd_) != 0) return FileError(path_, "fdatasync", errno);
    return Status::Ok();
  }

  uint64_t size() const override { return size_; }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return FileError(path_, "close", errno);
    return Status::Ok();
  }

  const std::filesystem::path& path() const override { return path_; }

 private:
  std::filesystem::path path_;
  int fd_;
  uint64_t size_;
};

}  // namespace

Error FileError(const std::filesystem::path& path, std::string_view operation, int err) {
  std::string message = path.string();
  message += ": ";
  message += operation;
  message += ": ";
  message += std::strerror(err);
  return Error{std::move(message)};
}

FileSystem* FileSystem::Default() {
  static PosixFileSystem* const fs = new PosixFileSystem();  // never destroyed: used at exit
  return fs;
}

Result<std::unique_ptr<WritableFile>> PosixFileSystem::NewAppendableFile(
    const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return FileError(path, "open for append", errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return FileError(path, "fstat", err);
  }
  return std::unique_ptr<WritableFile>(
      new PosixWritableFile(path, fd, static_cast<uint64_t>(st.st_size)));
}

Result<std::string> PosixFileSystem::ReadFile(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError(path, "open for reading", errno);
  struct stat st;
  const uint64_t expected = ::fstat(fd, &st) == 0 && st.st_size > 0 ? st.st_size : 0;
  // One spare block so that a file that grew since fstat needs no second allocation.
  std::string content(expected + 4096, '\0');
  size_t used = 0;
  while (true) {
    if (used == content.size()) content.resize(content.size() * 2);
    const ssize_t n = ::read(fd, content.data() + used, content.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      return FileError(path, "read", err);
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  content.resize(used);
  ::close(fd);
  return content;
}

Result<std::vector<std::string>> PosixFileSystem::ListDir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::vector<std::string> names;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) return FileError(dir, "list directory", ec.value());
  return names;
}

Status PosixFileSystem::CreateDirs(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return FileError(dir, "create directory", ec.value());
  return Status::Ok();
}

Status PosixFileSystem::RemoveFile(const std::filesystem::path& path) {
  if (::unlink(path.c_str()) != 0) return FileError(path, "unlink", errno);
  return Status::Ok();
}

Status PosixFileSystem::RenameFile(const std::filesystem::path& from,
                                   const std::filesystem::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return FileError(from, "rename to " + to.string(), errno);
  }
  return Status::Ok();
}

Status PosixFileSystem::Truncate(const std::filesystem::path& path, uint64_t size_bytes) {
  if (::truncate(path.c_str(), static_cast<off_t>(size_bytes)) != 0) {
    return FileError(path, "truncate to " + std::to_string(size_bytes) + " bytes", errno);
  }
  return Status::Ok();
}

Status PosixFileSystem::SyncDir(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError(dir, "open directory", errno);
  const int result = ::fsync(fd);
  const int err = errno;
  ::close(fd);
  if (result != 0) return FileError(dir, "fsync directory", err);
  return Status::Ok();
}

Result<uint64_t> PosixFileSystem::FileSize(const std::filesystem::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FileError(path, "stat", errno);
  return static_cast<uint64_t>(st.st_size);
}

bool PosixFileSystem::Exists(const std::filesystem::path& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace convoy::proto
