// The GeoPackage: the engineering archive of a recording, written through GDAL's OGR C++ API.
//
// Speed: one reused OGRFeature per layer (fields set by index, the point geometry changed in
// place), large transactions, SQLite's journal and sync off while the file is built (it is a
// temporary file until the exporter renames it; a crash leaves only that), 64 KiB pages, and the
// fixes' R-tree packed in one pass (gpkg_rtree.h) instead of GDAL's insertion per point.
#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>

#include "hub/export/gdal_errors.h"
#include "hub/export/gpkg_rtree.h"
#include "hub/export/time_text.h"
#include "hub/export/writers.h"

namespace convoy::hub {
namespace {

// Fixes per transaction. Each commit is cheap with sync off; larger only holds more in the page
// cache.
constexpr uint64_t kFixesPerTransaction = 1'000'000;

// Sets GDAL configuration options for this thread while alive.
class ThreadConfig {
 public:
  ThreadConfig(const char* key, const char* value) : key_(key) {
    const char* old = CPLGetThreadLocalConfigOption(key, nullptr);
    if (old != nullptr) old_ = old;
    had_old_ = old != nullptr;
    CPLSetThreadLocalConfigOption(key, value);
  }
  ~ThreadConfig() { CPLSetThreadLocalConfigOption(key_, had_old_ ? old_.c_str() : nullptr); }
  ThreadConfig(const ThreadConfig&) = delete;
  ThreadConfig& operator=(const ThreadConfig&) = delete;

 private:
  const char* key_;
  std::string old_;
  bool had_old_ = false;
};

struct CivilTime {
  int year, month, day, hour, minute;
  float second;
};

CivilTime SplitTime(int64_t time_ms) {
  // Reuses the ISO formatter's per-day cache: "YYYY-MM-DDTHH:MM:SS[.mmm]Z".
  char iso[kIsoTimeMax];
  const size_t n = FormatIsoTime(time_ms, iso);
  CivilTime t{};
  const size_t date_end = std::string_view(iso, n).find('T');
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (iso[i] - '0');
    return v;
  };
  if (date_end != 10) {  // a year outside 0000..9999: let GDAL see something valid but odd
    t.year = 9999;
    t.month = t.day = 1;
    return t;
  }
  t.year = num(0, 4);
  t.month = num(5, 2);
  t.day = num(8, 2);
  t.hour = num(11, 2);
  t.minute = num(14, 2);
  const int64_t ms_in_minute = ((time_ms % 60000) + 60000) % 60000;
  t.second = static_cast<float>(ms_in_minute) / 1000.0f;
  return t;
}

void SetTime(OGRFeature& feature, int field, int64_t time_ms) {
  const CivilTime t = SplitTime(time_ms);
  feature.SetField(field, t.year, t.month, t.day, t.hour, t.minute, t.second, 100 /* UTC */);
}

void RegisterOnce() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

struct FieldSpec {
  const char* name;
  OGRFieldType type;
  int width = 0;
};

Status AddFields(OGRLayer* layer, std::initializer_list<FieldSpec> fields,
                 const GdalErrors& errors) {
  for (const FieldSpec& spec : fields) {
    OGRFieldDefn field(spec.name, spec.type);
    if (spec.width > 0) field.SetWidth(spec.width);
    if (layer->CreateField(&field) != OGRERR_NONE) {
      return Error{std::string("cannot add field ") + spec.name + ": " + errors.message()};
    }
  }
  return Status::Ok();
}

// spatial_index false: the caller adds one (AddPackedPointIndex).
OGRLayer* CreateLayer(GDALDataset& ds, const char* name, OGRSpatialReference& srs,
                      OGRwkbGeometryType type, const std::string& description,
                      bool spatial_index = true) {
  const std::string description_option = "DESCRIPTION=" + description;
  const char* options[] = {"FID=fid", "GEOMETRY_NAME=geom", description_option.c_str(),
                           spatial_index ? nullptr : "SPATIAL_INDEX=NO", nullptr};
  return ds.CreateLayer(name, &srs, type, const_cast<char**>(options));
}

}  // namespace

Status WriteGeoPackage(const ExportInput& input, const std::string& path, Progress& progress) {
  RegisterOnce();
  GdalErrors errors;
  // The file is private to this export until renamed into place.
  ThreadConfig sync("OGR_SQLITE_SYNCHRONOUS", "OFF");
  ThreadConfig journal("OGR_SQLITE_JOURNAL", "OFF");
  // 64 KiB pages (SQLite's largest; GDAL applies the pragma before it creates any table): a tenth
  // less time for millions of rows. The R-tree keeps its own node size.
  ThreadConfig pages("OGR_SQLITE_PRAGMA", "page_size=65536");
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
  if (driver == nullptr) return Error{"GDAL has no GPKG driver"};
  std::unique_ptr<GDALDataset> ds(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
  if (!ds) return Error{path + ": cannot create GeoPackage: " + errors.message()};
  auto fail = [&](const std::string& what) -> Status {
    return Error{path + ": " + what + (errors.failed() ? ": " + errors.message() : "")};
  };

  OGRSpatialReference wgs84;
  wgs84.SetWellKnownGeogCS("WGS84");  // EPSG:4326 without a PROJ database lookup
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  const std::string privacy =
      input.privacy_radius_m > 0
          ? "privacy trimming: " + std::to_string(static_cast<long>(input.privacy_radius_m)) +
                " m around each car's start and end"
          : "no privacy trimming";

  // tracks first, so that each fix can name its track's fid.
  OGRLayer* tracks = CreateLayer(*ds, "tracks", wgs84, wkbMultiLineString,
                                 "One line per car through its good fixes, split at gaps over "
                                 "5 min; " +
                                     privacy);
  OGRLayer* fixes =
      CreateLayer(*ds, "fixes", wgs84, wkbPoint,
                  "Every recorded fix with its fix-quality verdict (only 'good' ones are drawn in "
                  "tracks); " +
                      privacy,
                  /*spatial_index=*/false);
  OGRLayer* alerts = CreateLayer(*ds, "alerts", wgs84, wkbPoint, "Alerts raised by the hub");
  OGRLayer* radio = CreateLayer(*ds, "radio", wgs84, wkbPoint, "Radio messages");
  OGRLayer* rallies =
      CreateLayer(*ds, "rally_points", wgs84, wkbPoint, "Rally points of the tour plan");
  if (!tracks || !fixes || !alerts || !radio || !rallies) return fail("cannot create layers");
  Status status = AddFields(tracks,
                            {{"car", OFTString},
                             {"name", OFTString},
                             {"role", OFTString},
                             {"start_time", OFTDateTime},
                             {"end_time", OFTDateTime},
                             {"fixes", OFTInteger64},
                             {"segments", OFTInteger},
                             {"distance_m", OFTReal}},
                            errors);
  if (status.ok()) {
    status = AddFields(fixes,
                       {{"car", OFTString},
                        {"seq", OFTInteger64},
                        {"time", OFTDateTime},
                        {"altitude_m", OFTReal},
                        {"speed_mps", OFTReal},
                        {"course_deg", OFTReal},
                        {"hdop", OFTReal},
                        {"satellites", OFTInteger},
                        {"quality", OFTString},
                        {"verdict", OFTString},
                        {"source", OFTString},
                        {"delay_ms", OFTInteger64},
                        {"track_fid", OFTInteger64},
                        {"segment", OFTInteger}},
                       errors);
  }
  if (status.ok()) {
    // As the hub records them (convoy.v1.JournalAlert, record type 2): the latest state of each
    // alert, at the place it was raised.
    status = AddFields(alerts,
                       {{"alert_id", OFTInteger64},
                        {"kind", OFTString},
                        {"cars", OFTString},
                        {"raised", OFTDateTime},
                        {"cleared", OFTDateTime},
                        {"acknowledged", OFTDateTime},
                        {"acknowledged_by", OFTString},
                        {"cleared_by", OFTString},
                        {"along_m", OFTReal},
                        {"gap_m", OFTReal},
                        {"gap_s", OFTReal},
                        {"offset_m", OFTReal},
                        {"heading_diff_deg", OFTReal},
                        {"speed_mps", OFTReal},
                        {"duration_s", OFTReal},
                        {"text", OFTString}},
                       errors);
  }
  if (status.ok()) {
    // A row per car a staff message was addressed to (delivered: whether that car confirmed
    // it; null for a phone, which cannot), and a row per message from a car (kind sos or
    // reply). The point is the car's last good fix at the time, when it has one.
    status = AddFields(radio,
                       {{"time", OFTDateTime},
                        {"car", OFTString},
                        {"sender", OFTString},
                        {"text", OFTString},
                        {"kind", OFTString},
                        {"message_id", OFTInteger64},
                        {"delivered", OFTInteger}},
                       errors);
  }
  if (status.ok()) {
    status = AddFields(rallies,
                       {{"name", OFTString},
                        {"kind", OFTString},
                        {"day", OFTString},
                        {"leg", OFTString},
                        {"radius_m", OFTReal},
                        {"along_m", OFTReal},
                        {"arrive", OFTDateTime},
                        {"depart", OFTDateTime}},
                       errors);
  }
  if (!status.ok()) return fail(status.message());

  if (ds->StartTransaction() != OGRERR_NONE) return fail("cannot start a transaction");
  // Rally points.
  {
    OGRFeature feature(rallies->GetLayerDefn());
    for (const ExportRally& rally : input.rally_points) {
      feature.SetFID(OGRNullFID);
      feature.SetField(0, rally.name.c_str());
      feature.SetField(1, rally.kind.c_str());
      feature.SetField(2, rally.day.c_str());
      feature.SetField(3, rally.leg.c_str());
      feature.SetField(4, rally.radius_m);
      feature.SetField(5, rally.along_m);
      if (rally.arrive_utc_ms) {
        SetTime(feature, 6, *rally.arrive_utc_ms);
      } else {
        feature.SetFieldNull(6);
      }
      if (rally.depart_utc_ms) {
        SetTime(feature, 7, *rally.depart_utc_ms);
      } else {
        feature.SetFieldNull(7);
      }
      feature.SetGeometryDirectly(new OGRPoint(rally.lon_deg, rally.lat_deg));
      if (rallies->CreateFeature(&feature) != OGRERR_NONE)
        return fail("cannot write a rally point");
    }
  }
  // Alerts, at the place each was raised; figures the kind has none of are null.
  {
    OGRFeature feature(alerts->GetLayerDefn());
    for (const v1::JournalAlert* alert : input.alerts) {
      feature.SetFID(OGRNullFID);
      feature.SetField(0, static_cast<GIntBig>(alert->alert_id()));
      feature.SetField(1, alert->kind().c_str());
      std::string cars;
      for (const auto& id : alert->car_ids()) cars += (cars.empty() ? "" : ",") + id;
      feature.SetField(2, cars.c_str());
      SetTime(feature, 3, alert->raised_ms());
      const std::pair<int, int64_t> times[] = {{4, alert->cleared_ms()},
                                               {5, alert->acknowledged_ms()}};
      for (const auto& [field, ms] : times) {
        if (ms != 0) {
          SetTime(feature, field, ms);
        } else {
          feature.SetFieldNull(field);
        }
      }
      feature.SetField(6, alert->acknowledged_by().c_str());
      feature.SetField(7, alert->cleared_by().c_str());
      const double figures[] = {
          alert->along_m(),          alert->gap_m(),     alert->gap_s(),     alert->offset_m(),
          alert->heading_diff_deg(), alert->speed_mps(), alert->duration_s()};
      for (int i = 0; i < 7; ++i) {
        if (std::isfinite(figures[i])) {
          feature.SetField(8 + i, figures[i]);
        } else {
          feature.SetFieldNull(8 + i);
        }
      }
      feature.SetField(15, alert->text().c_str());
      if (alert->lat_e7() != 0 || alert->lon_e7() != 0) {
        feature.SetGeometryDirectly(new OGRPoint(alert->lon_e7() * 1e-7, alert->lat_e7() * 1e-7));
      } else {
        feature.SetGeometryDirectly(nullptr);
      }
      if (alerts->CreateFeature(&feature) != OGRERR_NONE) return fail("cannot write an alert");
    }
  }
  // Radio: a row per addressed car of a staff message, a row per message from a car.
  {
    auto position = [&](const std::string& car, int64_t time_ms) -> const proto::Fix* {
      for (const ExportTrack& track : input.tracks) {
        if (track.car->id != car) continue;
        auto it =
            std::upper_bound(track.fixes.begin(), track.fixes.end(), time_ms,
                             [](int64_t t, const RecordedFix& f) { return t < f.fix.time_ms; });
        while (it != track.fixes.begin()) {
          --it;
          if (it->verdict == proto::FixVerdict::kGood) return &it->fix;
        }
        return nullptr;
      }
      return nullptr;
    };
    OGRFeature feature(radio->GetLayerDefn());
    auto add = [&](int64_t time_ms, const std::string& car, const std::string& sender,
                   const std::string& text, const std::string& kind, uint64_t id,
                   std::optional<bool> delivered) {
      feature.SetFID(OGRNullFID);
      SetTime(feature, 0, time_ms);
      feature.SetField(1, car.c_str());
      feature.SetField(2, sender.c_str());
      feature.SetField(3, text.c_str());
      feature.SetField(4, kind.c_str());
      feature.SetField(5, static_cast<GIntBig>(id));
      if (delivered) {
        feature.SetField(6, *delivered ? 1 : 0);
      } else {
        feature.SetFieldNull(6);
      }
      const proto::Fix* at = position(car, time_ms);
      feature.SetGeometryDirectly(at ? new OGRPoint(at->lon_e7 * 1e-7, at->lat_e7 * 1e-7)
                                     : nullptr);
      return radio->CreateFeature(&feature) == OGRERR_NONE;
    };
    for (const replay::ReplayRadio* message : input.radio) {
      if (message->from_car) {
        const auto& m = message->car_message;
        if (!add(m.time_ms(), m.car_id(), m.car_id(), m.text(), m.kind(), m.message_id(),
                 std::nullopt))
          return fail("cannot write a radio message");
        continue;
      }
      const auto& m = message->sent;
      for (const std::string& car : m.car_ids()) {
        const auto& phones = m.phone_car_ids();
        std::optional<bool> delivered;
        if (std::find(phones.begin(), phones.end(), car) == phones.end()) {
          delivered = std::find(message->delivered.begin(), message->delivered.end(), car) !=
                      message->delivered.end();
        }
        if (!add(m.time_ms(), car, m.from(), m.text(), "to " + m.to(), m.message_id(), delivered))
          return fail("cannot write a radio message");
      }
    }
  }
  // Tracks: one MultiLineString per car with good fixes.
  std::vector<GIntBig> track_fid(input.tracks.size(), OGRNullFID);
  {
    OGRFeature feature(tracks->GetLayerDefn());
    for (size_t t = 0; t < input.tracks.size(); ++t) {
      const ExportTrack& track = input.tracks[t];
      if (track.good_fixes == 0) continue;
      auto lines = std::make_unique<OGRMultiLineString>();
      std::vector<double> x, y;
      x.reserve(track.good_fixes);
      y.reserve(track.good_fixes);
      int64_t previous_ms = 0;
      auto flush_part = [&] {
        OGRLineString part;
        part.setPoints(static_cast<int>(x.size()), x.data(), y.data());
        lines->addGeometry(&part);
        x.clear();
        y.clear();
      };
      for (const RecordedFix& f : track.fixes) {
        if (f.verdict != proto::FixVerdict::kGood) continue;
        if (!x.empty() && StartsNewSegment(previous_ms, f.fix.time_ms)) flush_part();
        previous_ms = f.fix.time_ms;
        x.push_back(f.fix.lon_e7 * 1e-7);
        y.push_back(f.fix.lat_e7 * 1e-7);
      }
      flush_part();
      feature.SetFID(OGRNullFID);
      feature.SetField(0, track.car->id.c_str());
      feature.SetField(1, track.car->name.c_str());
      feature.SetField(2, track.car->role.c_str());
      SetTime(feature, 3, track.first_good_ms);
      SetTime(feature, 4, track.last_good_ms);
      feature.SetField(5, static_cast<GIntBig>(track.good_fixes));
      feature.SetField(6, static_cast<int>(track.segments));
      feature.SetField(7, track.distance_m);
      feature.SetGeometryDirectly(lines.release());
      if (tracks->CreateFeature(&feature) != OGRERR_NONE) return fail("cannot write a track");
      track_fid[t] = feature.GetFID();
    }
  }
  // Fixes: every one, whatever its verdict.
  progress.Start("writing GPKG", input.fixes, "fixes");
  OGRFeature feature(fixes->GetLayerDefn());
  auto* point = new OGRPoint(0, 0);
  feature.SetGeometryDirectly(point);  // owned by the feature; moved in place below
  uint64_t written = 0;
  bool fids_in_order = true;  // 1, 2, 3, ...: what the packed R-tree needs
  for (size_t t = 0; t < input.tracks.size(); ++t) {
    const ExportTrack& track = input.tracks[t];
    const std::string& car = track.car->id;
    int64_t previous_ms = 0;
    int segment = 0;
    for (const RecordedFix& f : track.fixes) {
      const bool good = f.verdict == proto::FixVerdict::kGood;
      feature.SetFID(OGRNullFID);
      feature.SetField(0, car.c_str());
      feature.SetField(1, static_cast<GIntBig>(f.seq));
      SetTime(feature, 2, f.fix.time_ms);
      if (f.fix.altitude_dm != 0) {
        feature.SetField(3, f.fix.altitude_dm * 0.1);
      } else {
        feature.SetFieldNull(3);
      }
      feature.SetField(4, f.fix.speed_cmps * 0.01);
      feature.SetField(5, f.fix.course_cdeg * 0.01);
      if (f.fix.hdop_c != 0) {
        feature.SetField(6, f.fix.hdop_c * 0.01);
      } else {
        feature.SetFieldNull(6);
      }
      if (f.fix.satellites != 0) {
        feature.SetField(7, static_cast<int>(f.fix.satellites));
      } else {
        feature.SetFieldNull(7);
      }
      feature.SetField(8, proto::FixQualityName(f.fix.quality));
      feature.SetField(9, proto::FixVerdictName(f.verdict));
      feature.SetField(10, f.from_phone ? "phone" : "unit");
      feature.SetField(11, static_cast<GIntBig>(f.received_ms - f.fix.time_ms));
      if (good) {
        if (segment == 0 || StartsNewSegment(previous_ms, f.fix.time_ms)) ++segment;
        previous_ms = f.fix.time_ms;
        feature.SetField(12, track_fid[t]);
        feature.SetField(13, segment);
      } else {
        feature.SetFieldNull(12);
        feature.SetFieldNull(13);
      }
      point->setX(f.fix.lon_e7 * 1e-7);
      point->setY(f.fix.lat_e7 * 1e-7);
      if (fixes->CreateFeature(&feature) != OGRERR_NONE) return fail("cannot write a fix");
      fids_in_order = fids_in_order && feature.GetFID() == static_cast<GIntBig>(written + 1);
      if (++written % kFixesPerTransaction == 0) {
        if (ds->CommitTransaction() != OGRERR_NONE || ds->StartTransaction() != OGRERR_NONE) {
          return fail("cannot commit");
        }
      }
      progress.Update(written);
    }
  }
  if (ds->CommitTransaction() != OGRERR_NONE) return fail("cannot commit");
  progress.Finish();

  progress.Start("spatial index", 1, "");
  if (ds->StartTransaction() != OGRERR_NONE) return fail("cannot start a transaction");
  Status indexed = Status(Error{"fids out of order"});
  if (fids_in_order) {
    indexed = AddPackedPointIndex(*ds, "fixes", "geom", written, [&](const PointVisitor& visit) {
      for (const ExportTrack& track : input.tracks) {
        for (const RecordedFix& f : track.fixes) visit(f.fix.lon_e7 * 1e-7, f.fix.lat_e7 * 1e-7);
      }
    });
  }
  if (indexed.ok()) {
    if (ds->CommitTransaction() != OGRERR_NONE) return fail("cannot commit the spatial index");
  } else {
    // Never expected; GDAL's own way is slow but needs nothing from us.
    ds->RollbackTransaction();
    errors.Reset();
    OGRLayer* result =
        ds->ExecuteSQL("SELECT CreateSpatialIndex('fixes', 'geom')", nullptr, nullptr);
    if (result != nullptr) ds->ReleaseResultSet(result);
    if (errors.failed()) {
      return fail("cannot create the spatial index of fixes (" + indexed.message() + ")");
    }
  }
  ds.reset();  // builds the small layers' deferred R-trees and closes
  progress.Finish();
  if (errors.failed()) return fail("cannot finish the GeoPackage");
  return Status::Ok();
}

}  // namespace convoy::hub
