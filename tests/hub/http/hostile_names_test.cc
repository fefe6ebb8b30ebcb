// Names from the organizer's files (cars.csv, staff.csv) on their way to the page (issue 8):
// invalid UTF-8 and control characters are refused at load with the file and line; names in any
// script reach the API as valid JSON, unchanged; and the JSON writer never emits invalid UTF-8
// whatever it is given.
#include <gtest/gtest.h>

#include <fstream>

#include "hub/http/api_fixture.h"
#include "hub/http/json_writer.h"
#include "hub/http/staff.h"
#include "proto/json.h"
#include "support/hub_harness.h"

namespace convoy::testing {
namespace {

using hub::api::StaffList;
using proto::IsValidUtf8;
using proto::ParseJson;

constexpr const char* kReplacement = "\xEF\xBF\xBD";

TEST(HostileNamesTest, StaffNamesThatAreNotUtf8TextAreRefusedWithTheLine) {
  const std::string bad_names[] = {
      "Zo\xEB",        // Latin-1
      "Ann \xC3\x28",  // a broken sequence
      "\xED\xA0\x80",  // a surrogate
      "Ann\x1B[2J",    // a terminal escape
      "Ann\tB",        // a tab
      "Ann \xC2\x85",  // C1 next line
      "Ann\x7F",       // DEL
  };
  for (const std::string& name : bad_names) {
    const std::string csv = "name,role,token\nOlga,organizer,organizer-token-0001\n\"" + name +
                            "\",safety,safety-token-0000001\n";
    auto staff = StaffList::Parse(csv, "staff.csv");
    ASSERT_FALSE(staff.ok()) << ::testing::PrintToString(name);
    EXPECT_EQ(staff.message().rfind("staff.csv line 3: the name is refused: byte ", 0), 0u)
        << staff.message();
    EXPECT_EQ(proto::DisplayTextProblem(staff.message()), "") << staff.message();
    EXPECT_EQ(staff.message().find("safety-token"), std::string::npos) << "never the token";
  }
  auto bad_role =
      StaffList::Parse("name,role,token\nAnn,\"boss\x1B[0m\",safety-token-0000001\n", "staff.csv");
  ASSERT_FALSE(bad_role.ok());
  EXPECT_EQ(bad_role.message(),
            "staff.csv line 2: role 'boss\\x1B[0m' is not one of organizer, safety, marketing");

  auto good = StaffList::Parse(
      "name,role,token\n\"Zo\xC3\xAB \xC5\x81ukasz\",safety,safety-token-0000001\n", "staff.csv");
  ASSERT_TRUE(good.ok()) << good.message();
  EXPECT_EQ(good->members()[0].name, "Zo\xC3\xAB \xC5\x81ukasz");
}

TEST(HostileNamesTest, JsonWriterReplacesInvalidUtf8AndEscapesControlCharacters) {
  struct Case {
    std::string in;
    std::string decoded;  // what a JSON reader gets back
  } cases[] = {
      {"Zo\xEB", std::string("Zo") + kReplacement},
      {"\xC3\x28", std::string(kReplacement) + "("},
      {"\xC0\xAF", std::string(kReplacement) + kReplacement},  // overlong '/'
      {"\xED\xA0\x80", std::string(kReplacement) + kReplacement + kReplacement},
      {"\xF4\x90\x80\x80", std::string(kReplacement) + kReplacement + kReplacement + kReplacement},
      {"cut \xE2\x82", std::string("cut ") + kReplacement + kReplacement},
      {std::string("nul\0end", 7), std::string("nul\0end", 7)},
      {"\x1B[2J\x7F\"\\\n", "\x1B[2J\x7F\"\\\n"},
      {"\xE2\x80\xA8 \xF0\x9F\x9A\x97", "\xE2\x80\xA8 \xF0\x9F\x9A\x97"},  // kept as they are
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.in));
    hub::api::JsonWriter json;
    json.BeginObject().Field(c.in, c.in).EndObject();
    const std::string& text = json.text();
    EXPECT_TRUE(IsValidUtf8(text)) << text;
    for (unsigned char byte : text) EXPECT_GE(byte, 0x20) << "a raw control byte in " << text;
    auto parsed = ParseJson(text);
    ASSERT_TRUE(parsed.ok()) << parsed.message() << ": " << text;
    ASSERT_EQ(parsed->keys.size(), 1u);
    EXPECT_EQ(parsed->keys[0], c.decoded);
    EXPECT_EQ(parsed->items[0].text, c.decoded);
  }
}

// Names with everything a JSON writer can get wrong, all of them valid.
const std::string kNames[] = {
    "Niccol\xC3\xB2 \"the fast\" Rossi",
    "back\\slash / \xE2\x80\xA8 separator",
    "\xE5\xB1\xB1\xE7\x94\xB0 \xF0\x9F\x9A\x97",
};

TEST(HostileNamesTest, RosterNamesReachTheApiAsValidJsonUnchanged) {
  std::string cars = "id,name,role,secret\n";
  for (size_t i = 0; i < std::size(kNames); ++i) {
    std::string quoted;
    for (char c : kNames[i]) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    cars += "car" + std::to_string(i + 1) + ",\"" + quoted + "\",car,secret-of-car" +
            std::to_string(i + 1) + "\n";
  }
  TempDir files;
  std::ofstream(files / "cars.csv") << cars;
  ApiHub server(
      3, [&](hub::HubOptions& options) { options.roster_path = (files / "cars.csv").string(); });
  for (const char* target : {"/api/v1/roster", "/api/v1/convoy"}) {
    SCOPED_TRACE(target);
    const HttpReply reply = CallAs(server.http_port(), kSafetyToken, "GET", target);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_TRUE(IsValidUtf8(reply.body));
    auto json = ParseJson(reply.body);
    ASSERT_TRUE(json.ok()) << json.message();
    const auto* list = json->Find("cars");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->items.size(), std::size(kNames));
    for (size_t i = 0; i < std::size(kNames); ++i) {
      ASSERT_TRUE(list->items[i].Find("name"));
      EXPECT_EQ(list->items[i].Find("name")->text, kNames[i]);
    }
  }
  LiveClient live(server.http_port(), kOrganizerToken);
  ASSERT_TRUE(live.ok());
  const std::string hello = live.ReadUntil("hello");
  EXPECT_TRUE(IsValidUtf8(hello));
  EXPECT_TRUE(ParseJson(hello).ok());
}

TEST(HostileNamesTest, AHubWithABrokenRosterNameDoesNotStartAndSaysWhere) {
  TempDir files;
  std::ofstream(files / "cars.csv")
      << "id,name,role,secret\ncar1,Anna,lead,secret-of-car1\ncar2,Zo\xEB,car,secret-of-car2\n";
  std::ofstream(files / "staff.csv") << TestStaffCsv();
  hub::HubOptions options;
  options.data_dir = files / "data";
  options.roster_path = (files / "cars.csv").string();
  options.trackers = {"127.0.0.1", 0};
  options.http = proto::HostPort{"127.0.0.1", 0};
  options.staff_path = (files / "staff.csv").string();
  auto hub = hub::Hub::Create(options, [](std::string_view) {});
  ASSERT_FALSE(hub.ok());
  EXPECT_EQ(hub.message().rfind(options.roster_path +
                                    " line 3: the name of car car2 is refused: byte 3 (0xEB) "
                                    "is not UTF-8",
                                0),
            0u)
      << hub.message();
}

TEST(HostileNamesTest, AUtf8StaffNameIsShownAndSignsRadioMessages) {
  TempDir files;
  const std::string name = "Zo\xC3\xAB \xC5\x81ukasz";
  std::ofstream(files / "staff.csv")
      << "name,role,token\n\"" << name << "\",safety,utf8-staff-token-0001\n";
  ApiHub server(
      2, [&](hub::HubOptions& options) { options.staff_path = (files / "staff.csv").string(); });
  const HttpReply me = CallAs(server.http_port(), "utf8-staff-token-0001", "GET", "/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  auto me_json = ParseJson(me.body);
  ASSERT_TRUE(me_json.ok() && me_json->Find("name"));
  EXPECT_EQ(me_json->Find("name")->text, name);
  const HttpReply sent = CallAs(server.http_port(), "utf8-staff-token-0001", "POST",
                                "/api/v1/radio", R"({"to":"all","text":"Regroup"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  auto sent_json = ParseJson(sent.body);
  ASSERT_TRUE(sent_json.ok() && sent_json->Find("from"));
  EXPECT_EQ(sent_json->Find("from")->text, name);
}

}  // namespace
}  // namespace convoy::testing
