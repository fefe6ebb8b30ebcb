#include "support/hub_harness.h"

#include <gtest/gtest.h>

#include "hub/ingest.h"
#include "hub/journal_reader.h"

namespace convoy::testing {

std::string TestRosterCsv(int cars) {
  std::string csv = "id,name,role,secret\n";
  for (int i = 1; i <= cars; ++i) {
    const std::string id = "car" + std::to_string(i);
    const char* role = i == 1 ? "lead" : (i == cars && cars > 1 ? "sweep" : "car");
    csv += id + ",Car " + std::to_string(i) + "," + role + ",secret-of-" + id + "\n";
  }
  return csv;
}

HubHarness::HubHarness(const std::filesystem::path& data_dir, const std::string& roster_csv,
                       uint16_t port,
                       const std::function<void(hub::HubOptions&)>& configure) {
  const auto roster_path = data_dir.parent_path() / (data_dir.filename().string() + "-cars.csv");
  std::ofstream(roster_path) << roster_csv;
  hub::HubOptions options;
  options.data_dir = data_dir;
  options.roster_path = roster_path.string();
  options.trackers = {"127.0.0.1", port};
  options.status_interval_s = 0;
  if (configure) configure(options);
  auto hub = hub::Hub::Create(options, [](std::string_view) {});
  if (!hub.ok()) {
    ADD_FAILURE() << "hub did not start: " << hub.message();
    return;
  }
  hub_ = std::move(*hub);
  port_ = hub_->trackers_endpoint().port();
  if (const auto phones = hub_->osmand_endpoint()) osmand_port_ = phones->port();
  thread_ = std::thread([this] { hub_->Run(); });
}

HubHarness::~HubHarness() {
  if (!hub_) return;
  hub_->Stop();
  thread_.join();
}

std::map<std::string, std::vector<proto::SequencedFix>> ReadRecordedFixes(
    const std::filesystem::path& data_dir) {
  std::map<std::string, std::vector<proto::SequencedFix>> fixes;
  Status status = hub::ReadJournal(
      data_dir, [&](hub::RecordType type, std::string_view payload, const hub::RecordPosition&) {
        if (type != hub::RecordType::kFixes) return;
        auto decoded = hub::DecodeJournalFixes(payload);
        ASSERT_TRUE(decoded.ok()) << decoded.message();
        auto& list = fixes[decoded->record.car_id()];
        list.insert(list.end(), decoded->fixes.begin(), decoded->fixes.end());
      });
  EXPECT_TRUE(status.ok()) << status.message();
  return fixes;
}

}  // namespace convoy::testing
