// A buffered text file for the exporters that write their format themselves: the caller appends
// to buffer() and calls MaybeFlush(); write errors (a full disk) are kept and returned by Close.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "proto/result.h"

namespace convoy::hub {

// Not thread-safe.
class TextFile {
 public:
  // Creates or truncates `path`. Errors: "PATH: cannot create: Permission denied".
  static Result<std::unique_ptr<TextFile>> Create(const std::string& path);
  ~TextFile();  // closes without reporting; call Close to know whether everything was written

  std::string& buffer() { return buffer_; }
  // Writes the buffer out once it holds about 1 MiB.
  void MaybeFlush() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  // Writes what is buffered and closes. Returns the first write error, if any.
  Status Close();

 private:
  static constexpr size_t kFlushBytes = 1 << 20;
  TextFile(std::FILE* file, std::string path);
  void Flush();

  std::FILE* file_;
  std::string path_;
  std::string buffer_;
  int error_ = 0;  // errno of the first failed write
};

}  // namespace convoy::hub
