// The radio desk against a real hub and real trackers: delivery per car, a car offline gets the
// message when it reconnects, cars' own messages, and alert acknowledgement.
#include <gtest/gtest.h>

#include <algorithm>

#include "convoy/v1/journal.pb.h"
#include "hub/http/api_fixture.h"
#include "hub/http/radio_desk.h"
#include "hub/journal_reader.h"
#include "hub/tracker_session.h"
#include "proto/json.h"
#include "support/tracker_harness.h"

namespace convoy::testing {
namespace {

using HubOptions = hub::HubOptions;

using proto::JsonValue;

std::vector<std::string> Ids(const JsonValue* list) {
  std::vector<std::string> ids;
  if (list) {
    for (const JsonValue& item : list->items) ids.push_back(item.text);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The radio list's message `id`, parsed.
std::optional<JsonValue> Message(uint16_t port, uint64_t id) {
  const HttpReply reply = CallAs(port, kSafetyToken, "GET", "/api/v1/radio");
  auto json = proto::ParseJson(reply.body);
  if (!json.ok()) return std::nullopt;
  for (const JsonValue& message : json->Find("messages")->items) {
    if (static_cast<uint64_t>(message.Find("id")->number) == id) return message;
  }
  return std::nullopt;
}

TEST(HttpRadioTest, DeliveryIsCountedPerCarAndAnOfflineCarGetsItOnReconnect) {
  ApiHub server(3);
  TrackerHarness car1(server.trackers_port(), "car1", "secret-of-car1");
  TrackerHarness car2(server.trackers_port(), "car2", "secret-of-car2");
  car1.Connect();
  car2.Connect();
  ASSERT_TRUE(WaitFor([&] { return server.hub().trackers().connected() == 2; }));

  const HttpReply sent = CallAs(server.http_port(), kOrganizerToken, "POST", "/api/v1/radio",
                                R"({"to":"all","text":"Regroup at the next service area"})");
  ASSERT_EQ(sent.status, 200) << sent.body;
  auto json = proto::ParseJson(sent.body);
  ASSERT_TRUE(json.ok());
  const uint64_t id = static_cast<uint64_t>(json->Find("id")->number);
  EXPECT_EQ(json->Find("from")->text, "Olga Organizer");
  EXPECT_EQ(Ids(json->Find("cars")), (std::vector<std::string>{"car1", "car2", "car3"}));

  ASSERT_TRUE(WaitFor([&] {
    auto m = Message(server.http_port(), id);
    return m && Ids(m->Find("delivered")).size() == 2;
  }));
  auto message = Message(server.http_port(), id);
  EXPECT_EQ(Ids(message->Find("delivered")), (std::vector<std::string>{"car1", "car2"}));
  EXPECT_EQ(Ids(message->Find("pending")), (std::vector<std::string>{"car3"}));

  TrackerHarness car3(server.trackers_port(), "car3", "secret-of-car3");
  car3.Connect();
  ASSERT_TRUE(WaitFor([&] {
    auto m = Message(server.http_port(), id);
    return m && Ids(m->Find("delivered")).size() == 3;
  }));
  EXPECT_TRUE(Ids(Message(server.http_port(), id)->Find("pending")).empty());

  // To one car.
  const HttpReply one = CallAs(server.http_port(), kSafetyToken, "POST", "/api/v1/radio",
                               R"({"to":"car","car":"car2","text":"OK?"})");
  ASSERT_EQ(one.status, 200);
  EXPECT_NE(one.body.find(R"("cars":["car2"])"), std::string::npos) << one.body;

  // The journal holds the message and each delivery.
  server.Restart();
  int sent_records = 0, delivered_records = 0;
  ASSERT_TRUE(
      hub::ReadJournal(server.data_dir(), [&](hub::RecordType type, std::string_view payload,
                                              const hub::RecordPosition&) {
        if (type != hub::RecordType::kRadio) return;
        v1::JournalRadio record;
        ASSERT_TRUE(record.ParseFromArray(payload.data(), static_cast<int>(payload.size())));
        if (record.event() == v1::JournalRadio::EVENT_SENT) {
          ++sent_records;
        } else {
          ++delivered_records;
        }
      }).ok());
  EXPECT_EQ(sent_records, 2);
  EXPECT_GE(delivered_records, 3);
  // Ids continue above the previous run's.
  const HttpReply after = CallAs(server.http_port(), kSafetyToken, "POST", "/api/v1/radio",
                                 R"({"to":"all","text":"Lunch stop ahead: follow the lead car"})");
  auto after_json = proto::ParseJson(after.body);
  ASSERT_TRUE(after_json.ok());
  EXPECT_GT(static_cast<uint64_t>(after_json->Find("id")->number), id + 1);
}

TEST(HttpRadioTest, HistoryAndPendingDeliveriesSurviveAHubRestart) {
  ApiHub server(3);
  uint64_t id = 0;
  {
    TrackerHarness car1(server.trackers_port(), "car1", "secret-of-car1");
    car1.Connect();
    ASSERT_TRUE(WaitFor([&] { return server.hub().trackers().connected() == 1; }));
    const HttpReply sent = CallAs(server.http_port(), kSafetyToken, "POST", "/api/v1/radio",
                                  R"({"to":"all","text":"Slow down, the convoy has split"})");
    ASSERT_EQ(sent.status, 200) << sent.body;
    id = static_cast<uint64_t>(proto::ParseJson(sent.body)->Find("id")->number);
    ASSERT_TRUE(WaitFor([&] {
      auto m = Message(server.http_port(), id);
      return m && Ids(m->Find("delivered")).size() == 1;
    }));
  }
  server.Restart();
  // The desk still lists the message, who heard it, and who has not.
  auto message = Message(server.http_port(), id);
  ASSERT_TRUE(message) << "the message is gone after the restart";
  EXPECT_EQ(message->Find("text")->text, "Slow down, the convoy has split");
  EXPECT_EQ(message->Find("from")->text, "Sam Safety");
  EXPECT_EQ(Ids(message->Find("delivered")), (std::vector<std::string>{"car1"}));
  EXPECT_EQ(Ids(message->Find("pending")), (std::vector<std::string>{"car2", "car3"}));
  // A car that was away during the first run hears it when it connects to the new one.
  TrackerHarness car2(server.trackers_port(), "car2", "secret-of-car2");
  car2.Connect();
  ASSERT_TRUE(WaitFor([&] {
    auto m = Message(server.http_port(), id);
    return m && Ids(m->Find("delivered")).size() == 2;
  }));
  EXPECT_EQ(Ids(Message(server.http_port(), id)->Find("pending")),
            (std::vector<std::string>{"car3"}));
}

TEST(HttpRadioTest, AcknowledgingNamesTheStaffMemberOnce) {
  ApiHub server(3);
  server.hub().convoy().RaiseSos(1, "engine smoke");
  uint64_t id = 0;
  ASSERT_TRUE(WaitFor([&] {
    auto alerts = server.hub().convoy().Alerts();
    if (alerts.empty()) return false;
    id = alerts.front().id;
    return true;
  }));
  const std::string target = "/api/v1/alerts/" + std::to_string(id) + "/ack";
  const HttpReply ack = CallAs(server.http_port(), kSafetyToken, "POST", target);
  ASSERT_EQ(ack.status, 200) << ack.body;
  EXPECT_NE(ack.body.find(R"("acknowledged_by":"Sam Safety")"), std::string::npos) << ack.body;
  const HttpReply alerts = CallAs(server.http_port(), kOrganizerToken, "GET", "/api/v1/alerts");
  EXPECT_NE(alerts.body.find(R"("acknowledged_by":"Sam Safety")"), std::string::npos);
  EXPECT_NE(alerts.body.find(R"("kind":"SOS","cars":["car2"])"), std::string::npos) << alerts.body;
  // A second acknowledgement is refused and says who owns it.
  const HttpReply again = CallAs(server.http_port(), kOrganizerToken, "POST", target);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("Sam Safety"), std::string::npos);
  EXPECT_EQ(CallAs(server.http_port(), kSafetyToken, "POST", "/api/v1/alerts/abc/ack").status, 404);
  EXPECT_EQ(CallAs(server.http_port(), kSafetyToken, "GET", target).status, 405);
}

TEST(HttpRadioTest, CarMessagesAreListedOnceAndAnSosRaisesAnAlert) {
  ApiHub server(3);
  v1::CarMessage sos;
  sos.set_kind(v1::CarMessage::SOS);
  sos.set_text("Need help\x01");  // a control character: the text is replaced, not passed on
  sos.set_time_ms(1'700'000'000'000);
  sos.set_message_id(7);
  server.hub().radio().OnCarMessage(2, sos);
  server.hub().radio().OnCarMessage(2, sos);  // resent after a reconnect
  v1::CarMessage reply;
  reply.set_kind(v1::CarMessage::CANNED_REPLY);
  reply.set_text("Need fuel");
  reply.set_message_id(8);
  server.hub().radio().OnCarMessage(0, reply);
  const HttpReply radio = CallAs(server.http_port(), kSafetyToken, "GET", "/api/v1/radio");
  auto json = proto::ParseJson(radio.body);
  ASSERT_TRUE(json.ok());
  const auto& messages = json->Find("messages")->items;
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].Find("from_car")->text, "car3");
  EXPECT_EQ(messages[0].Find("kind")->text, "sos");
  EXPECT_EQ(messages[0].Find("text")->text, "SOS");
  EXPECT_EQ(messages[1].Find("text")->text, "Need fuel");
  EXPECT_EQ(json->Find("canned")->items.size(), 4u);
  EXPECT_TRUE(WaitFor([&] {
    for (const auto& alert : server.hub().convoy().Alerts()) {
      if (alert.kind == hub::AlertKind::kSos && alert.cars == std::vector<uint32_t>{2}) return true;
    }
    return false;
  }));
}

}  // namespace
}  // namespace convoy::testing
