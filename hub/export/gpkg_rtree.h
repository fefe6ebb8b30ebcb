// A packed R-tree for a GeoPackage point layer, built in one pass instead of one SQLite R-tree
// insertion per feature.
//
// GDAL 3.6 fills a layer's spatial index (extension gpkg_rtree_index) by inserting every feature
// into SQLite's R*-tree: about 15 us per point, 40 s for a two-day tour, more than writing the
// features. The R-tree is a virtual table over three ordinary tables (rtree.c in SQLite: nodes as
// blobs, rowid -> leaf, node -> parent), so a tree packed from the points in fid order can be
// written into those tables directly, on GDAL's own SQLite connection (GetInternalHandle
// "SQLITE_HANDLE") inside GDAL's transaction. Fixes are in car and time order,
// so each leaf holds about a minute of one car's drive: small boxes that overlap little.
//
// The result is the same index GDAL makes: the virtual table, the six triggers of the
// GeoPackage specification (so later edits in QGIS keep it right), the gpkg_extensions row.
// SQLite's rtreecheck() accepts it (tests check).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "proto/result.h"

class GDALDataset;

namespace convoy::hub {

using PointVisitor = std::function<void(double x, double y)>;
// Calls the visitor once per feature, for fid 1, 2, ..., count in order.
using PointSource = std::function<void(const PointVisitor& visit)>;

// Adds the index to `table` (geometry column `geometry_column`, fid column "fid"), whose features
// must have exactly the fids 1..count and no spatial index yet (created with SPATIAL_INDEX=NO).
// Call in a transaction (GDALDataset::StartTransaction): on error the caller rolls back, and may
// fall back to GDAL's own CreateSpatialIndex. Errors: SQLite's message. Cost: one pass over the
// points, about 3 % of the features' size in node blobs, one INSERT ... SELECT for the rowid table.
Status AddPackedPointIndex(GDALDataset& ds, const std::string& table,
                           const std::string& geometry_column, uint64_t count,
                           const PointSource& points);

}  // namespace convoy::hub
