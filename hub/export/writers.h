// The export formats. Each writer creates `path` (replacing it) from an ExportInput and reports
// progress in fixes. How each is written, and why:
//
//   GPX, KML, GeoJSON, CSV: streamed as text by our own code (gpx_kml_writer.cc,
//     geojson_csv_writer.cc), because OGR's per-feature path cannot keep up with millions of
//     points (its GPX writer builds a feature per trkpt). Coordinates are written from the
//     recorded 1e-7 degree integers with exactly 7 decimals, so they read back exactly. Tests read
//     every file back through GDAL and ogrinfo.
//   GeoPackage: through GDAL's OGR C++ API (gpkg_writer.cc), in large transactions.
//
// Contents: GPX has a <trk> per car (name, car id in <desc>) with a <trkseg> per segment and a
// <trkpt> per good fix (<ele> when reported, <time>), rally points as <wpt>. KML has a Placemark
// per car with a LineString (a MultiGeometry of LineStrings when the track has gaps) in a
// "Tracks" folder, rally points in a "Rally points" folder. GeoJSON has a Feature per car with
// a LineString or MultiLineString, and a Point Feature per rally point. CSV has a row per good
// fix. The GeoPackage has every fix with its verdict (layer fixes), a MultiLineString per car
// (tracks), and the layers alerts, radio and rally_points.
//
// None of them is thread-safe with respect to the same path. GDAL's messages are captured and
// returned in the error.
#pragma once

#include <string>

#include "hub/export/progress.h"
#include "hub/export/tracks.h"
#include "proto/result.h"

namespace convoy::hub {

Status WriteGpx(const ExportInput& input, const std::string& path, Progress& progress);
Status WriteKml(const ExportInput& input, const std::string& path, Progress& progress);
Status WriteGeoJson(const ExportInput& input, const std::string& path, Progress& progress);
// Columns: car,name,seq,time,lat,lon,altitude_m,speed_mps,course_deg,hdop,satellites,quality,
// segment. Empty cells for values the receiver did not report. GDAL reads the points with the
// open options X_POSSIBLE_NAMES=lon Y_POSSIBLE_NAMES=lat; QGIS finds lat/lon by itself.
Status WriteCsv(const ExportInput& input, const std::string& path, Progress& progress);
Status WriteGeoPackage(const ExportInput& input, const std::string& path, Progress& progress);

}  // namespace convoy::hub
