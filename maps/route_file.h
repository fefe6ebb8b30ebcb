// Reading planned routes and their named points through GDAL/OGR.
//
// Formats (GDAL drivers): GPX (routes, else tracks; waypoints), KML (OGR's own KML driver:
// LineString and MultiGeometry placemarks, point placemarks; gx:Track, which that driver skips,
// is read with GDAL's XML parser when the file has no other line), GeoJSON (Feature,
// FeatureCollection or a bare geometry), GeoPackage (any line and point tables). LIBKML is not
// used: Debian's GDAL 3.6 LIBKML driver crashes on a gx:Track without <when> elements.
//
// Lines: every LineString part of every line feature, in file order (layers, then features, then
// parts), joined end to start; a GPX file's routes are used when it has any, else its tracks, and
// its route_points / track_points layers are ignored (they repeat the lines). Points: point
// features with a non-empty name (GPX waypoints, KML placemarks, ...); unnamed points are skipped.
// Coordinates are converted to WGS-84 when a layer has another CRS; a layer without one is taken
// as WGS-84 longitude/latitude.
//
// GDAL's errors are captured, not printed, and returned as the error message. Thread-safe (GDAL's
// error handler stack is per thread; each call opens its own dataset).
#pragma once

#include <string>
#include <vector>

#include "maps/latlon.h"
#include "maps/route.h"
#include "proto/result.h"

namespace convoy::maps {

// A named point from a file: a GPX waypoint, a KML placemark, a GeoJSON/GeoPackage point feature.
struct NamedPoint {
  std::string name;
  std::string kind;  // the feature's "type", "kind" or "sym" field; may be empty
  LatLon position;
};

struct GeoFileOptions {
  // The field that names point features. Empty: "name" (any case), else the first string field
  // whose name ends in "name" (a GeoPackage of bus stops has "stop_name").
  std::string name_field;
};

struct GeoFileContents {
  std::string path;
  std::string line_name;           // the first line feature's name, if it has one
  std::vector<LatLon> line;        // all line parts joined; empty when the file has no lines
  std::vector<NamedPoint> points;  // in file order
};

// Errors: "PATH: cannot open: <GDAL's message>", "PATH: layer 'tracks' feature 3 point 7:
// latitude 91.0000000 is outside [-90, 90]", ...
Result<GeoFileContents> ReadGeoFile(const std::string& path, const GeoFileOptions& options = {});

// A route file's line as a Route, with its named points (not yet projected: see rally_point.h).
struct RouteFile {
  std::string path;
  std::string name;
  Route route;
  std::vector<NamedPoint> waypoints;
};
// As ReadGeoFile, and fails when the file has no line ("PATH: no route line (LineString) in
// the file").
Result<RouteFile> LoadRouteFile(const std::string& path, const GeoFileOptions& options = {});

}  // namespace convoy::maps
