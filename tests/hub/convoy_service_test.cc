// The convoy model inside a real hub: fixes from real trackers reach it once durable, its alerts
// are journaled beside the fixes, and `convoy-replay dump --alerts` lists them.
#include <gtest/gtest.h>

#include <sstream>
#include <thread>

#include "hub/dump.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"
#include "support/tracker_harness.h"

namespace convoy {
namespace {

TEST(ConvoyServiceTest, ACarGoneDarkIsAlertedJournaledAndDumped) {
  testing::TempDir dir;
  std::string alerts_csv;
  {
    // The fixes' own time drives the model, so minutes of driving take a moment.
    testing::HubHarness hub(
        dir / "data", testing::TestRosterCsv(3), 0,
        [](hub::HubOptions& options) { options.clock = hub::ModelClock::kFixTime; });
    testing::TrackerHarness lead(hub.port(), "car1", "secret-of-car1");
    testing::TrackerHarness quiet(hub.port(), "car2", "secret-of-car2");
    quiet.set_lag_s(8);  // about 110 m behind the lead
    lead.Connect();
    quiet.Connect();
    // A minute side by side (the lead's track is the route), then car2 goes dark.
    for (int second = 0; second < 60; ++second) {
      lead.MakeFixes(1);
      ASSERT_TRUE(lead.WaitAllAcked());
      quiet.MakeFixes(1);
      ASSERT_TRUE(quiet.WaitAllAcked());
    }
    for (int minute = 0; minute < 10; ++minute) {
      lead.MakeFixes(60);
      ASSERT_TRUE(lead.WaitAllAcked());
    }
    // The model ticks on the hub's strand; give it a moment to journal.
    for (int i = 0; i < 100 && alerts_csv.find("DARK") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ostringstream out;
      ASSERT_TRUE(hub::DumpAlerts(dir / "data", out, [](std::string_view) {}).ok());
      alerts_csv = out.str();
    }
  }
  EXPECT_EQ(alerts_csv.rfind("id,kind,cars,raised_ms,cleared_ms", 0), 0u) << alerts_csv;
  EXPECT_NE(alerts_csv.find(",DARK,car2,"), std::string::npos) << alerts_csv;
}

}  // namespace
}  // namespace convoy
