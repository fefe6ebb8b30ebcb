// The HTTP API over loopback against a real hub: every endpoint for every role (and without a
// token, and with a wrong one), the login link, errors, path tricks, request limits.
#include <gtest/gtest.h>

#include <fstream>

#include "hub/http/api_fixture.h"
#include "hub/http/server.h"
#include "proto/asio.h"
#include "proto/json.h"

namespace convoy::testing {
namespace {

using HubOptions = hub::HubOptions;

struct EndpointCase {
  const char* method;
  const char* target;
  const char* body;
  // Expected status for organizer, safety, marketing.
  int organizer, safety, marketing;
};

// 404 where the call is allowed but names nothing (an unknown alert, replay not mounted yet).
const EndpointCase kEndpoints[] = {
    {"GET", "/api/v1/me", "", 200, 200, 200},
    {"GET", "/api/v1/convoy", "", 200, 200, 403},
    {"GET", "/api/v1/route", "", 200, 200, 200},
    {"GET", "/api/v1/alerts", "", 200, 200, 403},
    {"POST", "/api/v1/alerts/999/ack", "", 404, 404, 403},
    {"GET", "/api/v1/roster", "", 200, 200, 403},
    {"GET", "/api/v1/radio", "", 200, 200, 403},
    {"POST", "/api/v1/radio", R"({"to":"all","text":"Regroup at the next service area"})", 200, 200,
     403},
    {"GET", "/api/v1/live", "", 400, 400, 403},  // a plain GET, not an upgrade
};

bool IsJson(const std::string& body) { return proto::ParseJson(body).ok(); }

TEST(HttpApiTest, EveryRoleGetsExactlyItsCallsAndNobodyGetsInWithoutAToken) {
  ApiHub server;
  for (const EndpointCase& c : kEndpoints) {
    SCOPED_TRACE(std::string(c.method) + " " + c.target);
    const std::pair<const char*, int> roles[] = {
        {kOrganizerToken, c.organizer}, {kSafetyToken, c.safety}, {kMarketingToken, c.marketing}};
    for (const auto& [token, expected] : roles) {
      const HttpReply reply = CallAs(server.http_port(), token, c.method, c.target, c.body);
      EXPECT_EQ(reply.status, expected) << token << ": " << reply.body;
      EXPECT_TRUE(IsJson(reply.body)) << reply.body;
    }
    EXPECT_EQ(CallAs(server.http_port(), "", c.method, c.target, c.body).status, 401);
    EXPECT_EQ(
        CallAs(server.http_port(), "not-a-token-of-anyone", c.method, c.target, c.body).status,
        401);
    // A token that is one character off a real one.
    std::string near(kOrganizerToken);
    near.back() = '2';
    EXPECT_EQ(CallAs(server.http_port(), near, c.method, c.target, c.body).status, 401);
    const HttpReply cookie_only = Call(server.http_port(), c.method, c.target,
                                       {{"Cookie", "convoy_session=" + near}}, c.body);
    EXPECT_EQ(cookie_only.status, 401);
  }
  // The replay belongs to organizer and marketing; safety may not.
  EXPECT_EQ(CallAs(server.http_port(), kSafetyToken, "GET", "/api/v1/replay/range").status, 403);
  EXPECT_NE(CallAs(server.http_port(), kMarketingToken, "GET", "/api/v1/replay/range").status, 403);
  EXPECT_NE(CallAs(server.http_port(), kOrganizerToken, "GET", "/api/v1/replay/range").status, 403);
  EXPECT_EQ(CallAs(server.http_port(), "", "GET", "/api/v1/replay/range").status, 401);
}

TEST(HttpApiTest, MeNamesTheCallerAndSnapshotListsEveryCar) {
  ApiHub server(4);
  const HttpReply me = CallAs(server.http_port(), kSafetyToken, "GET", "/api/v1/me");
  EXPECT_EQ(me.body, R"({"name":"Sam Safety","role":"safety"})");
  const HttpReply convoy = CallAs(server.http_port(), kOrganizerToken, "GET", "/api/v1/convoy");
  ASSERT_EQ(convoy.status, 200);
  auto json = proto::ParseJson(convoy.body);
  ASSERT_TRUE(json.ok()) << json.message();
  ASSERT_NE(json->Find("cars"), nullptr);
  EXPECT_EQ(json->Find("cars")->items.size(), 4u);
  EXPECT_EQ(convoy.body.find("NaN"), std::string::npos);
  const HttpReply roster = CallAs(server.http_port(), kOrganizerToken, "GET", "/api/v1/roster");
  EXPECT_NE(roster.body.find(R"("id":"car4","name":"Car 4","role":"sweep")"), std::string::npos)
      << roster.body;
  const HttpReply route = CallAs(server.http_port(), kMarketingToken, "GET", "/api/v1/route");
  EXPECT_EQ(route.body, R"({"current_leg":0,"legs":[]})");  // follow the lead
}

TEST(HttpApiTest, LoginLinkSetsASessionCookieAndTheTokenStaysOutOfTheLog) {
  ApiHub server;
  const HttpReply login =
      Call(server.http_port(), "GET", std::string("/login?token=") + kSafetyToken);
  ASSERT_EQ(login.status, 303);
  EXPECT_EQ(login.headers.at("location"), "/");
  const std::string cookie = login.headers.at("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_EQ(cookie.find(kSafetyToken), std::string::npos);
  const std::string session = cookie.substr(0, cookie.find(';'));  // convoy_session=ID
  const HttpReply me = Call(server.http_port(), "GET", "/api/v1/me", {{"Cookie", session}});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body, R"({"name":"Sam Safety","role":"safety"})");
  EXPECT_EQ(Call(server.http_port(), "GET", "/api/v1/replay/range", {{"Cookie", session}}).status,
            403);
  EXPECT_EQ(Call(server.http_port(), "GET", "/login?token=wrong-token-000000000").status, 401);
  EXPECT_EQ(Call(server.http_port(), "POST", "/login?token=x").status, 405);

  const std::string log = server.log();
  EXPECT_NE(log.find("Sam Safety"), std::string::npos) << log;
  for (const char* token : {kOrganizerToken, kSafetyToken, kMarketingToken}) {
    EXPECT_EQ(log.find(token), std::string::npos) << log;
  }
  EXPECT_EQ(log.find(session.substr(session.find('=') + 1)), std::string::npos);

  // The page stays logged in across a hub restart (the key is in the data folder).
  server.Restart();
  EXPECT_EQ(Call(server.http_port(), "GET", "/api/v1/me", {{"Cookie", session}}).status, 200);
  EXPECT_EQ(Call(server.http_port(), "GET", "/api/v1/me",
                 {{"Cookie", "convoy_session=" + std::string(64, 'a')}})
                .status,
            401);
}

TEST(HttpApiTest, RadioTextThatIsNotOneLineOfValidUtf8IsRefused) {
  ApiHub server;
  auto send = [&](const std::string& body) {
    return CallAs(server.http_port(), kSafetyToken, "POST", "/api/v1/radio", body).status;
  };
  EXPECT_EQ(send(R"({"to":"all","text":"Slow down, the convoy has split"})"), 200);
  EXPECT_EQ(send(R"({"to":"all","text":"Caffè? ☕ at the next stop"})"), 200);
  EXPECT_EQ(send("{\"to\":\"all\",\"text\":\"bad \xC3\x28 utf8\"}"), 400);
  EXPECT_EQ(send(R"({"to":"all","text":"two\nlines"})"), 400);
  EXPECT_EQ(send(R"({"to":"all","text":"bell\u0007"})"), 400);
  EXPECT_EQ(send(R"({"to":"all","text":"c1\u0085control"})"), 400);
  EXPECT_EQ(send(R"({"to":"all","text":""})"), 400);
  EXPECT_EQ(send(R"({"to":"all","text":")" + std::string(281, 'x') + "\"}"), 400);
  EXPECT_EQ(send(R"({"to":"all","text":")" + std::string(280, 'x') + "\"}"), 200);
  // 280 characters of two bytes each are fine: characters are counted, not bytes.
  std::string accents;
  for (int i = 0; i < 280; ++i) accents += "é";
  EXPECT_EQ(send(R"({"to":"all","text":")" + accents + "\"}"), 200);
  EXPECT_EQ(send(R"({"to":"everyone","text":"hi"})"), 400);
  EXPECT_EQ(send(R"({"to":"car","car":"car99","text":"hi"})"), 404);
  EXPECT_EQ(send(R"({"to":"split","text":"hi"})"), 409);  // no open SPLIT
  EXPECT_EQ(send("not json"), 400);
  EXPECT_EQ(send(R"({"to":"all","text":"x",})"), 400);
}

TEST(HttpApiTest, PathTricksNeverLeaveTheWebDir) {
  ApiHub server;
  // The web dir of the fixture holds a page; a secret sits beside it.
  const auto web = server.data_dir().parent_path() / "web";
  std::filesystem::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<html>page</html>";
  std::ofstream(web / "assets" / "app.js") << "console.log(1)";
  std::ofstream(server.data_dir().parent_path() / "secret.txt") << "SECRET";
  std::ofstream(web / ".env") << "SECRET";
  std::filesystem::create_symlink(server.data_dir().parent_path() / "secret.txt", web / "link.txt");
  server.Restart();  // the web dir is resolved when the hub starts

  EXPECT_EQ(Call(server.http_port(), "GET", "/").body, "<html>page</html>");
  const HttpReply js = Call(server.http_port(), "GET", "/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.headers.at("content-type"), "text/javascript; charset=utf-8");
  for (const char* target :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "//etc/passwd", "/.env", "/link.txt",
        "/assets/app.js%00.html", "/..%2fsecret.txt", "/assets\\..\\..\\secret.txt",
        "/%252e%252e/secret.txt", "/assets/", "/nothing-here.html"}) {
    const HttpReply reply = Call(server.http_port(), "GET", target);
    EXPECT_TRUE(reply.status == 400 || reply.status == 404) << target << " " << reply.status;
    EXPECT_EQ(reply.body.find("SECRET"), std::string::npos) << target;
  }
  // Absolute-form and asterisk targets are not for this server.
  EXPECT_EQ(Call(server.http_port(), "GET", "http://127.0.0.1/../secret.txt").status, 400);
  EXPECT_EQ(Call(server.http_port(), "DELETE", "/").status, 405);
}

TEST(HttpApiTest, PageNotBuiltAnswersAPlainNote) {
  ApiHub server;  // the fixture's web dir does not exist
  const HttpReply reply = Call(server.http_port(), "GET", "/");
  EXPECT_EQ(reply.status, 200);
  EXPECT_NE(reply.body.find("not built"), std::string::npos);
  EXPECT_EQ(Call(server.http_port(), "GET", "/assets/app.js").status, 404);
}

// Raw socket helpers for limits.
asio::ip::tcp::socket Connect(asio::io_context& io, uint16_t port) {
  asio::ip::tcp::socket socket(io);
  socket.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  return socket;
}

std::string ReadAll(asio::ip::tcp::socket& socket) {
  std::string out;
  char chunk[4096];
  boost::system::error_code ec;
  while (true) {
    const size_t n = socket.read_some(asio::buffer(chunk), ec);
    if (ec) break;
    out.append(chunk, n);
  }
  return out;
}

TEST(HttpApiTest, SlowHeaderAByteAtATimeIsCut) {
  ApiHub server(3, [](HubOptions& options) {
    options.http_options.request_timeout = std::chrono::milliseconds(500);
  });
  asio::io_context io;
  auto socket = Connect(io, server.http_port());
  const std::string request =
      "GET /api/v1/me HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(200, 'a') + "\r\n\r\n";
  boost::system::error_code ec;
  size_t sent = 0;
  // A byte every 20 ms: the whole request would take 5 s, ten times the limit.
  for (; sent < request.size() && !ec; ++sent) {
    asio::write(socket, asio::buffer(&request[sent], 1), ec);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_LT(sent, request.size()) << "the hub kept listening to the trickle";
  EXPECT_EQ(ReadAll(socket).find("200 OK"), std::string::npos);
  EXPECT_GE(server.hub().http()->stats().timeouts.load(), 1u);
}

TEST(HttpApiTest, OversizedHeaderAndBodyAreRefused) {
  ApiHub server;
  const HttpReply big_header =
      Call(server.http_port(), "GET", "/api/v1/me", {{"X-Big", std::string(9000, 'a')}});
  EXPECT_EQ(big_header.status, 431);
  const HttpReply big_body = CallAs(server.http_port(), kSafetyToken, "POST", "/api/v1/radio",
                                    std::string(17 * 1024, ' '));
  EXPECT_EQ(big_body.status, 413);
  // Garbage is answered 400, not a crash.
  asio::io_context io;
  auto socket = Connect(io, server.http_port());
  asio::write(socket, asio::buffer(std::string("\x01\x02 NOT HTTP\r\n\r\n")));
  EXPECT_NE(ReadAll(socket).find("400"), std::string::npos);
  EXPECT_EQ(CallAs(server.http_port(), kSafetyToken, "GET", "/api/v1/me").status, 200);
}

TEST(HttpApiTest, ConnectionsBeyondTheLimitAreClosedAndTheOthersStillServed) {
  ApiHub server(3, [](HubOptions& options) { options.http_options.max_connections = 4; });
  asio::io_context io;
  std::vector<asio::ip::tcp::socket> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(Connect(io, server.http_port()));
  ASSERT_TRUE(WaitFor([&] { return server.hub().http()->connections() == 4; }));
  EXPECT_EQ(CallAs(server.http_port(), kSafetyToken, "GET", "/api/v1/me").status, 0);
  idle.clear();
  EXPECT_TRUE(WaitFor(
      [&] { return CallAs(server.http_port(), kSafetyToken, "GET", "/api/v1/me").status == 200; }));
}

}  // namespace
}  // namespace convoy::testing
