#include "hub/export/text_file.h"

#include <cerrno>
#include <cstring>

namespace convoy::hub {

Result<std::unique_ptr<TextFile>> TextFile::Create(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return Error{path + ": cannot create: " + std::strerror(errno)};
  // Our own buffer does the batching; stdio's would only add a copy.
  std::setvbuf(file, nullptr, _IONBF, 0);
  return std::unique_ptr<TextFile>(new TextFile(file, path));
}

TextFile::TextFile(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {
  buffer_.reserve(kFlushBytes + (64 << 10));
}

TextFile::~TextFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void TextFile::Flush() {
  if (error_ == 0 && !buffer_.empty() &&
      std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    error_ = errno != 0 ? errno : EIO;
  }
  buffer_.clear();
}

Status TextFile::Close() {
  Flush();
  const int closed = std::fclose(file_);
  file_ = nullptr;
  if (error_ == 0 && closed != 0) error_ = errno != 0 ? errno : EIO;
  if (error_ != 0) return Error{path_ + ": write failed: " + std::strerror(error_)};
  return Status::Ok();
}

}  // namespace convoy::hub
