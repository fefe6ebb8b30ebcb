#include "tracker/car_messages.h"

#include <charconv>

#include "proto/file_io.h"

namespace convoy::tracker {
namespace {

constexpr char kFileName[] = "car_messages";

std::string Escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Unescape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char c = text[++i];
      out += c == 't' ? '\t' : c == 'n' ? '\n' : c;
    } else {
      out += text[i];
    }
  }
  return out;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

const std::vector<std::string>& CannedReplies() {
  static const std::vector<std::string> replies = {"OK", "Need fuel", "Need a toilet stop",
                                                   "Running late"};
  return replies;
}

Result<std::unique_ptr<CarMessageOutbox>> CarMessageOutbox::Open(const std::filesystem::path& dir) {
  std::unique_ptr<CarMessageOutbox> outbox(new CarMessageOutbox(dir));
  if (!dir.empty()) {
    if (Status status = outbox->Load(); !status.ok()) return status;
  }
  return outbox;
}

Status CarMessageOutbox::Load() {
  proto::FileSystem* fs = proto::FileSystem::Default();
  const std::filesystem::path path = dir_ / kFileName;
  if (!fs->Exists(path)) return Status::Ok();
  Result<std::string> content = fs->ReadFile(path);
  if (!content.ok()) return content.status();
  std::string_view rest = *content;
  int line_number = 0;
  while (!rest.empty()) {
    const size_t eol = rest.find('\n');
    if (eol == std::string_view::npos) break;  // a torn last line: the rename makes it unlikely
    const std::string_view line = rest.substr(0, eol);
    rest.remove_prefix(eol + 1);
    ++line_number;
    auto bad = [&](const std::string& what) {
      return Error{path.string() + " line " + std::to_string(line_number) + ": " + what};
    };
    if (line_number == 1) {
      if (line.substr(0, 5) != "next " || !ParseNumber(line.substr(5), next_id_)) {
        return bad("expected 'next ID'");
      }
      continue;
    }
    std::string_view fields[4];
    std::string_view field_rest = line;
    for (int i = 0; i < 3; ++i) {
      const size_t tab = field_rest.find('\t');
      if (tab == std::string_view::npos) return bad("expected 4 tab-separated fields");
      fields[i] = field_rest.substr(0, tab);
      field_rest.remove_prefix(tab + 1);
    }
    fields[3] = field_rest;
    uint64_t id = 0;
    int kind = 0;
    int64_t time_ms = 0;
    if (!ParseNumber(fields[0], id) || !ParseNumber(fields[1], kind) ||
        !ParseNumber(fields[2], time_ms) || !v1::CarMessage::Kind_IsValid(kind)) {
      return bad("bad id, kind or time");
    }
    v1::CarMessage message;
    message.set_message_id(id);
    message.set_kind(static_cast<v1::CarMessage::Kind>(kind));
    message.set_time_ms(time_ms);
    message.set_text(Unescape(fields[3]));
    pending_.push_back(std::move(message));
    next_id_ = std::max(next_id_, id + 1);
  }
  return Status::Ok();
}

Status CarMessageOutbox::Save() const {
  if (dir_.empty()) return Status::Ok();
  proto::FileSystem* fs = proto::FileSystem::Default();
  if (Status status = fs->CreateDirs(dir_); !status.ok()) return status;
  std::string content = "next " + std::to_string(next_id_) + "\n";
  for (const v1::CarMessage& m : pending_) {
    content += std::to_string(m.message_id()) + "\t" + std::to_string(m.kind()) + "\t" +
               std::to_string(m.time_ms()) + "\t" + Escape(m.text()) + "\n";
  }
  std::filesystem::path temp = dir_ / kFileName;
  temp += ".tmp";
  (void)fs->RemoveFile(temp);  // a leftover from a crash: NewAppendableFile would append to it
  auto file = fs->NewAppendableFile(temp);
  if (!file.ok()) return file.status();
  if (Status s = (*file)->Append(content); !s.ok()) return s;
  if (Status s = (*file)->Sync(); !s.ok()) return s;
  if (Status s = (*file)->Close(); !s.ok()) return s;
  if (Status s = fs->RenameFile(temp, dir_ / kFileName); !s.ok()) return s;
  return fs->SyncDir(dir_);
}

Result<uint64_t> CarMessageOutbox::Add(v1::CarMessage::Kind kind, std::string text,
                                       int64_t time_ms) {
  v1::CarMessage message;
  message.set_message_id(next_id_++);
  message.set_kind(kind);
  message.set_time_ms(time_ms);
  message.set_text(std::move(text));
  const uint64_t id = message.message_id();
  pending_.push_back(std::move(message));
  if (Status status = Save(); !status.ok()) return status;
  return id;
}

Status CarMessageOutbox::MarkDelivered(uint64_t message_id) {
  const size_t before = pending_.size();
  std::erase_if(pending_,
                [message_id](const v1::CarMessage& m) { return m.message_id() == message_id; });
  return pending_.size() == before ? Status::Ok() : Save();
}

}  // namespace convoy::tracker
