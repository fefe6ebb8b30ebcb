// The handshake as the hub reads it (TrackerSession::Handshake): a Hello frame, then an Auth
// frame, checked against a roster; and, for the tracker's side, the Downlink frames a hub (or an
// impostor) sends back: Challenge, Welcome, Refused, Ack, RadioText.

#include <string>

#include "convoy/v1/convoy.pb.h"
#include "proto/framing.h"
#include "proto/handshake.h"
#include "proto/roster.h"
#include "tests/fuzz/mode_byte.h"

namespace {

using namespace convoy;

const proto::Roster& TestRoster() {
  static const proto::Roster roster = [] {
    auto parsed = proto::Roster::Parse(
        "id,name,role,secret\ncar1,Car 1,lead,secret-of-car1\ncar2,Car 2,sweep,secret-of-car2\n",
        "fuzz roster");
    if (!parsed.ok()) __builtin_trap();
    return std::move(*parsed);
  }();
  return roster;
}

// Reads one frame from the front of *stream, as the session does; false when the session closes.
template <class Message>
bool NextMessage(proto::FrameReader& reader, Message* message) {
  std::string_view frame;
  if (reader.Next(&frame) != proto::FrameReader::Outcome::kFrame) return false;
  return message->ParseFromArray(frame.data(), static_cast<int>(frame.size()));
}

void HubSide(const std::string& stream) {
  proto::FrameReader reader;
  reader.Feed(stream);
  v1::Uplink message;
  if (!NextMessage(reader, &message) || !message.has_hello()) return;
  const v1::Hello hello = message.hello();
  if (hello.min_version() > proto::kProtocolVersion ||
      hello.max_version() < proto::kProtocolVersion) {
    return;
  }
  if (hello.car_id().size() > proto::kMaxCarIdBytes ||
      hello.client_nonce().size() != proto::kNonceBytes) {
    return;
  }
  const proto::RosterCar* car = TestRoster().Find(hello.car_id());
  const std::string secret = car ? car->secret : std::string(16, 'x');
  const std::string hub_nonce(proto::kNonceBytes, 'n');  // fixed: the fuzzer can then match it
  if (!NextMessage(reader, &message) || !message.has_auth()) return;
  const std::string expected =
      proto::HandshakeMac(proto::HandshakeRole::kCar, secret, proto::kProtocolVersion,
                          hello.car_id(), hello.client_nonce(), hub_nonce);
  if (proto::MacMatches(message.auth().mac(), expected) && car == nullptr) __builtin_trap();
}

void TrackerSide(const std::string& stream) {
  proto::FrameReader reader;
  reader.Feed(stream);
  v1::Downlink message;
  while (NextMessage(reader, &message)) {
    if (message.has_welcome()) {
      const v1::Welcome& w = message.welcome();
      (void)proto::MacMatches(w.hub_mac(), std::string(proto::kMacBytes, 'm'));
    }
    if (message.has_radio()) (void)message.radio().text().size();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const convoy::fuzz::ModeAndBytes input = convoy::fuzz::SplitModeByte(data, size);
  const bool hub_side = input.mode & 1;
  const std::string& stream = input.bytes;
  if (hub_side) {
    HubSide(stream);
  } else {
    TrackerSide(stream);
  }
  return 0;
}
