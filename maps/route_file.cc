#include "maps/route_file.h"

#include <cpl_error.h>
#include <cpl_minixml.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>

namespace convoy::maps {
namespace {

// Captures GDAL's errors for the current thread while alive, instead of GDAL printing them.
class GdalErrorCapture {
 public:
  GdalErrorCapture() { CPLPushErrorHandlerEx(&Handler, this); }
  ~GdalErrorCapture() { CPLPopErrorHandler(); }
  GdalErrorCapture(const GdalErrorCapture&) = delete;
  GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;

  bool failed() const { return !first_failure_.empty(); }
  // The first failure, else the last warning, else empty.
  std::string message() const { return failed() ? first_failure_ : last_warning_; }

 private:
  static void CPL_STDCALL Handler(CPLErr level, CPLErrorNum, const char* msg) {
    auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    if (self == nullptr || msg == nullptr) return;
    if (level >= CE_Failure) {
      if (self->first_failure_.empty()) self->first_failure_ = msg;
    } else if (level == CE_Warning) {
      self->last_warning_ = msg;
    }
  }
  std::string first_failure_;
  std::string last_warning_;
};

void RegisterDriversOnce() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

bool EndsWithNoCase(const std::string& s, const std::string& suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(),
                    [](char a, char b) { return std::tolower(a) == std::tolower(b); });
}

int NameField(OGRFeatureDefn* defn, const GeoFileOptions& options) {
  if (!options.name_field.empty()) return defn->GetFieldIndex(options.name_field.c_str());
  int i = defn->GetFieldIndex("name");  // case-insensitive in OGR
  if (i >= 0) return i;
  for (int f = 0; f < defn->GetFieldCount(); ++f) {
    OGRFieldDefn* field = defn->GetFieldDefn(f);
    if (field->GetType() == OFTString && EndsWithNoCase(field->GetNameRef(), "name")) return f;
  }
  return -1;
}

int KindField(OGRFeatureDefn* defn) {
  for (const char* name : {"type", "kind", "sym"}) {
    int i = defn->GetFieldIndex(name);
    if (i >= 0) return i;
  }
  return -1;
}

std::string StringField(OGRFeature& f, int index) {
  if (index < 0 || !f.IsFieldSetAndNotNull(index)) return "";
  return f.GetFieldAsString(index);
}

// OGR's KML driver skips gx:Track (Google's recorded-track element) and LIBKML crashes on one
// without <when>, so its <gx:coord>lon lat alt</gx:coord> children are read here. A coordinate
// that does not parse is kept as a non-finite point, so the caller can name it.
void CollectGxTracks(const CPLXMLNode* node, bool in_track, std::vector<RawLatLon>* out) {
  for (; node != nullptr; node = node->psNext) {
    if (node->eType != CXT_Element) continue;
    std::string name = node->pszValue;
    bool track = in_track || name == "gx:Track";
    if (track && name == "gx:coord") {
      const char* text = CPLGetXMLValue(node, nullptr, "");
      double lon = 0, lat = 0;
      if (std::sscanf(text, "%lf %lf", &lon, &lat) == 2) {
        out->push_back({lat, lon});
      } else {
        out->push_back({HUGE_VAL, HUGE_VAL});  // rejected with its position by the caller
      }
      continue;
    }
    CollectGxTracks(node->psChild, track, out);
  }
}

Result<std::vector<LatLon>> ReadGxTracks(const std::string& path) {
  std::unique_ptr<CPLXMLNode, void (*)(CPLXMLNode*)> root(CPLParseXMLFile(path.c_str()),
                                                          CPLDestroyXMLNode);
  std::vector<LatLon> line;
  if (!root) return line;  // the caller reports GDAL's captured error
  std::vector<RawLatLon> raw;
  CollectGxTracks(root.get(), false, &raw);
  for (size_t i = 0; i < raw.size(); ++i) {
    Result<LatLon> p = LatLon::FromRaw(raw[i]);
    if (!p.ok()) {
      return Error{path + ": gx:Track gx:coord " + std::to_string(i + 1) + ": " +
                   (std::isfinite(raw[i].lat_deg) ? p.message() : "expected 'lon lat [alt]'")};
    }
    line.push_back(*p);
  }
  return line;
}

class Reader {
 public:
  Reader(const std::string& path, const GeoFileOptions& options) : options_(options) {
    out_.path = path;
  }

  Status ReadLayer(OGRLayer* layer, bool lines, bool points) {
    std::unique_ptr<OGRCoordinateTransformation> to_wgs84;
    if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
      OGRSpatialReference wgs84;
      wgs84.SetWellKnownGeogCS("WGS84");
      wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      to_wgs84.reset(OGRCreateCoordinateTransformation(srs, &wgs84));
      if (!to_wgs84) return Error{Where(layer, -1, -1) + "cannot convert its CRS to WGS-84"};
    }
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    int name_field = NameField(defn, options_);
    int kind_field = KindField(defn);
    layer->ResetReading();
    for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
      OGRGeometry* geom = f->GetGeometryRef();
      if (geom == nullptr || geom->IsEmpty()) continue;
      if (to_wgs84 && geom->transform(to_wgs84.get()) != OGRERR_NONE) {
        return Error{Where(layer, f->GetFID(), -1) + "cannot convert its coordinates to WGS-84"};
      }
      feature_ = f->GetFID();
      layer_ = layer;
      OGRwkbGeometryType type = wkbFlatten(geom->getGeometryType());
      if (type == wkbPoint) {
        if (!points) continue;
        std::string name = StringField(*f, name_field);
        if (name.empty()) continue;
        Result<LatLon> p = Point(geom->toPoint()->getX(), geom->toPoint()->getY(), -1);
        if (!p.ok()) return p.status();
        out_.points.push_back({name, StringField(*f, kind_field), *p});
      } else if (lines) {
        size_t before = out_.line.size();
        if (Status s = AddLines(geom); !s.ok()) return s;
        if (out_.line.size() > before && out_.line_name.empty()) {
          out_.line_name = StringField(*f, name_field);
        }
      }
    }
    return Status::Ok();
  }

  GeoFileContents& contents() { return out_; }

 private:
  Status AddLines(const OGRGeometry* geom) {
    switch (wkbFlatten(geom->getGeometryType())) {
      case wkbLineString: {
        const OGRLineString* ls = geom->toLineString();
        for (int i = 0; i < ls->getNumPoints(); ++i) {
          Result<LatLon> p = Point(ls->getX(i), ls->getY(i), i);
          if (!p.ok()) return p.status();
          out_.line.push_back(*p);
        }
        return Status::Ok();
      }
      case wkbMultiLineString:
      case wkbGeometryCollection: {
        for (const OGRGeometry* part : *geom->toGeometryCollection()) {
          if (Status s = AddLines(part); !s.ok()) return s;
        }
        return Status::Ok();
      }
      default:
        return Status::Ok();  // polygons and the like are not roads
    }
  }

  Result<LatLon> Point(double lon, double lat, int index) {
    Result<LatLon> p = LatLon::FromDegrees(lat, lon);
    if (!p.ok()) return Error{Where(layer_, feature_, index) + p.message()};
    return p;
  }

  std::string Where(OGRLayer* layer, GIntBig fid, int point) const {
    std::string s = out_.path + ": layer '" + layer->GetName() + "'";
    if (fid >= 0) s += " feature " + std::to_string(fid);
    if (point >= 0) s += " point " + std::to_string(point + 1);
    return s + ": ";
  }

  const GeoFileOptions& options_;
  GeoFileContents out_;
  OGRLayer* layer_ = nullptr;
  GIntBig feature_ = -1;
};

}  // namespace

Result<GeoFileContents> ReadGeoFile(const std::string& path, const GeoFileOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Error{path + ": " +
                 (std::filesystem::exists(path, ec) ? "not a regular file" : "no such file")};
  }
  RegisterDriversOnce();
  GdalErrorCapture errors;
  static const char* const kDrivers[] = {"GPX", "KML", "GeoJSON", "GPKG", nullptr};
  std::unique_ptr<GDALDataset> ds(GDALDataset::Open(
      path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, kDrivers));
  if (!ds) {
    std::string why = errors.message();
    // GDAL's "`PATH' not recognized as a supported file format" repeats the path and does not say
    // which formats were tried.
    if (why.empty() || why.find("not recognized") != std::string::npos) {
      why = "not a GPX, KML, GeoJSON or GeoPackage file (or one cut short before its header)";
    }
    return Error{path + ": cannot open: " + why};
  }
  Reader reader(path, options);
  std::string driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
  if (driver == "GPX") {
    OGRLayer* routes = ds->GetLayerByName("routes");
    OGRLayer* tracks = ds->GetLayerByName("tracks");
    OGRLayer* waypoints = ds->GetLayerByName("waypoints");
    if (routes) {
      if (Status s = reader.ReadLayer(routes, true, false); !s.ok()) return s;
    }
    if (tracks && reader.contents().line.empty()) {
      if (Status s = reader.ReadLayer(tracks, true, false); !s.ok()) return s;
    }
    if (waypoints) {
      if (Status s = reader.ReadLayer(waypoints, false, true); !s.ok()) return s;
    }
  } else {
    for (OGRLayer* layer : ds->GetLayers()) {
      if (Status s = reader.ReadLayer(layer, true, true); !s.ok()) return s;
    }
    if (driver == "KML" && reader.contents().line.empty()) {
      Result<std::vector<LatLon>> track = ReadGxTracks(path);
      if (!track.ok()) return track.status();
      reader.contents().line = std::move(*track);
    }
  }
  // Some drivers stop at damage part-way and only say so through the error handler.
  if (errors.failed()) return Error{path + ": " + errors.message()};
  return std::move(reader.contents());
}

Result<RouteFile> LoadRouteFile(const std::string& path, const GeoFileOptions& options) {
  Result<GeoFileContents> contents = ReadGeoFile(path, options);
  if (!contents.ok()) return contents.status();
  if (contents->line.empty()) return Error{path + ": no route line (LineString) in the file"};
  Result<Route> route = Route::FromLatLons(contents->line);
  if (!route.ok()) return Error{path + ": " + route.message()};
  return RouteFile{path, contents->line_name, std::move(*route), std::move(contents->points)};
}

}  // namespace convoy::maps
