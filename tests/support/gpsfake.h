// Debian's gpsfake (gpsd-clients) on a loopback port: it starts a real gpsd and feeds it an NMEA
// log through a pseudo-terminal, for tests of everything that reads gpsd.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

extern char** environ;

namespace convoy::testing {

inline bool GpsdInstalled() {
  return ::access("/usr/bin/gpsfake", X_OK) == 0 && ::access("/usr/sbin/gpsd", X_OK) == 0;
}

// gpsfake in its own process group, so that it and the gpsd it starts are ended together.
class Gpsfake {
 public:
  Gpsfake(const std::string& port, const std::string& log) {
    // gpsd outlives gpsfake when gpsfake is killed: adopt such orphans so they can be reaped.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    // -1: one pass; -P: gpsd's port; -s: the pty's speed; -c: 20 ms between sentences (gpsd
    // drops a log fed faster than a serial line could carry it).
    std::vector<std::string> args = {"gpsfake", "-1",    "-q", "-P",   port,
                                     "-s",      "38400", "-c", "0.02", log};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawnp(&pid_, "gpsfake", &actions, &attr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  ~Gpsfake() {
    if (pid_ <= 0) return;
    // gpsfake does not always honour SIGTERM once its gpsd is gone: give it a moment, then
    // SIGKILL the group.
    ::kill(-pid_, SIGTERM);
    int status;
    bool exited = false;
    for (int i = 0; i < 20 && !exited; ++i) {
      exited = ::waitpid(pid_, &status, WNOHANG) == pid_;
      if (!exited) ::usleep(100'000);
    }
    if (!exited) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    ::kill(-pid_, SIGKILL);  // whatever is left of the group (its gpsd)
    while (::waitpid(-pid_, &status, 0) > 0) {
    }
  }
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

}  // namespace convoy::testing
