// The live WebSocket against a real hub with real trackers: the hello, positions as fixes
// arrive, ping, access, and a frozen viewer whose backlog stays bounded.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "hub/http/api_fixture.h"
#include "hub/http/live.h"
#include "proto/json.h"
#include "support/tracker_harness.h"

namespace convoy::testing {
namespace {

using HubOptions = hub::HubOptions;

TEST(HttpLiveTest, HelloCarriesEverythingAndPositionsFollowFixes) {
  ApiHub server(3);
  LiveClient live(server.http_port(), kSafetyToken);
  ASSERT_TRUE(live.ok());
  const std::string hello = live.ReadUntil("hello");
  ASSERT_FALSE(hello.empty());
  auto json = proto::ParseJson(hello);
  ASSERT_TRUE(json.ok()) << json.message();
  EXPECT_EQ(json->Find("me")->Find("name")->text, "Sam Safety");
  ASSERT_NE(json->Find("snapshot"), nullptr);
  EXPECT_EQ(json->Find("snapshot")->Find("cars")->items.size(), 3u);
  ASSERT_NE(json->Find("alerts"), nullptr);
  ASSERT_NE(json->Find("radio"), nullptr);

  TrackerHarness car(server.trackers_port(), "car2", "secret-of-car2");
  car.MakeFixes(5);
  car.Connect();
  // Positions come as fixes become durable; the newest of the five arrives last (batches are
  // coalesced, so it may come with the others or after them).
  bool newest_seen = false;
  for (int i = 0; i < 20 && !newest_seen; ++i) {
    const std::string positions = live.ReadUntil("positions");
    ASSERT_FALSE(positions.empty());
    auto parsed = proto::ParseJson(positions);
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    for (const auto& car_json : parsed->Find("cars")->items) {
      EXPECT_EQ(car_json.Find("id")->text, "car2");
      newest_seen |=
          static_cast<int64_t>(car_json.Find("fix_ms")->number) == car.fixes().back().time_ms;
    }
  }
  EXPECT_TRUE(newest_seen);

  live.Send(R"({"type":"ping"})");
  EXPECT_FALSE(live.ReadUntil("pong").empty());
  // Alerts reach the viewer as they happen.
  server.hub().convoy().RaiseSos(0, "flat tyre");
  const std::string alert = live.ReadUntil("alert");
  EXPECT_NE(alert.find(R"("event":"raised")"), std::string::npos) << alert;
  EXPECT_NE(alert.find("flat tyre"), std::string::npos);
  EXPECT_FALSE(live.ReadUntil("convoy").empty());  // the snapshot every tick
}

TEST(HttpLiveTest, OnlyOrganizerAndSafetyMayWatch) {
  ApiHub server;
  EXPECT_TRUE(LiveClient(server.http_port(), kOrganizerToken).ok());
  EXPECT_FALSE(LiveClient(server.http_port(), kMarketingToken).ok());
  EXPECT_FALSE(LiveClient(server.http_port(), "").ok());
  EXPECT_FALSE(LiveClient(server.http_port(), "wrong-token-0000000000").ok());
  // The refusals are 403 and 401 (the upgrade request answered as a plain request).
  const std::vector<std::pair<std::string, std::string>> upgrade = {
      {"Connection", "Upgrade"},
      {"Upgrade", "websocket"},
      {"Sec-WebSocket-Version", "13"},
      {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}};
  auto as = [&](const std::string& token) {
    auto headers = upgrade;
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    return Call(server.http_port(), "GET", "/api/v1/live", headers).status;
  };
  EXPECT_EQ(as(kMarketingToken), 403);
  EXPECT_EQ(as(""), 401);
}

TEST(HttpLiveTest, OversizedClientFrameClosesTheViewer) {
  ApiHub server;
  LiveClient live(server.http_port(), kSafetyToken);
  ASSERT_TRUE(live.ok());
  ASSERT_FALSE(live.ReadUntil("hello").empty());
  live.Send(std::string(5000, 'x'));
  // The hub answers with a close frame (1009, too big); reading it completes the closing.
  EXPECT_TRUE(live.ReadUntil("never-sent").empty());
  EXPECT_TRUE(WaitFor([&] { return server.hub().live()->viewers() == 0; }));
}

TEST(HttpLiveTest, LargeBatchesStretchThePositionsIntervalToTheByteBudget) {
  // One car's position is over 100 bytes, so at 400 bytes/s every batch waits at least 250 ms
  // before the next (instead of 100 ms), however fast the fixes come.
  ApiHub server(3,
                [](HubOptions& options) { options.http_options.live.positions_bytes_per_s = 400; });
  LiveClient live(server.http_port(), kSafetyToken);
  ASSERT_TRUE(live.ok());
  ASSERT_FALSE(live.ReadUntil("hello").empty());
  std::vector<std::unique_ptr<TrackerHarness>> cars;
  for (int i = 1; i <= 3; ++i) {
    cars.push_back(std::make_unique<TrackerHarness>(
        server.trackers_port(), "car" + std::to_string(i), "secret-of-car" + std::to_string(i)));
    cars.back()->Connect();
  }
  const auto start = std::chrono::steady_clock::now();
  for (int round = 0; round < 30; ++round) {
    for (auto& car : cars) car->MakeFixes(1);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  const api::LiveStats stats = server.hub().live()->stats();
  EXPECT_GE(stats.positions_interval, std::chrono::milliseconds(250));
  EXPECT_GE(stats.position_batches, 2u);
  EXPECT_LE(stats.position_batches,
            static_cast<uint64_t>(elapsed / std::chrono::milliseconds(250)) + 2)
      << "over " << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms";
  // Fewer messages, nothing missing: every car's newest position reaches the viewer.
  std::set<std::string> newest_seen;
  for (int i = 0; i < 40 && newest_seen.size() < cars.size(); ++i) {
    const std::string positions = live.ReadUntil("positions", std::chrono::seconds(5));
    if (positions.empty()) break;
    auto parsed = proto::ParseJson(positions);
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    for (const auto& car_json : parsed->Find("cars")->items) {
      const std::string id = car_json.Find("id")->text;
      const int index = std::stoi(id.substr(3)) - 1;
      if (static_cast<int64_t>(car_json.Find("fix_ms")->number) ==
          cars[index]->fixes().back().time_ms) {
        newest_seen.insert(id);
      }
    }
  }
  EXPECT_EQ(newest_seen.size(), cars.size());
}

TEST(HttpLiveTest, FrozenViewerKeepsOnlyTheNewestPositionPerCarAndIsDroppedWhenFarBehind) {
  ApiHub server(3, [](HubOptions& options) {
    options.http_options.live.send_buffer_bytes = 4096;
    options.http_options.live.max_queued_messages = 64;
  });
  // A viewer that upgrades and then never reads, with a tiny receive window.
  asio::io_context io;
  api::websocket::stream<asio::ip::tcp::socket> frozen(io);
  frozen.next_layer().open(asio::ip::tcp::v4());
  frozen.next_layer().set_option(asio::socket_base::receive_buffer_size(4096));
  frozen.next_layer().connect(
      asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), server.http_port()));
  frozen.set_option(api::websocket::stream_base::decorator([](api::websocket::request_type& r) {
    r.set(api::bhttp::field::authorization, std::string("Bearer ") + kSafetyToken);
  }));
  frozen.handshake("127.0.0.1", "/api/v1/live");

  std::vector<std::unique_ptr<TrackerHarness>> cars;
  for (int i = 1; i <= 3; ++i) {
    cars.push_back(std::make_unique<TrackerHarness>(
        server.trackers_port(), "car" + std::to_string(i), "secret-of-car" + std::to_string(i)));
    cars.back()->Connect();
  }
  // Radio messages (each a few hundred bytes, broadcast to the viewer) fill the socket buffers;
  // fixes keep arriving meanwhile.
  api::LiveStats worst;
  int sent = 0;
  for (; sent < 400 && server.hub().live()->stats().viewers_dropped == 0; ++sent) {
    const std::string text = "Message " + std::to_string(sent) + " " + std::string(200, 'm');
    ASSERT_EQ(CallAs(server.http_port(), kSafetyToken, "POST", "/api/v1/radio",
                     R"({"to":"all","text":")" + text + "\"}")
                  .status,
              200);
    if (sent % 10 == 0) {
      for (auto& car : cars) car->MakeFixes(3);
    }
    const api::LiveStats stats = server.hub().live()->stats();
    worst.max_pending_positions =
        std::max(worst.max_pending_positions, stats.max_pending_positions);
    worst.max_queued_messages = std::max(worst.max_queued_messages, stats.max_queued_messages);
  }
  EXPECT_LE(worst.max_pending_positions, 3u);  // one per car, however many fixes came
  EXPECT_LE(worst.max_queued_messages, 64u);
  EXPECT_TRUE(WaitFor([&] { return server.hub().live()->stats().viewers_dropped >= 1; }))
      << "sent " << sent;
  EXPECT_TRUE(WaitFor([&] { return server.hub().live()->viewers() == 0; }));
  // The hub is fine and a new viewer is served.
  LiveClient fresh(server.http_port(), kSafetyToken);
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh.ReadUntil("hello").empty());
}

}  // namespace
}  // namespace convoy::testing
