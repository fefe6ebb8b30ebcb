#include "tracker/console.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include "tracker/car_messages.h"

extern char** environ;

namespace convoy::tracker {
namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The executable `name` on PATH, or "".
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/bin:/bin";
  while (!rest.empty()) {
    const size_t colon = std::min(rest.find(':'), rest.size());
    std::string candidate = std::string(rest.substr(0, colon)) + "/" + name;
    if (colon > 0 && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    rest.remove_prefix(std::min(colon + 1, rest.size()));
  }
  return "";
}

}  // namespace

const char* ConsoleHelp() {
  return "commands: sos [TEXT] | reply N (1 OK, 2 Need fuel, 3 Need a toilet stop, 4 Running "
         "late) | reply TEXT | status | help";
}

ConsoleCommand ParseConsoleLine(std::string_view line) {
  line = Trim(line);
  ConsoleCommand command;
  if (line.empty()) return command;
  const size_t space = std::min(line.find_first_of(" \t"), line.size());
  const std::string word = Lower(line.substr(0, space));
  const std::string_view rest = Trim(line.substr(space));
  if (word == "sos") {
    command.kind = ConsoleCommand::Kind::kSos;
    command.text = std::string(rest.substr(0, 280));
    return command;
  }
  if (word == "help" || word == "?") {
    command.kind = ConsoleCommand::Kind::kHelp;
    return command;
  }
  if (word == "status") {
    command.kind = ConsoleCommand::Kind::kStatus;
    return command;
  }
  if (word == "reply") {
    const auto& replies = CannedReplies();
    command.kind = ConsoleCommand::Kind::kReply;
    if (rest.size() == 1 && rest[0] >= '1' && rest[0] <= '9' &&
        static_cast<size_t>(rest[0] - '0') <= replies.size()) {
      command.text = replies[rest[0] - '1'];
      return command;
    }
    for (const std::string& reply : replies) {
      if (Lower(reply) == Lower(rest)) {
        command.text = reply;
        return command;
      }
    }
    command.kind = ConsoleCommand::Kind::kInvalid;
    command.text = "reply: give 1.." + std::to_string(replies.size()) + " or one of:";
    for (const std::string& reply : replies) command.text += " \"" + reply + "\"";
    return command;
  }
  command.kind = ConsoleCommand::Kind::kInvalid;
  command.text = "unknown command '" + word + "'; " + ConsoleHelp();
  return command;
}

struct StdinLines::Shared {
  std::mutex mu;
  bool alive = true;
  asio::any_io_executor executor;
  std::function<void(std::string)> on_line;
};

StdinLines::StdinLines(asio::any_io_executor executor, std::function<void(std::string)> on_line)
    : shared_(std::make_shared<Shared>()) {
  shared_->executor = executor;
  shared_->on_line = std::move(on_line);
  std::thread([shared = shared_] {
    std::string line;
    while (std::getline(std::cin, line)) {
      std::lock_guard lock(shared->mu);
      if (!shared->alive) return;
      asio::post(shared->executor, [on_line = shared->on_line, line] { on_line(line); });
    }
  }).detach();
}

StdinLines::~StdinLines() {
  std::lock_guard lock(shared_->mu);
  shared_->alive = false;
}

Speaker::Speaker(bool enabled, LogFn log) : log_(std::move(log)) {
  if (!enabled) return;
  program_ = FindOnPath("espeak-ng");
  if (program_.empty()) log_("--speak: espeak-ng is not installed; radio messages are only logged");
}

Speaker::~Speaker() {
  if (child_ > 0) {
    ::kill(child_, SIGTERM);
    ::waitpid(child_, nullptr, 0);
  }
}

void Speaker::Say(std::string text) {
  if (program_.empty()) return;
  if (queue_.size() >= 8) queue_.pop_front();
  queue_.push_back(std::move(text));
  Poll();
}

void Speaker::Poll() {
  if (child_ > 0) {
    int status = 0;
    if (::waitpid(child_, &status, WNOHANG) == 0) return;  // still speaking
    child_ = -1;
  }
  if (queue_.empty() || program_.empty()) return;
  const std::string text = std::move(queue_.front());
  queue_.pop_front();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // espeak-ng's own chatter must not mix into the tracker's log; nothing to read from stdin.
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::string program = program_, dashes = "--";
  std::string spoken = text;
  char* argv[] = {program.data(), dashes.data(), spoken.data(), nullptr};
  pid_t pid = -1;
  const int error = posix_spawn(&pid, program_.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    log_("cannot run espeak-ng: " + std::string(std::strerror(error)));
    return;
  }
  child_ = pid;
}

}  // namespace convoy::tracker
