// A mixed convoy: some cars report from tracker units over the Convoy protocol, some from phones
// over OsmAnd (query and JSON forms), and one car from both at once, all to one hub. Every fix
// is recorded exactly once, under its own source, and the unit's numbering is untouched by the
// phone's.
#include <gtest/gtest.h>

#include <cstdio>
#include <thread>

#include "http_client.h"
#include "hub/journal_reader.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"
#include "support/tracker_harness.h"
#include "tracker/sim_circle.h"

namespace convoy {
namespace {

using testing::HttpClient;
using testing::HubHarness;
using testing::TempDir;
using testing::TrackerHarness;

constexpr int kUnitFixes = 300;
constexpr int kPhoneFixes = 200;

struct BySource {
  std::vector<proto::SequencedFix> unit;
  std::vector<proto::SequencedFix> phone;
};

std::map<std::string, BySource> ReadBySource(const std::filesystem::path& data_dir) {
  std::map<std::string, BySource> cars;
  EXPECT_TRUE(hub::ReadJournal(data_dir, [&](hub::RecordType type, std::string_view payload,
                                             const hub::RecordPosition&) {
                if (type != hub::RecordType::kFixes) return;
                auto decoded = hub::DecodeJournalFixes(payload);
                ASSERT_TRUE(decoded.ok());
                BySource& car = cars[decoded->record.car_id()];
                auto& list = decoded->record.source() == v1::JournalFixes::SOURCE_PHONE ? car.phone
                                                                                        : car.unit;
                list.insert(list.end(), decoded->fixes.begin(), decoded->fixes.end());
              }).ok());
  return cars;
}

// A phone driving its own circle, reporting each fix as it is made (the app's live mode).
std::vector<proto::Fix> DrivePhone(uint16_t port, int car, int count, bool json) {
  tracker::CircleOptions path;
  path.start_angle_rad = car;  // spread the cars around the circle
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  std::vector<proto::Fix> sent;
  HttpClient client(port);
  EXPECT_TRUE(client.connected());
  const std::string secret = "secret-of-car" + std::to_string(car);
  for (int i = 0; i < count; ++i) {
    proto::Fix fix = tracker::CircleFixAt(path, i, now_ms - (count - i) * 1000);
    char text[512];
    int status;
    if (json) {
      std::snprintf(text, sizeof text,
                    R"({"location":{"timestamp":%lld,"coords":{"latitude":%.7f,"longitude":%.7f,)"
                    R"("accuracy":4,"speed":%.2f,"heading":%.2f},"battery":{"level":0.5}},)"
                    R"("device_id":"%s"})",
                    static_cast<long long>(fix.time_ms), fix.lat_deg(), fix.lon_deg(),
                    fix.speed_mps(), fix.course_deg(), secret.c_str());
      status = client.PostJson(text).status;
    } else {
      std::snprintf(text, sizeof text,
                    "/?id=%s&timestamp=%lld&lat=%.7f&lon=%.7f&speed=%.4f&bearing=%.2f&batt=50",
                    secret.c_str(), static_cast<long long>(fix.time_ms), fix.lat_deg(),
                    fix.lon_deg(), fix.speed_mps() / (1852.0 / 3600), fix.course_deg());
      status = client.Get(text).status;
    }
    EXPECT_EQ(status, 200) << text;
    if (status != 200) break;
    sent.push_back(fix);
  }
  return sent;
}

TEST(MixedConvoyTest, PhonesAndUnitsAreRecordedAsOneConvoy) {
  TempDir dir;
  auto hub = std::make_unique<HubHarness>(dir / "data", testing::TestRosterCsv(6), 0,
                                          [](hub::HubOptions& options) {
                                            options.osmand = proto::HostPort{"127.0.0.1", 0};
                                          });
  // Units in cars 1, 3 and 5; phones in cars 2, 4 (query form) and 6 (JSON form); car 1's
  // driver also runs the app.
  std::vector<std::unique_ptr<TrackerHarness>> units;
  for (int car : {1, 3, 5}) {
    units.push_back(std::make_unique<TrackerHarness>(hub->port(), "car" + std::to_string(car),
                                                     "secret-of-car" + std::to_string(car)));
    units.back()->MakeFixes(kUnitFixes);
    units.back()->Connect();
  }
  std::map<int, std::vector<proto::Fix>> phone_fixes;
  std::vector<std::thread> phones;
  std::mutex mu;
  for (int car : {2, 4, 6, 1}) {
    phones.emplace_back([&, car] {
      auto sent = DrivePhone(hub->osmand_port(), car, car == 1 ? 50 : kPhoneFixes, car == 6);
      std::lock_guard lock(mu);
      phone_fixes[car] = std::move(sent);
    });
  }
  for (auto& phone : phones) phone.join();
  for (auto& unit : units) ASSERT_TRUE(unit->WaitAllAcked());

  // Every car is heard; the phones' live fixes pass the gate and are the cars' positions.
  for (size_t i = 0; i < 6; ++i) {
    const hub::CarSnapshot snapshot = hub->hub().ingest().Snapshot(i);
    EXPECT_GT(snapshot.last_heard_ms, 0) << "car" << i + 1;
    if (i % 2 == 1) {
      ASSERT_TRUE(snapshot.latest_good.has_value()) << "car" << i + 1;
      const proto::Fix& last = phone_fixes[static_cast<int>(i) + 1].back();
      EXPECT_EQ(snapshot.latest_good->time_ms, last.time_ms);
      EXPECT_EQ(snapshot.latest_good->lat_e7, last.lat_e7);
    }
  }
  const hub::CarSnapshot both = hub->hub().ingest().Snapshot(0);
  EXPECT_EQ(both.durable_watermark, static_cast<uint64_t>(kUnitFixes));
  EXPECT_EQ(both.highest_seq, static_cast<uint64_t>(kUnitFixes));
  EXPECT_EQ(both.phone_highest_seq, 50u);
  EXPECT_TRUE(hub->hub().osmand()->phones().Get(3).reports_from_phone);
  EXPECT_FALSE(hub->hub().osmand()->phones().Get(2).reports_from_phone);
  units.clear();
  hub.reset();

  auto recorded = ReadBySource(dir / "data");
  for (int car = 1; car <= 6; ++car) {
    SCOPED_TRACE("car" + std::to_string(car));
    const BySource& got = recorded["car" + std::to_string(car)];
    if (car % 2 == 1) {
      ASSERT_EQ(got.unit.size(), static_cast<size_t>(kUnitFixes));
      std::vector<int> seen(kUnitFixes + 1, 0);
      for (const auto& fix : got.unit) ++seen.at(fix.seq);
      EXPECT_EQ(std::count(seen.begin() + 1, seen.end(), 1), kUnitFixes);
    } else {
      EXPECT_TRUE(got.unit.empty());
    }
    const auto& sent = phone_fixes[car];
    ASSERT_EQ(got.phone.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
      EXPECT_EQ(got.phone[i].seq, i + 1);
      EXPECT_EQ(got.phone[i].fix.time_ms, sent[i].time_ms);
      EXPECT_EQ(got.phone[i].fix.lat_e7, sent[i].lat_e7);
      EXPECT_EQ(got.phone[i].fix.lon_e7, sent[i].lon_e7);
      EXPECT_NEAR(got.phone[i].fix.speed_cmps, sent[i].speed_cmps, 1.0);
      EXPECT_NEAR(got.phone[i].fix.course_cdeg, sent[i].course_cdeg, 1.0);
    }
  }
}

}  // namespace
}  // namespace convoy
