// The operator alert of the disk-full drill (issue 8), as the staff see it: while the journal's
// disk is full, GET /api/v1/convoy and the live feed's snapshots say journal_ok=false with the
// error; when space returns they say true again, and the car's fixes are all recorded. A real
// hub (Hub::Create) with --http; only the journal's disk is fake (support/fault_fs.h).
#include <gtest/gtest.h>

#include "hub/http/api_fixture.h"
#include "proto/json.h"
#include "support/fault_fs.h"
#include "support/hub_harness.h"
#include "support/tracker_harness.h"

namespace convoy::testing {
namespace {

using proto::JsonValue;
using proto::ParseJson;

// The "hub" member of a snapshot; fails the test when it is missing or malformed.
struct HubMember {
  bool present = false;
  bool journal_ok = false;
  std::string journal_error;
};

HubMember ReadHub(const JsonValue& snapshot) {
  HubMember out;
  const JsonValue* hub = snapshot.Find("hub");
  if (!hub || !hub->is_object()) return out;
  const JsonValue* ok = hub->Find("journal_ok");
  const JsonValue* error = hub->Find("journal_error");
  if (!ok || ok->kind != JsonValue::Kind::kBool || !error ||
      error->kind != JsonValue::Kind::kString) {
    return out;
  }
  out.present = true;
  out.journal_ok = ok->boolean;
  out.journal_error = error->text;
  return out;
}

HubMember ApiHealth(uint16_t port) {
  const HttpReply reply = CallAs(port, kSafetyToken, "GET", "/api/v1/convoy");
  EXPECT_EQ(reply.status, 200) << reply.body;
  auto json = ParseJson(reply.body);
  EXPECT_TRUE(json.ok()) << reply.body;
  return json.ok() ? ReadHub(*json) : HubMember{};
}

// The next live "convoy" message's hub member (the feed sends one every model tick).
HubMember LiveHealth(LiveClient& live) {
  const std::string message = live.ReadUntil("convoy");
  auto json = ParseJson(message);
  if (!json.ok() || !json->Find("snapshot")) return {};
  return ReadHub(*json->Find("snapshot"));
}

TEST(JournalDiskFullApiTest, StaffSeeTheJournalFailingWhileTheDiskIsFullAndRecoveringAfter) {
  test::FaultInjectingFileSystem faults;
  ApiHub server(2, [&](hub::HubOptions& options) { options.journal_fs = &faults; });
  TempDir spool;
  TrackerHarness car(server.trackers_port(), "car1", "secret-of-car1", spool / "spool");
  car.MakeFixes(20);
  car.Connect();
  ASSERT_TRUE(car.WaitAllAcked());

  HubMember before = ApiHealth(server.http_port());
  ASSERT_TRUE(before.present);
  EXPECT_TRUE(before.journal_ok);
  EXPECT_EQ(before.journal_error, "");
  LiveClient live(server.http_port(), kSafetyToken);
  ASSERT_TRUE(live.ok());
  {
    auto hello = ParseJson(live.ReadUntil("hello"));
    ASSERT_TRUE(hello.ok());
    ASSERT_TRUE(hello->Find("snapshot"));
    const HubMember in_hello = ReadHub(*hello->Find("snapshot"));
    EXPECT_TRUE(in_hello.present && in_hello.journal_ok);
  }

  faults.FailWritesNow();  // the journal's disk is full
  car.MakeFixes(20);
  HubMember during;
  ASSERT_TRUE(WaitFor([&] {
    during = ApiHealth(server.http_port());
    return during.present && !during.journal_ok;
  })) << "the API never showed the failing journal";
  EXPECT_NE(during.journal_error, "");
  EXPECT_NE(during.journal_error.find("No space"), std::string::npos) << during.journal_error;
  HubMember live_during;
  for (int i = 0; i < 60 && (!live_during.present || live_during.journal_ok); ++i) {
    live_during = LiveHealth(live);
  }
  ASSERT_TRUE(live_during.present);
  EXPECT_FALSE(live_during.journal_ok);
  // The error names the segment it failed on, which changes as the journal retries.
  EXPECT_NE(live_during.journal_error.find("No space"), std::string::npos)
      << live_during.journal_error;
  EXPECT_EQ(car.acked(), 20u) << "nothing is acknowledged while the disk is full";
  // A page that connects now learns it from the hello alone.
  {
    LiveClient late(server.http_port(), kOrganizerToken);
    ASSERT_TRUE(late.ok());
    auto hello = ParseJson(late.ReadUntil("hello"));
    ASSERT_TRUE(hello.ok() && hello->Find("snapshot"));
    const HubMember in_hello = ReadHub(*hello->Find("snapshot"));
    EXPECT_TRUE(in_hello.present);
    // The journal may have just retried and failed again: the error is shown either way.
    if (!in_hello.journal_ok) {
      EXPECT_NE(in_hello.journal_error, "");
    }
  }

  faults.AllowWrites();  // space returns; nobody restarts anything
  ASSERT_TRUE(car.WaitAllAcked()) << "acked " << car.acked() << " of " << car.made();
  HubMember after;
  ASSERT_TRUE(WaitFor([&] {
    after = ApiHealth(server.http_port());
    return after.present && after.journal_ok;
  })) << "the API kept showing the journal as failing";
  EXPECT_EQ(after.journal_error, "");
  HubMember live_after;
  for (int i = 0; i < 60 && (!live_after.present || !live_after.journal_ok); ++i) {
    live_after = LiveHealth(live);
  }
  EXPECT_TRUE(live_after.present && live_after.journal_ok);
}

}  // namespace
}  // namespace convoy::testing
