// Every export format read back through GDAL and through ogrinfo (gdal-bin): the number of points
// and the coordinates must be those recorded. Also the GeoPackage's layers and spatial index, the
// privacy cut end to end, and the --car and --from/--to filters.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <cmath>
#include <map>
#include <memory>

#include "hub/export/exporter.h"
#include "hub/export/test_recording.h"
#include "hub/export/time_text.h"
#include "hub/export/tracks.h"
#include "support/temp_dir.h"

namespace convoy::hub {
namespace {

namespace fs = std::filesystem;
using testing::StraightDrive;
using testing::TestCar;
using E7Pair = std::pair<int32_t, int32_t>;  // (lon, lat): GIS order, as ogrinfo prints

const char* const kOgrinfo = "/usr/bin/ogrinfo";

// driver: only that GDAL driver (nullptr: whichever claims the file first).
std::unique_ptr<GDALDataset> OpenVector(const fs::path& path,
                                        std::vector<const char*> open_options = {},
                                        bool update = false, const char* driver = nullptr) {
  GDALAllRegister();
  open_options.push_back(nullptr);
  const char* drivers[] = {driver, nullptr};
  return std::unique_ptr<GDALDataset>(
      GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | (update ? GDAL_OF_UPDATE : GDAL_OF_READONLY),
                        driver != nullptr ? drivers : nullptr, open_options.data(), nullptr));
}

void AppendPoints(const OGRGeometry* g, std::vector<E7Pair>* out) {
  if (g == nullptr) return;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPoint: {
      auto* p = g->toPoint();
      out->emplace_back(std::llround(p->getX() * 1e7), std::llround(p->getY() * 1e7));
      break;
    }
    case wkbLineString: {
      auto* line = g->toLineString();
      for (int i = 0; i < line->getNumPoints(); ++i) {
        out->emplace_back(std::llround(line->getX(i) * 1e7), std::llround(line->getY(i) * 1e7));
      }
      break;
    }
    default:
      if (OGR_GT_IsSubClassOf(g->getGeometryType(), wkbGeometryCollection)) {
        for (auto* part : *g->toGeometryCollection()) AppendPoints(part, out);
      }
  }
}

// The points of every feature of a layer, in order.
std::vector<E7Pair> LayerPoints(OGRLayer* layer) {
  std::vector<E7Pair> points;
  layer->ResetReading();
  for (auto& feature : *layer) AppendPoints(feature->GetGeometryRef(), &points);
  return points;
}

std::vector<E7Pair> Points(const TestCar& car, size_t from = 0, size_t to = SIZE_MAX,
                           bool good_only = true) {
  std::vector<E7Pair> points;
  for (size_t i = from; i < std::min(to, car.fixes.size()); ++i) {
    if (good_only && car.verdicts[i] != proto::FixVerdict::kGood) continue;
    points.emplace_back(car.fixes[i].fix.lon_e7, car.fixes[i].fix.lat_e7);
  }
  return points;
}

std::vector<E7Pair> Concat(std::vector<E7Pair> a, const std::vector<E7Pair>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

class ExportFormatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // c1: 300 fixes east from Rome, 11 m apart; fix 150 is a flagged glitch 5 km north. The
    // steps (11 m, 12 m) put no fix within a metre of the 500 m privacy circles.
    c1_ = StraightDrive("c1", *maps::LatLon::FromDegrees(41.9, 12.5), 90, 300, 11);
    const maps::LatLon glitch = maps::GeodesicDirect(
        *maps::LatLon::FromE7(c1_.fixes[150].fix.lat_e7, c1_.fixes[150].fix.lon_e7), 0, 5000);
    c1_.fixes[150].fix.lat_e7 = glitch.lat_e7();
    c1_.fixes[150].fix.lon_e7 = glitch.lon_e7();
    c1_.verdicts[150] = proto::FixVerdict::kJump;
    // c2: 200 fixes north from Naples, 12 m apart, with the tracker off for 10 minutes after
    // fix 99 (two segments).
    c2_ = StraightDrive("c2", *maps::LatLon::FromDegrees(40.85, 14.27), 0, 200, 12);
    for (size_t i = 100; i < c2_.fixes.size(); ++i) c2_.fixes[i].fix.time_ms += 600'000;
    testing::WriteJournal(dir_ / "data", {c1_, c2_}, 7);
    roster_ = dir_.Write("cars.csv",
                         "id,name,role,secret\n"
                         "c1,\"Car 1 & the <Rossis>\",lead,secret-c1-123456\n"
                         "c2,Car 2,sweep,secret-c2-123456\n")
                  .string();
  }

  // Exports in process; privacy 0 unless given.
  ExportSummary Export(ExportFormat format, const std::string& name,
                       std::optional<double> privacy_radius_m = 0, RecordingFilter filter = {},
                       std::string plan = "") {
    ExportOptions options;
    options.data_dir = dir_ / "data";
    options.format = format;
    options.out = dir_ / name;
    options.filter = std::move(filter);
    options.privacy_radius_m = privacy_radius_m;
    options.roster_path = roster_;
    options.plan_path = std::move(plan);
    Progress quiet;
    auto summary = RunExport(
        options, [](std::string_view line) { ADD_FAILURE() << line; }, quiet);
    EXPECT_TRUE(summary.ok()) << summary.message();
    return summary.ok() ? *summary : ExportSummary{};
  }

  testing::RunResult Ogrinfo(std::vector<std::string> args) {
    args.insert(args.begin(), {kOgrinfo, "-ro"});
    auto result = testing::Run(args, dir_.path());
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result;
  }

  testing::TempDir dir_;
  TestCar c1_, c2_;
  std::string roster_;
};

TEST_F(ExportFormatsTest, GpxHasATrackPerCarWithEveryGoodFixExactly) {
  const ExportSummary summary = Export(ExportFormat::kGpx, "tour.gpx");
  EXPECT_EQ(summary.fixes, 499u);
  EXPECT_EQ(summary.cars, 2u);
  auto ds = OpenVector(dir_ / "tour.gpx");
  ASSERT_TRUE(ds);
  OGRLayer* tracks = ds->GetLayerByName("tracks");
  ASSERT_NE(tracks, nullptr);
  ASSERT_EQ(tracks->GetFeatureCount(), 2);
  std::vector<std::string> names;
  for (auto& f : *tracks) names.push_back(f->GetFieldAsString("name"));
  EXPECT_EQ(names, (std::vector<std::string>{"Car 1 & the <Rossis>", "Car 2"}));
  OGRLayer* points = ds->GetLayerByName("track_points");
  ASSERT_NE(points, nullptr);
  EXPECT_EQ(LayerPoints(points), Concat(Points(c1_), Points(c2_)));
  // Times and elevations of the first point, and the segment split of c2.
  points->ResetReading();
  std::unique_ptr<OGRFeature> first(points->GetNextFeature());
  EXPECT_STREQ(first->GetFieldAsString("time"), "2024/05/18 07:00:00+00");
  EXPECT_DOUBLE_EQ(first->GetFieldAsDouble("ele"), 50.0);
  std::map<int, int> per_segment_of_c2;
  for (auto& f : *points) {
    if (f->GetFieldAsInteger("track_fid") == 1)
      ++per_segment_of_c2[f->GetFieldAsInteger("track_seg_id")];
  }
  EXPECT_EQ(per_segment_of_c2, (std::map<int, int>{{0, 100}, {1, 100}}));

  const auto info = Ogrinfo({"-so", (dir_ / "tour.gpx").string(), "track_points"});
  EXPECT_EQ(testing::FeatureCount(info.out), 499);
  const auto all = Ogrinfo({"-al", "-q", (dir_ / "tour.gpx").string(), "tracks"});
  EXPECT_EQ(testing::WktCoordinatesE7(all.out), Concat(Points(c1_), Points(c2_)));
}

TEST_F(ExportFormatsTest, KmlHasAPlacemarkPerCarWithEveryGoodFix) {
  Export(ExportFormat::kKml, "tour.kml");
  // GDAL has two KML readers: its own, and Google's libkml (stricter, and GDAL's first choice).
  for (const char* driver : {"KML", "LIBKML"}) {
    SCOPED_TRACE(driver);
    auto ds = OpenVector(dir_ / "tour.kml", {}, false, driver);
    ASSERT_TRUE(ds);
    OGRLayer* tracks = ds->GetLayerByName("Tracks");
    ASSERT_NE(tracks, nullptr);
    EXPECT_EQ(tracks->GetFeatureCount(), 2);
    EXPECT_EQ(LayerPoints(tracks), Concat(Points(c1_), Points(c2_)));
    tracks->ResetReading();
    std::unique_ptr<OGRFeature> first(tracks->GetNextFeature());
    EXPECT_STREQ(first->GetFieldAsString(first->GetFieldIndex("Name")), "Car 1 & the <Rossis>");
    EXPECT_EQ(wkbFlatten(first->GetGeometryRef()->getGeometryType()), wkbLineString);
    std::unique_ptr<OGRFeature> second(tracks->GetNextFeature());
    EXPECT_EQ(second->GetGeometryRef()->toGeometryCollection()->getNumGeometries(), 2);
  }
  const auto all = Ogrinfo({"-al", "-q", (dir_ / "tour.kml").string(), "Tracks"});
  EXPECT_EQ(testing::WktCoordinatesE7(all.out), Concat(Points(c1_), Points(c2_)));
}

TEST_F(ExportFormatsTest, GeoJsonHasALineFeaturePerCar) {
  Export(ExportFormat::kGeoJson, "tour.geojson");
  auto ds = OpenVector(dir_ / "tour.geojson");
  ASSERT_TRUE(ds);
  ASSERT_EQ(ds->GetLayerCount(), 1);
  OGRLayer* layer = ds->GetLayer(0);
  EXPECT_EQ(layer->GetFeatureCount(), 2);
  EXPECT_EQ(LayerPoints(layer), Concat(Points(c1_), Points(c2_)));
  layer->ResetReading();
  std::unique_ptr<OGRFeature> first(layer->GetNextFeature());
  EXPECT_STREQ(first->GetFieldAsString("car"), "c1");
  EXPECT_STREQ(first->GetFieldAsString("name"), "Car 1 & the <Rossis>");
  EXPECT_EQ(first->GetFieldAsInteger64("fixes"), 299);
  EXPECT_NEAR(first->GetFieldAsDouble("distance_m"), 299 * 11, 15);  // the glitch is not drawn

  const auto info = Ogrinfo({"-al", "-q", (dir_ / "tour.geojson").string()});
  EXPECT_EQ(testing::WktCoordinatesE7(info.out), Concat(Points(c1_), Points(c2_)));
}

TEST_F(ExportFormatsTest, CsvHasARowPerGoodFix) {
  Export(ExportFormat::kCsv, "tour.csv");
  auto ds = OpenVector(dir_ / "tour.csv", {"X_POSSIBLE_NAMES=lon", "Y_POSSIBLE_NAMES=lat"});
  ASSERT_TRUE(ds);
  OGRLayer* layer = ds->GetLayer(0);
  EXPECT_EQ(layer->GetFeatureCount(), 499);
  EXPECT_EQ(LayerPoints(layer), Concat(Points(c1_), Points(c2_)));
  layer->ResetReading();
  std::unique_ptr<OGRFeature> first(layer->GetNextFeature());
  EXPECT_STREQ(first->GetFieldAsString("name"), "Car 1 & the <Rossis>");
  EXPECT_STREQ(first->GetFieldAsString("time"), "2024-05-18T07:00:00Z");
  EXPECT_STREQ(first->GetFieldAsString("altitude_m"), "50.0");

  const auto info = Ogrinfo({"-so", "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat",
                             (dir_ / "tour.csv").string(), "tour"});
  EXPECT_EQ(testing::FeatureCount(info.out), 499);
}

TEST_F(ExportFormatsTest, GeoPackageHoldsEveryFixWithItsVerdictAndAllLayers) {
  const ExportSummary summary = Export(ExportFormat::kGpkg, "tour.gpkg", std::nullopt);
  EXPECT_EQ(summary.privacy_radius_m, 0);  // the archive is not trimmed by default
  EXPECT_EQ(summary.fixes, 500u);
  auto ds = OpenVector(dir_ / "tour.gpkg");
  ASSERT_TRUE(ds);
  for (const char* name : {"fixes", "tracks", "alerts", "radio", "rally_points"}) {
    EXPECT_NE(ds->GetLayerByName(name), nullptr) << name;
  }
  EXPECT_EQ(ds->GetLayerByName("alerts")->GetFeatureCount(), 0);
  EXPECT_EQ(ds->GetLayerByName("radio")->GetFeatureCount(), 0);
  EXPECT_EQ(ds->GetLayerByName("rally_points")->GetFeatureCount(), 0);
  OGRLayer* fixes = ds->GetLayerByName("fixes");
  EXPECT_EQ(LayerPoints(fixes),
            Concat(Points(c1_, 0, SIZE_MAX, false), Points(c2_, 0, SIZE_MAX, false)));
  fixes->SetAttributeFilter("verdict <> 'good'");
  ASSERT_EQ(fixes->GetFeatureCount(), 1);
  fixes->ResetReading();
  std::unique_ptr<OGRFeature> glitch(fixes->GetNextFeature());
  EXPECT_STREQ(glitch->GetFieldAsString("verdict"), "jump");
  EXPECT_EQ(glitch->GetFieldAsInteger64("seq"), 151);
  EXPECT_TRUE(glitch->IsFieldNull(glitch->GetFieldIndex("track_fid")));
  fixes->SetAttributeFilter(nullptr);
  OGRLayer* tracks = ds->GetLayerByName("tracks");
  EXPECT_EQ(tracks->GetFeatureCount(), 2);
  EXPECT_EQ(LayerPoints(tracks), Concat(Points(c1_), Points(c2_)));

  const auto info = Ogrinfo({"-so", (dir_ / "tour.gpkg").string(), "fixes"});
  EXPECT_EQ(testing::FeatureCount(info.out), 500);
  EXPECT_NE(info.out.find("EPSG\",4326"), std::string::npos) << info.out;
  const auto track_info = Ogrinfo({"-al", "-q", (dir_ / "tour.gpkg").string(), "tracks"});
  EXPECT_EQ(testing::WktCoordinatesE7(track_info.out), Concat(Points(c1_), Points(c2_)));
}

// The packed R-tree (gpkg_rtree.h) must be an index SQLite and GDAL accept and use, and stay right
// when the file is edited later (as in QGIS).
TEST_F(ExportFormatsTest, GeoPackageSpatialIndexIsValidUsedAndMaintained) {
  // Enough fixes for a three-level tree (51 cells a node).
  const TestCar many = StraightDrive("many", *maps::LatLon::FromDegrees(45.0, 7.0), 45, 6000, 5);
  testing::WriteJournal(dir_ / "big", {many}, 100);
  ExportOptions options;
  options.data_dir = dir_ / "big";
  options.format = ExportFormat::kGpkg;
  options.out = dir_ / "big.gpkg";
  Progress quiet;
  ASSERT_TRUE(RunExport(
                  options, [](std::string_view) {}, quiet)
                  .ok());

  auto ds = OpenVector(dir_ / "big.gpkg", {}, /*update=*/true);
  ASSERT_TRUE(ds);
  auto scalar = [&](const std::string& sql) {
    OGRLayer* result = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    EXPECT_NE(result, nullptr) << sql;
    if (result == nullptr) return std::string();
    std::unique_ptr<OGRFeature> row(result->GetNextFeature());
    std::string value = row ? row->GetFieldAsString(0) : "";
    ds->ReleaseResultSet(result);
    return value;
  };
  EXPECT_EQ(scalar("SELECT rtreecheck('rtree_fixes_geom')"), "ok");
  EXPECT_EQ(scalar("SELECT count(*) FROM rtree_fixes_geom"), "6000");
  EXPECT_EQ(scalar("SELECT count(*) FROM gpkg_extensions WHERE table_name = 'fixes' AND "
                   "extension_name = 'gpkg_rtree_index'"),
            "1");
  // A window over part of the drive, its edges half-way between fixes (far from the float
  // rounding of the index): GDAL's answer (through the index) against a count by hand.
  auto lon = [&](size_t i) { return many.fixes[i].fix.lon_e7 * 1e-7; };
  const double min_x = (lon(1000) + lon(1001)) / 2, max_x = (lon(3000) + lon(3001)) / 2;
  const double min_y = 44.0, max_y = 46.0;
  long by_hand = 0;
  for (const auto& f : many.fixes) {
    const double x = f.fix.lon_e7 * 1e-7, y = f.fix.lat_e7 * 1e-7;
    by_hand += x >= min_x && x <= max_x && y >= min_y && y <= max_y;
  }
  ASSERT_EQ(by_hand, 2000);
  OGRLayer* fixes = ds->GetLayerByName("fixes");
  fixes->SetSpatialFilterRect(min_x, min_y, max_x, max_y);
  EXPECT_EQ(fixes->GetFeatureCount(), by_hand);
  char window_sql[200];
  std::snprintf(window_sql, sizeof window_sql,
                "SELECT count(*) FROM rtree_fixes_geom WHERE minx >= %.9f AND maxx <= %.9f", min_x,
                max_x);
  EXPECT_EQ(scalar(window_sql), std::to_string(by_hand));  // the index alone agrees
  // Edits go through the triggers: a new fix is found, a deleted one is gone, the tree is valid.
  fixes->SetSpatialFilter(nullptr);
  OGRFeature added(fixes->GetLayerDefn());
  added.SetField("car", "added");
  added.SetGeometryDirectly(new OGRPoint(8.5, 44.5));
  ASSERT_EQ(fixes->CreateFeature(&added), OGRERR_NONE);
  ASSERT_EQ(fixes->DeleteFeature(1), OGRERR_NONE);
  EXPECT_EQ(scalar("SELECT rtreecheck('rtree_fixes_geom')"), "ok");
  fixes->SetSpatialFilterRect(8.4, 44.4, 8.6, 44.6);
  EXPECT_EQ(fixes->GetFeatureCount(), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM rtree_fixes_geom WHERE id = 1"), "0");
}

// GDAL's GeoPackage validator (python3-gdal's samples) checks the file against the
// specification's requirements, the R-tree's triggers and extension rows included: what QGIS
// relies on to open a GeoPackage as it is.
TEST_F(ExportFormatsTest, GeoPackagePassesGdalsValidator) {
  const char* validator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py";
  if (!fs::exists(validator) || !fs::exists("/usr/bin/python3")) {
    GTEST_SKIP() << "python3-gdal's validate_gpkg.py is not installed";
  }
  Export(ExportFormat::kGpkg, "valid.gpkg", 500, {},
         std::string(CONVOY_TEST_DATA) + "/tour/amalfi_two_days.tour");
  const auto run =
      testing::Run({"/usr/bin/python3", validator, (dir_ / "valid.gpkg").string()}, dir_.path());
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
}

TEST_F(ExportFormatsTest, GeoPackageWithPlanHasTheRallyPoints) {
  const ExportSummary summary =
      Export(ExportFormat::kGpkg, "plan.gpkg", 0, {},
             std::string(CONVOY_TEST_DATA) + "/tour/amalfi_two_days.tour");
  EXPECT_EQ(summary.rally_points, 8u);
  auto ds = OpenVector(dir_ / "plan.gpkg");
  ASSERT_TRUE(ds);
  OGRLayer* rallies = ds->GetLayerByName("rally_points");
  ASSERT_EQ(rallies->GetFeatureCount(), 8);
  std::unique_ptr<OGRFeature> first(rallies->GetNextFeature());
  EXPECT_STREQ(first->GetFieldAsString("name"), "Service area (meeting point)");
  EXPECT_STREQ(first->GetFieldAsString("arrive"), "2024/05/18 07:00:00+00");  // 09:00 +02:00
  const auto info = Ogrinfo({"-so", (dir_ / "plan.gpkg").string(), "rally_points"});
  EXPECT_EQ(testing::FeatureCount(info.out), 8);
}

TEST_F(ExportFormatsTest, DefaultPrivacyCutRemovesFixesNearEachStartAndEnd) {
  const ExportSummary summary = Export(ExportFormat::kGpx, "public.gpx", std::nullopt);
  EXPECT_EQ(summary.privacy_radius_m, kDefaultPrivacyRadiusM);
  auto ds = OpenVector(dir_ / "public.gpx");
  ASSERT_TRUE(ds);
  const auto exported = LayerPoints(ds->GetLayerByName("track_points"));
  // Expected: each car's good fixes farther than 500 m from its first and its last fix (straight
  // drives, so the cut is exactly those), compared by geodesic distance with a metre of slack
  // for the cut's great-circle distance.
  std::vector<E7Pair> expected;
  size_t near_ends = 0;
  for (const TestCar* car : {&c1_, &c2_}) {
    const auto& first = car->fixes.front().fix;
    const auto& last = car->fixes.back().fix;
    for (size_t i = 0; i < car->fixes.size(); ++i) {
      if (car->verdicts[i] != proto::FixVerdict::kGood) continue;
      const auto& f = car->fixes[i].fix;
      const double d_start = proto::DistanceM(first.lat_e7, first.lon_e7, f.lat_e7, f.lon_e7);
      const double d_end = proto::DistanceM(last.lat_e7, last.lon_e7, f.lat_e7, f.lon_e7);
      ASSERT_GT(std::fabs(d_start - 500), 1);  // no fix sits on the circle
      ASSERT_GT(std::fabs(d_end - 500), 1);
      if (d_start > 500 && d_end > 500) {
        expected.emplace_back(f.lon_e7, f.lat_e7);
      } else {
        ++near_ends;
      }
    }
  }
  EXPECT_GT(near_ends, 150u);
  EXPECT_EQ(exported, expected);
  EXPECT_EQ(summary.privacy_cut, near_ends + 0u);
}

TEST_F(ExportFormatsTest, PrivacyRadiusZeroTurnsTheCutOff) {
  const ExportSummary summary = Export(ExportFormat::kKml, "all.kml", 0);
  EXPECT_EQ(summary.privacy_cut, 0u);
  EXPECT_EQ(summary.fixes, 499u);
}

TEST_F(ExportFormatsTest, GeoPackageIsTrimmedWhenAsked) {
  const ExportSummary summary = Export(ExportFormat::kGpkg, "trimmed.gpkg", 500);
  auto ds = OpenVector(dir_ / "trimmed.gpkg");
  ASSERT_TRUE(ds);
  const int64_t count = ds->GetLayerByName("fixes")->GetFeatureCount();
  EXPECT_EQ(count, static_cast<int64_t>(500 - summary.privacy_cut));
  EXPECT_GT(summary.privacy_cut, 150u);
}

TEST_F(ExportFormatsTest, CarFilterExportsOnlyThatCar) {
  RecordingFilter filter;
  filter.cars = {"c2"};
  const ExportSummary summary = Export(ExportFormat::kGeoJson, "c2.geojson", 0, filter);
  EXPECT_EQ(summary.cars, 1u);
  auto ds = OpenVector(dir_ / "c2.geojson");
  ASSERT_TRUE(ds);
  EXPECT_EQ(LayerPoints(ds->GetLayer(0)), Points(c2_));
}

TEST_F(ExportFormatsTest, TimeWindowIsFromInclusiveToExclusive) {
  // c1's fixes 10..19 and c2's 10..19 (c2's later fixes are shifted by 10 min).
  RecordingFilter filter;
  filter.from_ms = testing::kTestStartMs + 10'000;
  filter.to_ms = testing::kTestStartMs + 20'000;
  Export(ExportFormat::kCsv, "window.csv", 0, filter);
  auto ds = OpenVector(dir_ / "window.csv", {"X_POSSIBLE_NAMES=lon", "Y_POSSIBLE_NAMES=lat"});
  ASSERT_TRUE(ds);
  EXPECT_EQ(LayerPoints(ds->GetLayer(0)), Concat(Points(c1_, 10, 20), Points(c2_, 10, 20)));
}

TEST_F(ExportFormatsTest, TimeWindowFromTheCommandLineFormsAgrees) {
  // The same window given as ISO-8601 with an offset.
  auto from = ParseTimeArg("2024-05-18T09:00:10+02:00", "--from");
  auto to = ParseTimeArg("1716015620000", "--to");
  ASSERT_TRUE(from.ok() && to.ok());
  EXPECT_EQ(*from, testing::kTestStartMs + 10'000);
  EXPECT_EQ(*to, testing::kTestStartMs + 20'000);
}

TEST_F(ExportFormatsTest, RecordsStoredTwiceAndOutOfOrderExportOnceInTimeOrder) {
  // A backfill recorded after later live fixes, and one batch recorded twice (a failed cut).
  TestCar car = StraightDrive("late", *maps::LatLon::FromDegrees(44.0, 11.0), 180, 100, 10);
  TestCar live = car, backfill = car;
  live.fixes.erase(live.fixes.begin() + 20, live.fixes.begin() + 60);
  live.verdicts.resize(live.fixes.size());
  backfill.fixes = {car.fixes.begin() + 20, car.fixes.begin() + 60};
  backfill.verdicts.resize(backfill.fixes.size());
  testing::WriteJournal(dir_ / "messy", {live}, 10);
  testing::WriteJournal(dir_ / "messy", {backfill}, 40);  // reopens and appends
  testing::WriteJournal(dir_ / "messy", {backfill}, 40);  // again: a duplicate
  ExportOptions options;
  options.data_dir = dir_ / "messy";
  options.format = ExportFormat::kGpx;
  options.out = dir_ / "messy.gpx";
  options.privacy_radius_m = 0;
  Progress quiet;
  auto summary = RunExport(
      options, [](std::string_view) {}, quiet);
  ASSERT_TRUE(summary.ok()) << summary.message();
  EXPECT_EQ(summary->fixes, 100u);
  EXPECT_EQ(summary->fixes_read, 140u);
  auto ds = OpenVector(dir_ / "messy.gpx");
  ASSERT_TRUE(ds);
  EXPECT_EQ(LayerPoints(ds->GetLayerByName("track_points")), Points(car));
}

}  // namespace
}  // namespace convoy::hub
