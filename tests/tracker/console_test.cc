// The tracker's console and car messages: parsing what the driver types, the outbox that keeps
// an SOS across a restart, and `sos` typed into a real convoy-tracker process reaching a real hub.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "convoy/v1/journal.pb.h"
#include "hub/journal_reader.h"
#include "support/hub_harness.h"
#include "support/process.h"
#include "support/temp_dir.h"
#include "tracker/car_messages.h"
#include "tracker/console.h"

namespace convoy {
namespace {

using testing::HubHarness;
using testing::TempDir;
using tracker::CarMessageOutbox;
using tracker::ConsoleCommand;
using tracker::ParseConsoleLine;

TEST(ConsoleTest, SosTakesTheRestOfTheLineAsText) {
  ConsoleCommand c = ParseConsoleLine("  SOS  flat tyre at km 12 ");
  EXPECT_EQ(c.kind, ConsoleCommand::Kind::kSos);
  EXPECT_EQ(c.text, "flat tyre at km 12");
  EXPECT_EQ(ParseConsoleLine("sos").kind, ConsoleCommand::Kind::kSos);
  EXPECT_EQ(ParseConsoleLine("sos").text, "");
}

TEST(ConsoleTest, ReplyByNumberOrByText) {
  EXPECT_EQ(ParseConsoleLine("reply 2").text, "Need fuel");
  EXPECT_EQ(ParseConsoleLine("reply ok").text, "OK");
  EXPECT_EQ(ParseConsoleLine("reply need a TOILET stop").text, "Need a toilet stop");
  EXPECT_EQ(ParseConsoleLine("reply 4").kind, ConsoleCommand::Kind::kReply);
}

TEST(ConsoleTest, UnknownCommandsAndRepliesSayWhatIsAllowed) {
  ConsoleCommand bad = ParseConsoleLine("reply 9");
  EXPECT_EQ(bad.kind, ConsoleCommand::Kind::kInvalid);
  EXPECT_NE(bad.text.find("Need fuel"), std::string::npos);
  bad = ParseConsoleLine("reply please wait");
  EXPECT_EQ(bad.kind, ConsoleCommand::Kind::kInvalid);
  bad = ParseConsoleLine("honk");
  EXPECT_EQ(bad.kind, ConsoleCommand::Kind::kInvalid);
  EXPECT_NE(bad.text.find("honk"), std::string::npos);
  EXPECT_EQ(ParseConsoleLine("   ").kind, ConsoleCommand::Kind::kNone);
}

TEST(CarMessageOutboxTest, PendingMessagesSurviveARestart) {
  TempDir dir;
  {
    auto outbox = CarMessageOutbox::Open(dir.path());
    ASSERT_TRUE(outbox.ok()) << outbox.message();
    EXPECT_EQ(*(*outbox)->Add(v1::CarMessage::SOS, "tab\there\nand \\ newline", 100), 1u);
    EXPECT_EQ(*(*outbox)->Add(v1::CarMessage::CANNED_REPLY, "OK", 200), 2u);
    ASSERT_TRUE((*outbox)->MarkDelivered(2).ok());
  }
  auto outbox = CarMessageOutbox::Open(dir.path());
  ASSERT_TRUE(outbox.ok()) << outbox.message();
  ASSERT_EQ((*outbox)->pending().size(), 1u);
  const v1::CarMessage& m = (*outbox)->pending().front();
  EXPECT_EQ(m.message_id(), 1u);
  EXPECT_EQ(m.kind(), v1::CarMessage::SOS);
  EXPECT_EQ(m.text(), "tab\there\nand \\ newline");
  EXPECT_EQ(m.time_ms(), 100);
  // Ids are never reused, even for a delivered message: the hub dedupes by id.
  EXPECT_EQ(*(*outbox)->Add(v1::CarMessage::CANNED_REPLY, "Need fuel", 300), 3u);
}

TEST(CarMessageOutboxTest, DamagedFileIsAnErrorNamingFileAndLine) {
  TempDir dir;
  std::ofstream(dir / "car_messages") << "next 3\n1\tx\t100\tSOS\n";
  auto outbox = CarMessageOutbox::Open(dir.path());
  ASSERT_FALSE(outbox.ok());
  EXPECT_NE(outbox.message().find("car_messages line 2"), std::string::npos) << outbox.message();
}

// A child process whose stdin is a pipe we write to (the driver at the console).
class ConsoleProcess {
 public:
  ConsoleProcess(const std::vector<std::string>& argv, const std::filesystem::path& log) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(fds[0], 0);
      ::close(fds[1]);
      FILE* out = std::fopen(log.c_str(), "w");
      ::dup2(fileno(out), 1);
      ::dup2(fileno(out), 2);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      ::_exit(127);
    }
    ::close(fds[0]);
    stdin_ = fds[1];
  }
  ~ConsoleProcess() {
    if (stdin_ >= 0) ::close(stdin_);
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  void Type(const std::string& line) {
    const std::string text = line + "\n";
    EXPECT_EQ(::write(stdin_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1;
};

std::vector<v1::JournalAlert> SosAlerts(const std::filesystem::path& data_dir) {
  std::vector<v1::JournalAlert> alerts;
  (void)hub::ReadJournal(
      data_dir, [&](hub::RecordType type, std::string_view payload, const hub::RecordPosition&) {
        v1::JournalAlert record;
        if (type == hub::RecordType::kAlert &&
            record.ParseFromArray(payload.data(), static_cast<int>(payload.size())) &&
            record.kind() == "SOS") {
          alerts.push_back(record);
        }
      });
  return alerts;
}

// `sos` typed at convoy-tracker's console reaches the hub over the wire protocol: the tracker
// learns it was read (the hub acknowledged a fix sent after it), and the hub raises one SOS alert
// for that car, recorded in its journal.
TEST(ConsoleTest, SosTypedAtTheTrackerReachesTheHub) {
  TempDir dir;
  HubHarness hub(dir / "data", testing::TestRosterCsv(3));
  ConsoleProcess tracker(
      {std::string(CONVOY_BIN_DIR) + "/convoy-tracker", "--hub",
       "127.0.0.1:" + std::to_string(hub.port()), "--car", "car2", "--secret", "secret-of-car2",
       "--spool", (dir / "spool").string(), "--gps", "sim:circle"},
      dir / "tracker.log");
  ASSERT_FALSE(testing::WaitForLine(dir / "tracker.log", "", std::chrono::seconds(30)).empty());
  tracker.Type("help");
  tracker.Type("sos flat tyre");
  // The log lines carry a prefix; look for the delivery anywhere in the log.
  bool delivered = false;
  for (int i = 0; i < 300 && !delivered; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::ifstream log(dir / "tracker.log");
    std::string line;
    while (std::getline(log, line))
      delivered |= line.find("SOS 1 reached the hub") != std::string::npos;
  }
  ASSERT_TRUE(delivered) << "the tracker never learnt that the hub has its SOS";
  // The hub raises the alert when it handles the CarMessage (hub/tracker_session.cc).
  std::vector<v1::JournalAlert> alerts;
  for (int i = 0; i < 100 && alerts.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    alerts = SosAlerts(dir / "data");
  }
  ASSERT_EQ(alerts.size(), 1u) << "no SOS alert in the hub's journal";
  ASSERT_EQ(alerts.front().car_ids_size(), 1);
  EXPECT_EQ(alerts.front().car_ids(0), "car2");
}

}  // namespace
}  // namespace convoy
