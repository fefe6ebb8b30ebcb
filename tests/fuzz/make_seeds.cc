// Writes the binary seed inputs of the fuzz targets whose inputs no text editor makes: framed
// Uplink streams, a handshake, journal segments. Run once by hand after a format change:
//   build-fuzz/bin/fuzz_make_seeds tests/fuzz/corpus
// Each seed ends with the target's mode/chunking byte (tests/fuzz/mode_byte.h).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "convoy/v1/convoy.pb.h"
#include "hub/ingest.h"
#include "hub/journal.h"
#include "proto/fix_codec.h"
#include "proto/framing.h"
#include "proto/handshake.h"
#include "proto/record_log.h"

namespace {

using namespace convoy;

std::filesystem::path root;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const auto dir = root / target;
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary) << bytes;
}

std::vector<proto::SequencedFix> Fixes(uint64_t first_seq, int count) {
  std::vector<proto::SequencedFix> fixes;
  for (int i = 0; i < count; ++i) {
    proto::Fix fix;
    fix.time_ms = 1'700'000'000'000 + i * 1000;
    fix.lat_e7 = 419'000'000 + i * 137;
    fix.lon_e7 = 124'000'000 - i * 89;
    fix.altitude_dm = 520 + i;
    fix.speed_cmps = 1388 + (i % 5) * 10;
    fix.course_cdeg = (9000 + i * 50) % 36000;
    fix.hdop_c = 90;
    fix.satellites = 9;
    fix.quality = proto::FixQuality::k3D;
    fixes.push_back({first_seq + i, fix});
  }
  return fixes;
}

std::string Stream(const std::vector<v1::Uplink>& messages) {
  std::string out;
  for (const auto& m : messages) proto::AppendFrame(m, &out);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: fuzz_make_seeds CORPUS_DIR\n";
    return 2;
  }
  root = argv[1];

  // session: packed batches, a plain batch, a ping.
  proto::FixEncoder encoder;
  v1::Uplink live, backfill, plain, ping;
  for (const auto& fix : Fixes(1, 1)) encoder.Encode(fix, live.mutable_fixes()->mutable_packed());
  for (const auto& fix : Fixes(2, 40)) {
    encoder.Encode(fix, backfill.mutable_fixes()->mutable_packed());
  }
  v1::SequencedFix* s = plain.mutable_fixes()->add_fixes();
  s->set_seq(42);
  s->mutable_fix()->set_time_ms(1'700'000'042'000);
  s->mutable_fix()->set_lat_e7(419'000'000);
  s->mutable_fix()->set_lon_e7(124'000'000);
  s->mutable_fix()->set_quality(v1::FIX_QUALITY_3D);
  ping.mutable_ping()->set_time_ms(1'700'000'000'000);
  Write("session", "stream_whole", Stream({live, backfill, plain, ping}) + std::string(1, '\0'));
  Write("session", "stream_chunked", Stream({live, backfill, ping}) + std::string(1, '\x05'));
  Write("session", "one_fix", Stream({live}) + std::string(1, '\x01'));

  // handshake: a hub-side Hello + Auth for car1, and a tracker-side Challenge + Welcome.
  v1::Uplink hello, auth;
  hello.mutable_hello()->set_min_version(1);
  hello.mutable_hello()->set_max_version(1);
  hello.mutable_hello()->set_car_id("car1");
  hello.mutable_hello()->set_client_nonce(std::string(proto::kNonceBytes, 'c'));
  hello.mutable_hello()->set_software("convoy-tracker");
  auth.mutable_auth()->set_mac(proto::HandshakeMac(
      proto::HandshakeRole::kCar, "secret-of-car1", proto::kProtocolVersion, "car1",
      std::string(proto::kNonceBytes, 'c'), std::string(proto::kNonceBytes, 'n')));
  Write("handshake", "hub_hello_auth", Stream({hello, auth}) + std::string(1, '\x01'));
  std::string downlinks;
  v1::Downlink challenge, welcome, ack, radio;
  challenge.mutable_challenge()->set_version(1);
  challenge.mutable_challenge()->set_hub_nonce(std::string(proto::kNonceBytes, 'n'));
  welcome.mutable_welcome()->set_acked_seq(10);
  welcome.mutable_welcome()->set_highest_seq(12);
  welcome.mutable_welcome()->set_report_interval_ms(1000);
  welcome.mutable_welcome()->set_max_frame_bytes(proto::kMaxFrameBytes);
  welcome.mutable_welcome()->set_hub_mac(std::string(proto::kMacBytes, 'm'));
  ack.mutable_ack()->set_acked_seq(12);
  radio.mutable_radio()->set_text("Lunch stop in 5 km");
  radio.mutable_radio()->set_message_id(1);
  for (const auto* m : {&challenge, &welcome, &ack, &radio}) proto::AppendFrame(*m, &downlinks);
  Write("handshake", "tracker_downlinks", downlinks + std::string(1, '\0'));

  // journal: a segment of two fixes records and an event, and a bare payload.
  const auto fixes = Fixes(1, 20);
  const std::string payload =
      hub::EncodeJournalFixes("car1", 1'700'000'000'500, fixes, {}, v1::JournalFixes::SOURCE_UNIT);
  std::vector<proto::FixVerdict> verdicts(fixes.size(), proto::FixVerdict::kGood);
  verdicts[3] = proto::FixVerdict::kNullIsland;
  const std::string flagged = hub::EncodeJournalFixes("car2", 1'700'000'001'500, fixes, verdicts,
                                                      v1::JournalFixes::SOURCE_PHONE);
  std::string segment;
  proto::AppendRecord(static_cast<uint8_t>(hub::RecordType::kFixes), payload, &segment);
  proto::AppendRecord(static_cast<uint8_t>(hub::RecordType::kEvent), "hub started", &segment);
  proto::AppendRecord(static_cast<uint8_t>(hub::RecordType::kFixes), flagged, &segment);
  Write("journal", "segment", segment + std::string(1, '\0'));
  Write("journal", "segment_torn", segment.substr(0, segment.size() - 7) + std::string(1, '\0'));
  Write("journal", "payload", payload + std::string(1, '\x01'));
  Write("journal", "payload_flagged", flagged + std::string(1, '\x01'));
  std::cout << "seeds written under " << root << "\n";
  return 0;
}
