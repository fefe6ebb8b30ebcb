// A small CSV reader for files people edit in a spreadsheet (the roster, the staff list):
// RFC 4180 quoting, CRLF or LF, a UTF-8 byte-order mark, and ';' as the separator when the header
// uses it (spreadsheets in many locales export that way).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "proto/result.h"

namespace convoy::proto {

struct CsvRow {
  int line = 0;  // 1-based line where the row starts
  std::vector<std::string> fields;
};

// Parses `text`; rows that are entirely empty are skipped. `source` names the file in errors
// ("cars.csv line 7: unterminated quoted field").
Result<std::vector<CsvRow>> ParseCsv(std::string_view text, std::string_view source);

// Reads a whole text file of at most max_bytes; the error names the path.
Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes = 16 << 20);

// A CSV file with a header row, columns looked up by name (case-insensitive, trimmed).
class CsvTable {
 public:
  static Result<CsvTable> Parse(std::string_view text, std::string_view source);
  static Result<CsvTable> Load(const std::string& path);

  // Index of a column, or -1.
  int Column(std::string_view name) const;
  const std::vector<std::string>& header() const { return header_; }
  const std::vector<CsvRow>& rows() const { return rows_; }
  // Field of a row, trimmed; empty when the row is short.
  std::string Field(const CsvRow& row, int column) const;
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::vector<std::string> header_;
  std::vector<CsvRow> rows_;
};

}  // namespace convoy::proto
