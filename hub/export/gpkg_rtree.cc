#include "hub/export/gpkg_rtree.h"

#include <gdal_priv.h>
#include <sqlite3.h>

#include <cmath>
#include <cstring>
#include <vector>

namespace convoy::hub {
namespace {

// Bytes of a 2-D cell in SQLite's rtree node: a 64-bit id and four 32-bit floats.
constexpr size_t kCellBytes = 24;

struct Box {
  float min_x = INFINITY, max_x = -INFINITY, min_y = INFINITY, max_y = -INFINITY;
  void Add(const Box& b) {
    min_x = std::min(min_x, b.min_x);
    max_x = std::max(max_x, b.max_x);
    min_y = std::min(min_y, b.min_y);
    max_y = std::max(max_y, b.max_y);
  }
};

// SQLite keeps 32-bit floats and rounds a box outwards so that it still holds the double
// coordinates; so do we.
float Down(double d) {
  float f = static_cast<float>(d);
  return f > d ? std::nextafter(f, -INFINITY) : f;
}
float Up(double d) {
  float f = static_cast<float>(d);
  return f < d ? std::nextafter(f, INFINITY) : f;
}

void PutU16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void PutI64(uint8_t* p, int64_t v) {
  for (int i = 7; i >= 0; --i, v >>= 8) p[i] = static_cast<uint8_t>(v);
}
void PutF32(uint8_t* p, float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  for (int i = 3; i >= 0; --i, u >>= 8) p[i] = static_cast<uint8_t>(u);
}

std::string Ident(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}
std::string Literal(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("''") : std::string(1, c);
  return quoted + "'";
}

// Statements on the SQLite connection of the GDAL dataset (GDAL's "SQLITE_HANDLE"): inside
// GDAL's transaction, with prepared statements and bound blobs. GDAL's ExecuteSQL would also do,
// but it scans every statement's text for keywords, and the node blobs are megabytes of hex.
class Sql {
 public:
  explicit Sql(sqlite3* db) : db_(db) {}
  Status Run(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      Error error{std::string(message != nullptr ? message : "SQLite error") + " (in " +
                  sql.substr(0, 60) + "...)"};
      sqlite3_free(message);
      return error;
    }
    return Status::Ok();
  }
  // The first column of the first row as an integer, or -1.
  int64_t Integer(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int64_t value = -1;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
      value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return value;
  }
  sqlite3* db() const { return db_; }

 private:
  sqlite3* db_;
};

// Inserts (integer, integer-or-blob) rows with one prepared statement.
class RowWriter {
 public:
  RowWriter(Sql& sql, const std::string& insert) : db_(sql.db()) {
    if (sqlite3_prepare_v2(db_, insert.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      status_ = Error{std::string(sqlite3_errmsg(db_)) + " (in " + insert + ")"};
    }
  }
  ~RowWriter() { sqlite3_finalize(stmt_); }
  RowWriter(const RowWriter&) = delete;
  RowWriter& operator=(const RowWriter&) = delete;

  void Blob(int64_t key, const std::vector<uint8_t>& blob) {
    if (!status_.ok()) return;
    sqlite3_bind_int64(stmt_, 1, key);
    sqlite3_bind_blob(stmt_, 2, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
    Step();
  }
  void Integer(int64_t key, int64_t value) {
    if (!status_.ok()) return;
    sqlite3_bind_int64(stmt_, 1, key);
    sqlite3_bind_int64(stmt_, 2, value);
    Step();
  }
  const Status& status() const { return status_; }

 private:
  void Step() {
    if (sqlite3_step(stmt_) != SQLITE_DONE) status_ = Error{sqlite3_errmsg(db_)};
    sqlite3_reset(stmt_);
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  Status status_;
};

// Writes the tree's node rows and parent rows.
class NodeWriter {
 public:
  NodeWriter(Sql& sql, const std::string& index)
      : nodes_(sql, "INSERT INTO " + Ident(index + "_node") + "(nodeno, data) VALUES (?, ?)"),
        parents_(sql, "INSERT INTO " + Ident(index + "_parent") +
                          "(nodeno, parentnode) VALUES (?, ?)") {}
  void Node(int64_t nodeno, const std::vector<uint8_t>& blob) { nodes_.Blob(nodeno, blob); }
  void Parent(int64_t nodeno, int64_t parent) { parents_.Integer(nodeno, parent); }
  Status Finish() const { return !nodes_.status().ok() ? nodes_.status() : parents_.status(); }

 private:
  RowWriter nodes_;
  RowWriter parents_;
};

// One node being filled: its blob and the union of its cells' boxes.
struct OpenNode {
  std::vector<uint8_t> blob;
  uint16_t cells = 0;
  Box box;

  explicit OpenNode(size_t bytes) : blob(bytes, 0) {}
  void AddCell(int64_t id, const Box& b) {
    uint8_t* cell = blob.data() + 4 + cells * kCellBytes;
    PutI64(cell, id);
    PutF32(cell + 8, b.min_x);
    PutF32(cell + 12, b.max_x);
    PutF32(cell + 16, b.min_y);
    PutF32(cell + 20, b.max_y);
    box.Add(b);
    ++cells;
  }
  // Finishes the blob (depth: only the root's counts) and empties the node for reuse.
  void Seal(uint16_t depth) {
    PutU16(blob.data(), depth);
    PutU16(blob.data() + 2, cells);
  }
  void Clear() {
    std::fill(blob.begin(), blob.end(), 0);
    cells = 0;
    box = Box();
  }
};

}  // namespace

Status AddPackedPointIndex(GDALDataset& ds, const std::string& table,
                           const std::string& geometry_column, uint64_t count,
                           const PointSource& points) {
  auto* db = static_cast<sqlite3*>(ds.GetInternalHandle("SQLITE_HANDLE"));
  if (db == nullptr) return Error{"packed R-tree: GDAL gives no SQLite handle"};
  Sql sql(db);
  const std::string index = "rtree_" + table + "_" + geometry_column;
  if (count > 0) {
    const int64_t min_fid = sql.Integer("SELECT min(fid) FROM " + Ident(table));
    const int64_t max_fid = sql.Integer("SELECT max(fid) FROM " + Ident(table));
    if (min_fid != 1 || max_fid != static_cast<int64_t>(count)) {
      return Error{"packed R-tree: fids of " + table + " are not 1.." + std::to_string(count)};
    }
  }
  Status status =
      sql.Run("CREATE VIRTUAL TABLE " + Ident(index) + " USING rtree(id, minx, maxx, miny, maxy)");
  if (!status.ok()) return status;
  // SQLite chose the node size from the page size and wrote an empty root of that size.
  const int64_t node_bytes =
      sql.Integer("SELECT length(data) FROM " + Ident(index + "_node") + " WHERE nodeno = 1");
  const int64_t fanout = (node_bytes - 4) / static_cast<int64_t>(kCellBytes);
  if (node_bytes <= 0 || fanout < 2) return Error{"packed R-tree: unexpected node size"};

  if (count > 0) {
    status = sql.Run("DELETE FROM " + Ident(index + "_node"));
    if (!status.ok()) return status;
    NodeWriter writer(sql, index);
    const bool root_is_leaf = count <= static_cast<uint64_t>(fanout);
    // Leaves: fids in order, `fanout` to a node, numbered from 2 (1 is the root).
    std::vector<Box> level_boxes;
    std::vector<int64_t> level_nodes;
    int64_t next_nodeno = root_is_leaf ? 1 : 2;
    OpenNode node(static_cast<size_t>(node_bytes));
    int64_t fid = 0;
    auto close_leaf = [&] {
      node.Seal(0);
      writer.Node(next_nodeno, node.blob);
      level_boxes.push_back(node.box);
      level_nodes.push_back(next_nodeno++);
      node.Clear();
    };
    points([&](double x, double y) {
      node.AddCell(++fid, Box{Down(x), Up(x), Down(y), Up(y)});
      if (!root_is_leaf && node.cells == fanout) close_leaf();
    });
    if (static_cast<uint64_t>(fid) != count) {
      return Error{"packed R-tree: " + std::to_string(fid) + " points for " +
                   std::to_string(count) + " features"};
    }
    if (root_is_leaf) {
      node.Seal(0);
      writer.Node(1, node.blob);
    } else {
      if (node.cells > 0) close_leaf();
      // Upper levels, each grouping `fanout` nodes of the level below, until one root is left.
      uint16_t depth = 1;
      while (level_nodes.size() > static_cast<size_t>(fanout)) {
        std::vector<Box> boxes;
        std::vector<int64_t> nodes;
        for (size_t i = 0; i < level_nodes.size(); i += fanout) {
          const int64_t nodeno = next_nodeno++;
          for (size_t j = i; j < std::min(level_nodes.size(), i + fanout); ++j) {
            node.AddCell(level_nodes[j], level_boxes[j]);
            writer.Parent(level_nodes[j], nodeno);
          }
          node.Seal(0);
          writer.Node(nodeno, node.blob);
          boxes.push_back(node.box);
          nodes.push_back(nodeno);
          node.Clear();
        }
        level_boxes = std::move(boxes);
        level_nodes = std::move(nodes);
        ++depth;
      }
      for (size_t j = 0; j < level_nodes.size(); ++j) {
        node.AddCell(level_nodes[j], level_boxes[j]);
        writer.Parent(level_nodes[j], 1);
      }
      node.Seal(depth);
      writer.Node(1, node.blob);
    }
    status = writer.Finish();
    if (!status.ok()) return status;
    const std::string leaf_of_fid =
        root_is_leaf ? "1" : "2 + (fid - 1) / " + std::to_string(fanout);
    status = sql.Run("INSERT INTO " + Ident(index + "_rowid") + "(rowid, nodeno) SELECT fid, " +
                     leaf_of_fid + " FROM " + Ident(table));
    if (!status.ok()) return status;
  }

  // The triggers of the GeoPackage specification (extension gpkg_rtree_index), as GDAL writes
  // them, so that edits made later keep the index right.
  const std::string t = Ident(table), g = Ident(geometry_column), r = Ident(index);
  const std::string insert_new = "INSERT OR REPLACE INTO " + r +
                                 " VALUES (NEW.\"fid\",ST_MinX(NEW." + g + "), ST_MaxX(NEW." + g +
                                 "),ST_MinY(NEW." + g + "), ST_MaxY(NEW." + g + "))";
  auto trigger = [&](const char* suffix) {
    return "CREATE TRIGGER " + Ident(index + "_" + suffix);
  };
  const std::string triggers[] = {
      trigger("insert") + " AFTER INSERT ON " + t + " WHEN (new." + g +
          " NOT NULL AND NOT ST_IsEmpty(NEW." + g + ")) BEGIN " + insert_new + "; END",
      trigger("update1") + " AFTER UPDATE OF " + g + " ON " + t +
          " WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW." + g + " NOTNULL AND NOT ST_IsEmpty(NEW." + g +
          ")) BEGIN " + insert_new + "; END",
      trigger("update2") + " AFTER UPDATE OF " + g + " ON " + t +
          " WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW." + g + " ISNULL OR ST_IsEmpty(NEW." + g +
          ")) BEGIN DELETE FROM " + r + " WHERE id = OLD.\"fid\"; END",
      trigger("update3") + " AFTER UPDATE ON " + t + " WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW." +
          g + " NOTNULL AND NOT ST_IsEmpty(NEW." + g + ")) BEGIN DELETE FROM " + r +
          " WHERE id = OLD.\"fid\"; " + insert_new + "; END",
      trigger("update4") + " AFTER UPDATE ON " + t + " WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW." +
          g + " ISNULL OR ST_IsEmpty(NEW." + g + ")) BEGIN DELETE FROM " + r +
          " WHERE id IN (OLD.\"fid\", NEW.\"fid\"); END",
      trigger("delete") + " AFTER DELETE ON " + t + " WHEN old." + g +
          " NOT NULL BEGIN DELETE FROM " + r + " WHERE id = OLD.\"fid\"; END",
  };
  for (const std::string& statement : triggers) {
    status = sql.Run(statement);
    if (!status.ok()) return status;
  }
  status = sql.Run(
      "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
      "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
      "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))");
  if (!status.ok()) return status;
  return sql.Run(
      "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
      "VALUES (" +
      Literal(table) + ", " + Literal(geometry_column) +
      ", 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')");
}

}  // namespace convoy::hub
