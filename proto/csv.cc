#include "proto/csv.h"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace convoy::proto {
namespace {

std::string Trim(std::string_view s) {
  size_t begin = 0, end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return std::string(s.substr(begin, end - begin));
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

char DetectSeparator(std::string_view text) {
  const std::string_view first_line = text.substr(0, text.find('\n'));
  const bool has_comma = first_line.find(',') != std::string_view::npos;
  const bool has_semicolon = first_line.find(';') != std::string_view::npos;
  return (has_semicolon && !has_comma) ? ';' : ',';
}

}  // namespace

Result<std::vector<CsvRow>> ParseCsv(std::string_view text, std::string_view source) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  const char separator = DetectSeparator(text);
  std::vector<CsvRow> rows;
  CsvRow row{1, {}};
  std::string field;
  int line = 1;
  bool in_quotes = false, field_was_quoted = false;
  auto end_row = [&] {
    row.fields.push_back(std::move(field));
    field.clear();
    const bool empty =
        row.fields.size() == 1 && row.fields[0].find_first_not_of(" \t") == std::string::npos;
    if (!empty) rows.push_back(std::move(row));
    row = CsvRow{line, {}};
    field_was_quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\0') {
      return Error{std::string(source) + " line " + std::to_string(line) + ": NUL byte"};
    }
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && Trim(field).empty() && !field_was_quoted) {
      field.clear();
      in_quotes = field_was_quoted = true;
    } else if (c == separator) {
      row.fields.push_back(std::move(field));
      field.clear();
      field_was_quoted = false;
    } else if (c == '\n') {
      ++line;
      end_row();
    } else if (c != '\r') {
      field.push_back(c);
    }
  }
  if (in_quotes) {
    return Error{std::string(source) + " line " + std::to_string(row.line) +
                 ": quoted field is never closed"};
  }
  end_row();
  return rows;
}

Result<CsvTable> CsvTable::Parse(std::string_view text, std::string_view source) {
  auto rows = ParseCsv(text, source);
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Error{std::string(source) + ": empty file, expected a header row"};
  CsvTable table;
  table.source_ = std::string(source);
  for (const std::string& name : rows->front().fields) table.header_.push_back(Lower(Trim(name)));
  table.rows_.assign(std::make_move_iterator(rows->begin() + 1),
                     std::make_move_iterator(rows->end()));
  return table;
}

Result<std::string> ReadTextFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open"};
  std::string text;
  char chunk[8192];
  while (in.read(chunk, sizeof chunk) || in.gcount() > 0) {
    text.append(chunk, static_cast<size_t>(in.gcount()));
    if (text.size() > max_bytes) {
      return Error{path + ": larger than " + std::to_string(max_bytes) + " bytes"};
    }
  }
  if (in.bad()) return Error{path + ": read error"};
  return text;
}

Result<CsvTable> CsvTable::Load(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

int CsvTable::Column(std::string_view name) const {
  const std::string wanted = Lower(std::string(name));
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == wanted) return static_cast<int>(i);
  }
  return -1;
}

std::string CsvTable::Field(const CsvRow& row, int column) const {
  if (column < 0 || static_cast<size_t>(column) >= row.fields.size()) return {};
  return Trim(row.fields[column]);
}

}  // namespace convoy::proto
