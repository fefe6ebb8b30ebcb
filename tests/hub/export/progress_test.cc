// The progress bar draws on a terminal and stays quiet anywhere else (hub/export/progress.h).
#include "hub/export/progress.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <string>

namespace convoy::hub {
namespace {

std::string Drain(int fd) {
  std::string text;
  char buf[4096];
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  return text;
}

void Work(Progress& progress) {
  progress.Start("writing GPX", 1000, "fixes");
  for (uint64_t i = 1; i <= 1000; ++i) progress.Update(i);
  progress.Finish();
}

TEST(ProgressTest, DrawsABarOnATerminal) {
  int master = -1, slave = -1;
  ASSERT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  std::FILE* out = ::fdopen(slave, "w");
  ASSERT_NE(out, nullptr);
  {
    Progress progress(out);
    EXPECT_TRUE(progress.enabled());
    Work(progress);
  }
  std::fflush(out);
  const std::string drawn = Drain(master);
  EXPECT_NE(drawn.find("writing GPX"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("100%"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find("1000/1000 fixes"), std::string::npos) << drawn;
  EXPECT_NE(drawn.find('\r'), std::string::npos);
  std::fclose(out);
  ::close(master);
}

TEST(ProgressTest, QuietWhenNotATerminal) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::FILE* out = ::fdopen(fds[1], "w");
  {
    Progress progress(out);
    EXPECT_FALSE(progress.enabled());
    Work(progress);
  }
  std::fclose(out);
  EXPECT_EQ(Drain(fds[0]), "");
  ::close(fds[0]);
}

TEST(ProgressTest, DefaultConstructedDrawsNothing) {
  Progress progress;
  EXPECT_FALSE(progress.enabled());
  Work(progress);  // must not crash without an output
}

}  // namespace
}  // namespace convoy::hub
