// The OsmAnd fixtures (tests/data/osmand): Traccar's test requests and the phone apps' request
// templates, read as they are.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace convoy::testing {

inline std::string OsmandData(const std::string& name) {
  return std::string(CONVOY_TEST_DATA) + "/osmand/" + name;
}

// One row of requests.tsv: expect, method, uri, content_type, body.
struct TsvRequest {
  std::string expect;
  std::string method;
  std::string uri;
  std::string content_type;
  std::string body;
};

inline std::vector<TsvRequest> LoadTsvRequests() {
  std::ifstream in(OsmandData("requests.tsv"));
  EXPECT_TRUE(in) << "missing requests.tsv";
  std::vector<TsvRequest> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::stringstream split(line);
    for (std::string field; std::getline(split, field, '\t');) fields.push_back(field);
    fields.resize(5);
    rows.push_back({fields[0], fields[1], fields[2], fields[3], fields[4]});
  }
  EXPECT_EQ(rows.size(), 8u);
  return rows;
}

// The two templates of client_templates.txt: the current app's location JSON and the legacy
// Android app's query.
struct ClientTemplates {
  std::string flutter_location;  // {"timestamp": "<%= timestamp %>", ...}
  std::string legacy_query;      // <serverUrl>?id=<deviceId>&...[&mock=true][&alarm=<alarm>]
};

inline ClientTemplates LoadClientTemplates() {
  std::ifstream in(OsmandData("client_templates.txt"));
  EXPECT_TRUE(in) << "missing client_templates.txt";
  ClientTemplates templates;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("{", 0) == 0) templates.flutter_location = line;
    if (line.rfind("<serverUrl>", 0) == 0) templates.legacy_query = line;
  }
  EXPECT_FALSE(templates.flutter_location.empty());
  EXPECT_FALSE(templates.legacy_query.empty());
  return templates;
}

// Replaces every `from` in `text` by `to`.
inline std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// The current app's request body: its location template filled as the plugin does, wrapped
// with the device id. `values` maps placeholder names ("latitude", "battery.level") to JSON
// text.
inline std::string FlutterBody(const ClientTemplates& templates, const std::string& device_id,
                               const std::map<std::string, std::string>& values) {
  std::string location = ReplaceAll(templates.flutter_location, "${id}", device_id);
  for (const auto& [name, value] : values) {
    location = ReplaceAll(location, "<%= " + name + " %>", value);
  }
  EXPECT_EQ(location.find("<%="), std::string::npos) << "unfilled placeholder: " << location;
  return "{\"location\":" + location + ",\"device_id\":\"" + device_id + "\"}";
}

// The legacy app's request target, with the optional parts kept or dropped. Placeholders:
// deviceId, unixSeconds, lat, lon, knots, deg, altitude_m, accuracy_m, pct.
inline std::string LegacyTarget(const ClientTemplates& templates,
                                const std::map<std::string, std::string>& values, bool mock,
                                const std::string& alarm) {
  std::string target = templates.legacy_query;
  target = ReplaceAll(target, "[&mock=true]", mock ? "&mock=true" : "");
  target = ReplaceAll(target, "[&alarm=<alarm>]", alarm.empty() ? "" : "&alarm=" + alarm);
  target = ReplaceAll(target, "<serverUrl>", "/");
  // Both are "<m>" in the template; named apart so a test can tell them apart.
  target = ReplaceAll(target, "altitude=<m>", "altitude=<altitude_m>");
  target = ReplaceAll(target, "accuracy=<m>", "accuracy=<accuracy_m>");
  for (const auto& [name, value] : values) target = ReplaceAll(target, "<" + name + ">", value);
  EXPECT_EQ(target.find('<'), std::string::npos) << "unfilled placeholder: " << target;
  return target;
}

}  // namespace convoy::testing
