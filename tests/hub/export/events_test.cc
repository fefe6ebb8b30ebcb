// The GeoPackage's alerts and radio layers from a journal holding alert (type 2), radio (type 3)
// and car message (type 4) records beside the fixes, read back through GDAL and ogrinfo.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <memory>

#include "hub/export/exporter.h"
#include "hub/export/test_recording.h"
#include "support/temp_dir.h"

namespace convoy::hub {
namespace {

using testing::kTestStartMs;
using testing::StraightDrive;

const maps::LatLon kStart = *maps::LatLon::FromDegrees(41.9, 12.5);

class ExportEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lead_ = StraightDrive("lead", kStart, 90, 100, 15);
    car02_ = StraightDrive("car02", kStart, 0, 100, 15);
    testing::WriteJournal(dir_ / "data", {lead_, car02_}, 10);
    JournalOptions options;
    options.dir = dir_ / "data";
    auto journal = Journal::Open(options, nullptr, nullptr);
    ASSERT_TRUE(journal.ok());
    v1::JournalAlert raised;
    raised.set_alert_id(1);
    raised.set_kind("STRAGGLER");
    raised.add_car_ids("car02");
    raised.set_lat_e7(car02_.fixes[40].fix.lat_e7);
    raised.set_lon_e7(car02_.fixes[40].fix.lon_e7);
    raised.set_gap_m(1600);
    raised.set_gap_s(std::nan(""));
    raised.set_raised_ms(kTestStartMs + 40000);
    v1::JournalAlert cleared = raised;
    cleared.set_event(v1::JournalAlert::EVENT_CLEARED);
    cleared.set_cleared_ms(kTestStartMs + 70000);
    v1::JournalRadio sent;
    sent.set_message_id(2);
    sent.set_time_ms(kTestStartMs + 50500);
    sent.set_from("Anna");
    sent.set_to("all");
    sent.set_text("Slow down, the convoy has split");
    sent.add_car_ids("lead");
    sent.add_car_ids("car02");
    v1::JournalRadio delivered;
    delivered.set_event(v1::JournalRadio::EVENT_DELIVERED);
    delivered.set_message_id(2);
    delivered.add_car_ids("car02");
    v1::JournalCarMessage reply;
    reply.set_message_id(3);
    reply.set_car_id("car02");
    reply.set_kind("reply");
    reply.set_text("OK");
    reply.set_time_ms(kTestStartMs + 60000);
    const std::pair<RecordType, std::string> records[] = {
        {RecordType::kAlert, raised.SerializeAsString()},
        {RecordType::kRadio, sent.SerializeAsString()},
        {RecordType::kRadio, delivered.SerializeAsString()},
        {RecordType::kCarMessage, reply.SerializeAsString()},
        {RecordType::kAlert, cleared.SerializeAsString()}};
    for (const auto& [type, payload] : records)
      ASSERT_TRUE((*journal)->Append(type, payload, [](const Status&) {}));
    (*journal)->Flush();
  }

  std::unique_ptr<GDALDataset> Export(RecordingFilter filter = {}) {
    ExportOptions options;
    options.data_dir = dir_ / "data";
    options.format = ExportFormat::kGpkg;
    options.out = dir_ / "tour.gpkg";
    options.filter = std::move(filter);
    Progress quiet;
    auto summary = RunExport(
        options, [](std::string_view line) { ADD_FAILURE() << line; }, quiet);
    EXPECT_TRUE(summary.ok()) << summary.message();
    GDALAllRegister();
    return std::unique_ptr<GDALDataset>(GDALDataset::Open((dir_ / "tour.gpkg").c_str(),
                                                          GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                          nullptr, nullptr, nullptr));
  }

  testing::TempDir dir_;
  testing::TestCar lead_, car02_;
};

TEST_F(ExportEventsTest, AlertsLayerHoldsEachAlertInItsLatestStateWhereItWasRaised) {
  auto ds = Export();
  ASSERT_TRUE(ds);
  OGRLayer* alerts = ds->GetLayerByName("alerts");
  ASSERT_EQ(alerts->GetFeatureCount(), 1);
  alerts->ResetReading();
  std::unique_ptr<OGRFeature> alert(alerts->GetNextFeature());
  EXPECT_STREQ(alert->GetFieldAsString("kind"), "STRAGGLER");
  EXPECT_STREQ(alert->GetFieldAsString("cars"), "car02");
  EXPECT_EQ(alert->GetFieldAsDouble("gap_m"), 1600);
  EXPECT_TRUE(alert->IsFieldNull(alert->GetFieldIndex("gap_s")));
  EXPECT_FALSE(alert->IsFieldNull(alert->GetFieldIndex("cleared")));
  EXPECT_TRUE(alert->IsFieldNull(alert->GetFieldIndex("acknowledged")));
  const OGRPoint* at = alert->GetGeometryRef()->toPoint();
  EXPECT_EQ(std::llround(at->getY() * 1e7), car02_.fixes[40].fix.lat_e7);
  EXPECT_EQ(std::llround(at->getX() * 1e7), car02_.fixes[40].fix.lon_e7);
}

TEST_F(ExportEventsTest, RadioLayerHasARowPerAddressedCarAndPerCarMessage) {
  auto ds = Export();
  ASSERT_TRUE(ds);
  OGRLayer* radio = ds->GetLayerByName("radio");
  ASSERT_EQ(radio->GetFeatureCount(), 3);
  radio->ResetReading();
  std::unique_ptr<OGRFeature> to_lead(radio->GetNextFeature());
  std::unique_ptr<OGRFeature> to_car02(radio->GetNextFeature());
  std::unique_ptr<OGRFeature> reply(radio->GetNextFeature());
  EXPECT_STREQ(to_lead->GetFieldAsString("car"), "lead");
  EXPECT_STREQ(to_lead->GetFieldAsString("sender"), "Anna");
  EXPECT_STREQ(to_lead->GetFieldAsString("text"), "Slow down, the convoy has split");
  EXPECT_EQ(to_lead->GetFieldAsInteger("delivered"), 0);
  EXPECT_EQ(to_car02->GetFieldAsInteger("delivered"), 1);
  // Where the car was: its last good fix at or before the message (50.5 s: fix 50).
  const OGRPoint* at = to_car02->GetGeometryRef()->toPoint();
  EXPECT_EQ(std::llround(at->getY() * 1e7), car02_.fixes[50].fix.lat_e7);
  EXPECT_STREQ(reply->GetFieldAsString("kind"), "reply");
  EXPECT_STREQ(reply->GetFieldAsString("text"), "OK");
  EXPECT_TRUE(reply->IsFieldNull(reply->GetFieldIndex("delivered")));

  const auto info = testing::Run(
      {"/usr/bin/ogrinfo", "-ro", "-so", (dir_ / "tour.gpkg").string(), "radio"}, dir_.path());
  EXPECT_EQ(testing::FeatureCount(info.out), 3) << info.err;
}

TEST_F(ExportEventsTest, TimeWindowAndCarFilterApplyToAlertsAndRadio) {
  RecordingFilter filter;
  filter.from_ms = kTestStartMs + 55000;
  auto ds = Export(filter);
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->GetLayerByName("alerts")->GetFeatureCount(), 0);  // raised at 40 s
  EXPECT_EQ(ds->GetLayerByName("radio")->GetFeatureCount(), 1);   // the reply at 60 s
  ds.reset();
  RecordingFilter only_lead;
  only_lead.cars = {"lead"};
  ds = Export(only_lead);
  EXPECT_EQ(ds->GetLayerByName("alerts")->GetFeatureCount(), 0);  // about car02
  // The staff message was addressed to lead too (both of its rows are kept: the message is
  // one event); the car's reply is not.
  EXPECT_EQ(ds->GetLayerByName("radio")->GetFeatureCount(), 2);
}

}  // namespace
}  // namespace convoy::hub
