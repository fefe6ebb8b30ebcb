// The pure parts of the API: routes and roles, static paths, headers, radio bodies, the staff
// loader and the JSON writer.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "hub/http/json_writer.h"
#include "hub/http/router.h"
#include "hub/http/staff.h"
#include "support/temp_dir.h"

namespace convoy::hub::api {
namespace {

TEST(HttpRouterTest, RoutesAndMethods) {
  EXPECT_EQ(MatchRoute("GET", "/api/v1/me").endpoint, Endpoint::kMe);
  EXPECT_FALSE(MatchRoute("POST", "/api/v1/me").method_allowed);
  const RouteMatch ack = MatchRoute("POST", "/api/v1/alerts/42/ack");
  EXPECT_EQ(ack.endpoint, Endpoint::kAck);
  EXPECT_EQ(ack.alert_id, 42u);
  EXPECT_EQ(MatchRoute("POST", "/api/v1/alerts//ack").endpoint, Endpoint::kNotFound);
  EXPECT_EQ(MatchRoute("POST", "/api/v1/alerts/99999999999999999999/ack").endpoint,
            Endpoint::kNotFound);
  const RouteMatch replay = MatchRoute("GET", "/api/v1/replay/at?t=5");
  EXPECT_EQ(replay.endpoint, Endpoint::kReplay);
  EXPECT_EQ(replay.replay_path, "/at");
  EXPECT_EQ(replay.query, "t=5");
  EXPECT_EQ(MatchRoute("GET", "/api/v2/me").endpoint, Endpoint::kNotFound);
  EXPECT_EQ(MatchRoute("GET", "/assets/x.js").endpoint, Endpoint::kStatic);
  EXPECT_TRUE(MatchRoute("GET", "http://h/api").bad_target);
  EXPECT_TRUE(MatchRoute("GET", "/a%zz").bad_target);
  EXPECT_TRUE(MatchRoute("GET", "/a%00b").bad_target);
  EXPECT_TRUE(MatchRoute("GET", "/a%4").bad_target);
  EXPECT_EQ(MatchRoute("GET", "/api%2fv1/me").endpoint, Endpoint::kMe);  // decoded first
}

TEST(HttpRouterTest, RolesPerApiContract) {
  EXPECT_TRUE(Allowed(StaffRole::kMarketing, Endpoint::kReplay));
  EXPECT_FALSE(Allowed(StaffRole::kMarketing, Endpoint::kConvoy));
  EXPECT_FALSE(Allowed(StaffRole::kMarketing, Endpoint::kLive));
  EXPECT_FALSE(Allowed(StaffRole::kSafety, Endpoint::kReplay));
  EXPECT_TRUE(Allowed(StaffRole::kSafety, Endpoint::kRadio));
  EXPECT_TRUE(Allowed(StaffRole::kOrganizer, Endpoint::kReplay));
}

TEST(HttpRouterTest, StaticPathsStayInside) {
  EXPECT_EQ(StaticRelativePath("/"), "index.html");
  EXPECT_EQ(StaticRelativePath("/assets/app.js"), "assets/app.js");
  for (const char* bad : {"/..", "/../x", "/a/../b", "/./a", "//etc/passwd", "/a//b", "/.env",
                          "/a/", "/a\\..\\b", "/c:/x", ""}) {
    EXPECT_FALSE(StaticRelativePath(bad).has_value()) << bad;
  }
  EXPECT_FALSE(StaticRelativePath(std::string("/a\0b", 4)).has_value());
}

TEST(HttpRouterTest, HeadersAndQueries) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer   abc  "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(CookieValue("a=1; convoy_session=xyz; b=2", "convoy_session"), "xyz");
  EXPECT_EQ(CookieValue("convoy_sessionx=1", "convoy_session"), "");
  EXPECT_EQ(QueryParam("a=1&token=x%2By+z", "token"), "x+y z");
  EXPECT_FALSE(QueryParam("token=%zz", "token").has_value());
  EXPECT_FALSE(QueryParam("a=1", "token").has_value());
}

TEST(HttpRouterTest, RadioBodies) {
  auto all = ParseRadioRequest(R"({"to":"all","text":"hi"})");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->to, RadioRequest::To::kAll);
  auto car = ParseRadioRequest(R"({"to":"car","car":"car7","text":"hi"})");
  ASSERT_TRUE(car.ok());
  EXPECT_EQ(car->car, "car7");
  EXPECT_FALSE(ParseRadioRequest(R"({"to":"car","text":"hi"})").ok());
  EXPECT_FALSE(ParseRadioRequest(R"({"to":"all","text":5})").ok());
  EXPECT_FALSE(ParseRadioRequest(R"([1])").ok());
  EXPECT_FALSE(ValidateRadioText("tab\there").ok());
  EXPECT_FALSE(ValidateRadioText("del\x7f").ok());
  EXPECT_TRUE(ValidateRadioText("Ça va? 🚗").ok());
  EXPECT_EQ(ParseClientMessage(R"({"type":"ping"})"), ClientMessage::kPing);
  EXPECT_EQ(ParseClientMessage(R"({"type":"other"})"), ClientMessage::kIgnored);
  EXPECT_EQ(ParseClientMessage("garbage"), ClientMessage::kIgnored);
}

TEST(HttpStaffTest, LoadsAndFindsByToken) {
  auto staff = StaffList::Parse(
      "Name,Role,Token,phone\nAnn,organizer,aaaaaaaaaaaaaaaa1,123\nBo,SAFETY,bbbbbbbbbbbbbbbb2,\n",
      "staff.csv");
  ASSERT_TRUE(staff.ok()) << staff.message();
  ASSERT_EQ(staff->members().size(), 2u);
  EXPECT_EQ(staff->FindByToken("bbbbbbbbbbbbbbbb2")->name, "Bo");
  EXPECT_EQ(staff->FindByToken("bbbbbbbbbbbbbbbb3"), nullptr);
  EXPECT_EQ(staff->FindByToken(""), nullptr);
}

TEST(HttpStaffTest, ErrorsNameFileAndLineButNeverTheToken) {
  auto bad_role = StaffList::Parse("name,role,token\nAnn,boss,aaaaaaaaaaaaaaaa1\n", "staff.csv");
  ASSERT_FALSE(bad_role.ok());
  EXPECT_EQ(bad_role.message(),
            "staff.csv line 2: role 'boss' is not one of organizer, safety, marketing");
  auto short_token = StaffList::Parse("name,role,token\nAnn,safety,short1\n", "s.csv");
  ASSERT_FALSE(short_token.ok());
  EXPECT_NE(short_token.message().find("s.csv line 2"), std::string::npos);
  EXPECT_EQ(short_token.message().find("short1"), std::string::npos);
  auto duplicate = StaffList::Parse(
      "name,role,token\nAnn,safety,aaaaaaaaaaaaaaaa1\nBo,safety,aaaaaaaaaaaaaaaa1\n", "s.csv");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.message().find("line 3"), std::string::npos);
  EXPECT_EQ(duplicate.message().find("aaaaaaaaaaaaaaaa1"), std::string::npos);
  EXPECT_FALSE(StaffList::Parse("name,role\nAnn,safety\n", "s.csv").ok());
  EXPECT_FALSE(StaffList::Parse("name,role,token\n", "s.csv").ok());
  EXPECT_FALSE(StaffList::Parse("name,role,token\nA\x01nn,safety,aaaaaaaaaaaaaaaa1\n", "s").ok());
  EXPECT_FALSE(StaffList::Load("/nonexistent/staff.csv").ok());
}

TEST(HttpStaffTest, SessionsNameTheirMemberAndEndWithTheKeyOrTheToken) {
  auto staff = StaffList::Parse(
      "name,role,token\nAnn,safety,aaaaaaaaaaaaaaaa1\nBo,organizer,bbbbbbbbbbbbbbbb2\n", "s.csv");
  ASSERT_TRUE(staff.ok()) << staff.message();
  const SessionKey key = RandomSessionKey();
  const SessionStore sessions(*staff, key);
  const std::string a = sessions.Create(0), b = sessions.Create(1);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find("aaaaaaaaaaaaaaaa1"), std::string::npos);  // the token is not in the cookie
  EXPECT_EQ(sessions.Find(a), 0u);
  EXPECT_EQ(sessions.Find(b), 1u);
  EXPECT_FALSE(sessions.Find("nope").has_value());
  std::string near_miss = b;
  near_miss.back() = near_miss.back() == '0' ? '1' : '0';
  EXPECT_FALSE(sessions.Find(near_miss).has_value());
  // The same key after a restart knows the session; another key does not.
  EXPECT_EQ(SessionStore(*staff, key).Find(b), 1u);
  EXPECT_FALSE(SessionStore(*staff, RandomSessionKey()).Find(b).has_value());
  // A new token for Bo in staff.csv ends Bo's sessions, not Ann's.
  auto changed = StaffList::Parse(
      "name,role,token\nAnn,safety,aaaaaaaaaaaaaaaa1\nBo,organizer,cccccccccccccccc3\n", "s.csv");
  ASSERT_TRUE(changed.ok());
  EXPECT_FALSE(SessionStore(*changed, key).Find(b).has_value());
  EXPECT_EQ(SessionStore(*changed, key).Find(a), 0u);
}

TEST(HttpStaffTest, LoginKeyIsKeptInItsFileAndABadFileIsRefused) {
  convoy::testing::TempDir dir;
  const auto path = dir / "login.key";
  auto made = LoadOrCreateSessionKey(path);
  ASSERT_TRUE(made.ok()) << made.message();
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto again = LoadOrCreateSessionKey(path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *made);
  std::ofstream(path, std::ios::trunc) << "short";
  auto bad = LoadOrCreateSessionKey(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("login.key"), std::string::npos) << bad.message();
  EXPECT_FALSE(LoadOrCreateSessionKey(dir / "no" / "such" / "dir" / "login.key").ok());
}

TEST(HttpJsonWriterTest, EscapesAndWritesNullForUnknownFigures) {
  JsonWriter json;
  json.BeginObject().Field("a", "q\"b\\\n\x01").Field("nan", std::nan(""));
  json.Field("i", int64_t{-3}).Field("d", 1.5).Field("lat", 41.9028123);
  json.Key("list").BeginArray().Int(1).Null().Bool(true).EndArray();
  json.Field("bad", std::string("\xC3\x28")).EndObject();
  EXPECT_EQ(json.text(), R"({"a":"q\"b\\\n\u0001","nan":null,"i":-3,"d":1.5,"lat":41.9028123,)"
                         R"("list":[1,null,true],"bad":")"
                         "\xEF\xBF\xBD(\"}");
}

}  // namespace
}  // namespace convoy::hub::api
