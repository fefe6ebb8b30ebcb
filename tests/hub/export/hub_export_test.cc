// End to end: trackers report to a real hub over loopback, the hub records, and what
// `convoy-replay export` writes is what the trackers made (read back through GDAL).
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>

#include "hub/export/exporter.h"
#include "support/hub_harness.h"
#include "support/temp_dir.h"
#include "support/tracker_harness.h"

namespace convoy::hub {
namespace {

TEST(HubExportTest, ExportHoldsEveryFixTheTrackersMadeInOrder) {
  testing::TempDir dir;
  const std::string roster = testing::TestRosterCsv(2);
  const auto roster_file = dir.Write("cars.csv", roster);
  std::vector<proto::Fix> made[2];
  {
    testing::HubHarness hub(dir / "data", roster);
    testing::TrackerHarness car1(hub.port(), "car1", "secret-of-car1");
    testing::TrackerHarness car2(hub.port(), "car2", "secret-of-car2");
    car2.set_lag_s(20);
    car1.MakeFixes(300);
    car2.MakeFixes(250);
    car1.Connect();
    car2.Connect();
    ASSERT_TRUE(car1.WaitAllAcked());
    ASSERT_TRUE(car2.WaitAllAcked());
    made[0] = car1.fixes();
    made[1] = car2.fixes();
  }
  ExportOptions options;
  options.data_dir = dir / "data";
  options.format = ExportFormat::kGpx;
  options.out = dir / "tour.gpx";
  options.privacy_radius_m = 0;
  options.roster_path = roster_file.string();
  Progress quiet;
  auto summary = RunExport(
      options, [](std::string_view line) { ADD_FAILURE() << line; }, quiet);
  ASSERT_TRUE(summary.ok()) << summary.message();
  EXPECT_EQ(summary->cars, 2u);
  EXPECT_EQ(summary->fixes, 550u);

  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(
      GDALDataset::Open(options.out.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  ASSERT_TRUE(ds);
  OGRLayer* points = ds->GetLayerByName("track_points");
  ASSERT_NE(points, nullptr);
  ASSERT_EQ(points->GetFeatureCount(), 550);
  size_t i = 0;
  for (auto& feature : *points) {
    const int car = feature->GetFieldAsInteger("track_fid");
    const size_t index = car == 0 ? i : i - made[0].size();
    ASSERT_LT(index, made[car].size());
    const proto::Fix& fix = made[car][index];
    auto* p = feature->GetGeometryRef()->toPoint();
    EXPECT_EQ(std::llround(p->getY() * 1e7), fix.lat_e7) << i;
    EXPECT_EQ(std::llround(p->getX() * 1e7), fix.lon_e7) << i;
    ++i;
  }
}

}  // namespace
}  // namespace convoy::hub
