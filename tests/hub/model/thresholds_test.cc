// Thresholds from a tour plan's [alerts], and the alert CSV the dump writes.
#include <gtest/gtest.h>

#include <cmath>

#include "hub/model/alert.h"
#include "hub/model/thresholds.h"

namespace convoy::hub {
namespace {

TEST(Thresholds, PlanValuesOverrideTheDefaults) {
  Result<Thresholds> t = ApplyThresholds(
      {{"straggler_gap_m", "1500"}, {"straggler_gap_s", "120"}, {"off_route_m", "150"}},
      "amalfi.tour [alerts]");
  ASSERT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(t->straggler_gap_m, 1500);
  EXPECT_EQ(t->straggler_gap_s, 120);
  EXPECT_EQ(t->off_route_m, 150);
  EXPECT_EQ(t->dark_after_s, Thresholds{}.dark_after_s);
}

TEST(Thresholds, UnknownKeyIsNamed) {
  Result<Thresholds> t = ApplyThresholds({{"gap_m", "10"}}, "amalfi.tour [alerts]");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.message(), "amalfi.tour [alerts] unknown key 'gap_m'");
}

TEST(Thresholds, ValueThatIsNotANumberIsNamed) {
  for (const char* bad : {"far", "12 m", "", "1e999", "nan"}) {
    Result<Thresholds> t = ApplyThresholds({{"dark_after_s", bad}}, "plan [alerts]");
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.message(),
              std::string("plan [alerts] dark_after_s: '") + bad + "' is not a number");
  }
  EXPECT_FALSE(ApplyThresholds({{"dark_after_s", "-5"}}, "plan").ok());
}

TEST(Thresholds, ClearThresholdNotBelowRaiseThresholdIsRefused) {
  Result<Thresholds> t = ApplyThresholds({{"off_route_clear_m", "200"}}, "plan [alerts]");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.message(), "plan [alerts] off_route_clear_m (200) must be below off_route_m (100)");
}

TEST(Thresholds, EveryKeyIsAField) {
  Thresholds base;
  for (const ThresholdKey& k : ThresholdKeys()) {
    Result<Thresholds> t = ApplyThresholds({{k.name, "0.5"}}, "plan");
    // Setting a raise threshold to 0.5 may fall below its clear threshold; either way the key is
    // known.
    if (!t.ok()) {
      EXPECT_EQ(t.message().find("unknown key"), std::string::npos) << t.message();
      continue;
    }
    EXPECT_EQ((*t).*(k.field), 0.5) << k.name;
    EXPECT_NE(base.*(k.field), 0.5) << k.name;
  }
}

TEST(AlertCsv, RowHasTheHeaderColumnsAndQuotesText) {
  Alert a;
  a.id = 7;
  a.kind = AlertKind::kSplit;
  a.cars = {3, 4, 9};
  a.position = maps::LatLon::FromDegrees(41.5, 13.25).value();
  a.along_m = 123456.78;
  a.gap_m = 640.04;
  a.gap_s = 31.2;
  a.raised_ms = 1716019200000;
  a.cleared_ms = 1716019300000;
  a.text = "he said \"ok\", then left";
  std::vector<std::string> ids = {"c0", "c1", "c2", "c3", "c4"};
  EXPECT_EQ(AlertCsvRow(a, ids),
            "7,SPLIT,c3;c4;#9,1716019200000,1716019300000,41.5000000,13.2500000,123456.8,640.0,"
            "31.2,,,,,,,,\"he said \"\"ok\"\", then left\"");
  size_t header_commas = 0, row_commas = 0;
  for (char ch : AlertCsvHeader()) header_commas += ch == ',';
  a.text.clear();
  for (char ch : AlertCsvRow(a, ids)) row_commas += ch == ',';
  EXPECT_EQ(header_commas, row_commas);
  EXPECT_EQ(AlertKindFromName("BEHIND_SWEEP"), AlertKind::kBehindSweep);
  EXPECT_FALSE(AlertKindFromName("LOST").has_value());
}

}  // namespace
}  // namespace convoy::hub
