#include "maps/tour_plan.h"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "maps/text_format.h"

namespace convoy::maps {
namespace {

struct Entry {
  std::string key;
  std::string value;
  int line = 0;
};

struct Section {
  std::string name;
  int line = 0;
  std::vector<Entry> entries;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// A comment starts with '#' at the start of a line or after a blank, so a name such as "Stop#3"
// keeps its '#'.
std::string_view StripComment(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      return line.substr(0, i);
    }
  }
  return line;
}

bool ValidKey(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-')) {
      return false;
    }
  }
  return true;
}

bool ParseInt(std::string_view s, int* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "+02:00", "-05:30", "+0200", "Z".
bool ParseUtcOffset(std::string_view s, int* minutes) {
  if (s == "Z" || s == "z") {
    *minutes = 0;
    return true;
  }
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return false;
  int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int h = 0, m = 0;
  if (s.size() == 5 && s[2] == ':') {
    if (!ParseInt(s.substr(0, 2), &h) || !ParseInt(s.substr(3, 2), &m)) return false;
  } else if (s.size() == 4) {
    if (!ParseInt(s.substr(0, 2), &h) || !ParseInt(s.substr(2, 2), &m)) return false;
  } else if (s.size() == 2) {
    if (!ParseInt(s, &h)) return false;
  } else {
    return false;
  }
  if (h > 14 || m > 59) return false;
  *minutes = sign * (h * 60 + m);
  return true;
}

bool ParseDate(std::string_view s, int* y, int* mo, int* d) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!ParseInt(s.substr(0, 4), y) || !ParseInt(s.substr(5, 2), mo) ||
      !ParseInt(s.substr(8, 2), d)) {
    return false;
  }
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > kDays[*mo - 1]) return false;
  bool leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
  return !(*mo == 2 && *d == 29 && !leap);
}

// "09:00" or "09:00:30" -> seconds after midnight.
bool ParseTimeOfDay(std::string_view s, int* seconds) {
  int h = 0, m = 0, sec = 0;
  if (s.size() != 5 && s.size() != 8) return false;
  if (s[2] != ':' || !ParseInt(s.substr(0, 2), &h) || !ParseInt(s.substr(3, 2), &m)) return false;
  if (s.size() == 8 && (s[5] != ':' || !ParseInt(s.substr(6, 2), &sec))) return false;
  if (h > 23 || m > 59 || sec > 59) return false;
  *seconds = h * 3600 + m * 60 + sec;
  return true;
}

bool ParseBool(std::string_view s, bool* out) {
  if (s == "yes" || s == "true" || s == "1") {
    *out = true;
  } else if (s == "no" || s == "false" || s == "0") {
    *out = false;
  } else {
    return false;
  }
  return true;
}

class Parser {
 public:
  explicit Parser(const std::string& path) : path_(path) {
    plan_.path = path;
    base_ = std::filesystem::path(path).parent_path();
  }

  Result<TourPlan> Run(std::string_view text) {
    Result<std::vector<Section>> sections = Tokenize(text);
    if (!sections.ok()) return sections.status();
    for (const Section& s : *sections) {
      if (Status st = Interpret(s); !st.ok()) return st;
    }
    if (plan_.days.empty()) return Error{path_ + ": no [day] section"};
    for (const PlannedDay& day : plan_.days) {
      if (day.legs.empty()) return Fail(day.line, "[day] '" + day.name + "' has no [leg]");
    }
    return std::move(plan_);
  }

 private:
  Error Fail(int line, const std::string& what) const {
    return Error{path_ + " line " + std::to_string(line) + ": " + what};
  }

  Result<std::vector<Section>> Tokenize(std::string_view text) {
    std::vector<Section> sections;
    int line_no = 0;
    while (!text.empty()) {
      size_t nl = text.find('\n');
      std::string_view raw = text.substr(0, nl);
      text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
      ++line_no;
      std::string_view line = Trim(StripComment(raw));
      if (line.empty()) continue;
      if (line.front() == '[') {
        if (line.back() != ']') return Fail(line_no, "a section header must end with ']'");
        std::string name(Trim(line.substr(1, line.size() - 2)));
        static const std::set<std::string> kKnown = {"tour", "alerts", "day", "leg", "rally"};
        if (!kKnown.count(name)) {
          return Fail(line_no, "unknown section [" + name +
                                   "]; expected [tour], [alerts], [day], [leg] or [rally]");
        }
        sections.push_back({name, line_no, {}});
        continue;
      }
      size_t eq = line.find('=');
      if (eq == std::string_view::npos) return Fail(line_no, "expected 'key = value'");
      std::string key(Trim(line.substr(0, eq)));
      std::string value(Trim(line.substr(eq + 1)));
      if (!ValidKey(key)) return Fail(line_no, "bad key '" + key + "'");
      if (sections.empty()) return Fail(line_no, "'" + key + "' comes before any [section]");
      for (const Entry& e : sections.back().entries) {
        if (e.key == key) {
          return Fail(line_no, "'" + key + "' is given twice (first on line " +
                                   std::to_string(e.line) + ")");
        }
      }
      sections.back().entries.push_back({key, value, line_no});
    }
    return sections;
  }

  Status CheckKeys(const Section& s, std::initializer_list<const char*> allowed) {
    for (const Entry& e : s.entries) {
      bool ok = false;
      std::string list;
      for (const char* a : allowed) {
        ok = ok || e.key == a;
        list += list.empty() ? a : std::string(", ") + a;
      }
      if (!ok) {
        return Fail(e.line, "[" + s.name + "] has no key '" + e.key + "' (keys: " + list + ")");
      }
    }
    return Status::Ok();
  }

  Status Interpret(const Section& s) {
    if (s.name == "tour") return Tour(s);
    if (s.name == "alerts") {
      for (const Entry& e : s.entries) plan_.alerts[e.key] = e.value;
      return Status::Ok();
    }
    if (s.name == "day") return Day(s);
    if (s.name == "leg") return Leg(s);
    return Rally(s);
  }

  Status Tour(const Section& s) {
    if (seen_tour_) return Fail(s.line, "a second [tour] section");
    seen_tour_ = true;
    if (!plan_.days.empty()) return Fail(s.line, "[tour] must come before the first [day]");
    if (Status st = CheckKeys(s, {"name", "utc_offset"}); !st.ok()) return st;
    for (const Entry& e : s.entries) {
      if (e.key == "name") plan_.name = e.value;
      if (e.key == "utc_offset" && !ParseUtcOffset(e.value, &plan_.utc_offset_min)) {
        return Fail(e.line, "utc_offset '" + e.value + "' is not +HH:MM or -HH:MM");
      }
    }
    return Status::Ok();
  }

  Status Day(const Section& s) {
    if (Status st = CheckKeys(s, {"name", "date", "utc_offset"}); !st.ok()) return st;
    PlannedDay day;
    day.line = s.line;
    day.name = "day " + std::to_string(plan_.days.size() + 1);
    day.utc_offset_min = plan_.utc_offset_min;
    for (const Entry& e : s.entries) {
      int y, mo, d;
      if (e.key == "name") day.name = e.value;
      if (e.key == "date") {
        if (!ParseDate(e.value, &y, &mo, &d)) {
          return Fail(e.line, "date '" + e.value + "' is not a YYYY-MM-DD date");
        }
        day.date = e.value;
      }
      if (e.key == "utc_offset" && !ParseUtcOffset(e.value, &day.utc_offset_min)) {
        return Fail(e.line, "utc_offset '" + e.value + "' is not +HH:MM or -HH:MM");
      }
    }
    plan_.days.push_back(std::move(day));
    return Status::Ok();
  }

  Status Leg(const Section& s) {
    if (plan_.days.empty()) return Fail(s.line, "[leg] before any [day]");
    if (Status st = CheckKeys(s, {"name", "route", "waypoints", "reverse"}); !st.ok()) return st;
    PlannedDay& day = plan_.days.back();
    PlannedLeg leg;
    leg.line = s.line;
    leg.name = day.name + " leg " + std::to_string(day.legs.size() + 1);
    for (const Entry& e : s.entries) {
      if (e.key == "name") leg.name = e.value;
      if (e.key == "route") leg.route_path = Resolve(e.value);
      if (e.key == "waypoints") leg.waypoints_path = Resolve(e.value);
      if (e.key == "reverse" && !ParseBool(e.value, &leg.reverse)) {
        return Fail(e.line, "reverse '" + e.value + "' is not yes or no");
      }
    }
    if (leg.route_path.empty()) return Fail(s.line, "[leg] '" + leg.name + "' has no route");
    day.legs.push_back(std::move(leg));
    return Status::Ok();
  }

  Status Rally(const Section& s) {
    if (plan_.days.empty() || plan_.days.back().legs.empty()) {
      return Fail(s.line, "[rally] before any [leg]");
    }
    if (Status st =
            CheckKeys(s, {"name", "waypoint", "at", "kind", "radius_m", "arrive", "depart"});
        !st.ok()) {
      return st;
    }
    const PlannedDay& day = plan_.days.back();
    PlannedRally r;
    r.line = s.line;
    for (const Entry& e : s.entries) {
      if (e.key == "name") r.name = e.value;
      if (e.key == "waypoint") r.waypoint = e.value;
      if (e.key == "kind") r.kind = e.value;
      if (e.key == "at") {
        Result<LatLon> p = ParseLatLonPair(e.value);
        if (!p.ok()) return Fail(e.line, "at '" + e.value + "': " + p.message());
        r.at = *p;
      }
      if (e.key == "radius_m") {
        int radius = 0;
        if (!ParseInt(e.value, &radius) || radius <= 0) {
          return Fail(e.line, "radius_m '" + e.value + "' is not a whole number of metres > 0");
        }
        r.radius_m = radius;
      }
      if (e.key == "arrive" || e.key == "depart") {
        int sec = 0;
        if (!ParseTimeOfDay(e.value, &sec)) {
          return Fail(e.line, e.key + " '" + e.value + "' is not HH:MM or HH:MM:SS");
        }
        if (day.date.empty()) {
          return Fail(e.line, e.key + " needs a date in [day] '" + day.name + "'");
        }
        int y, mo, d;
        ParseDate(day.date, &y, &mo, &d);
        int64_t utc_ms =
            (DaysFromCivil(y, mo, d) * 86400 + sec - int64_t{day.utc_offset_min} * 60) * 1000;
        (e.key == "arrive" ? r.arrive_local : r.depart_local) = e.value;
        (e.key == "arrive" ? r.arrive_utc_ms : r.depart_utc_ms) = utc_ms;
      }
    }
    if (r.waypoint.empty() == !r.at.has_value()) {
      return Fail(s.line, "[rally] needs exactly one of 'waypoint' or 'at'");
    }
    if (r.name.empty()) r.name = r.waypoint;
    if (r.name.empty()) return Fail(s.line, "[rally] needs a name");
    if (r.arrive_utc_ms && r.depart_utc_ms && *r.depart_utc_ms < *r.arrive_utc_ms) {
      return Fail(s.line, "[rally] '" + r.name + "' departs (" + r.depart_local +
                              ") before it arrives (" + r.arrive_local + ")");
    }
    plan_.days.back().legs.back().rallies.push_back(std::move(r));
    return Status::Ok();
  }

  // "40.6290, 14.4850" (lat, lon) or the lat:lon of the text format.
  static Result<LatLon> ParseLatLonPair(std::string_view s) {
    std::string text(s);
    if (text.find(':') == std::string::npos) {
      size_t comma = text.find(',');
      if (comma == std::string::npos) return Error{"expected 'lat, lon'"};
      text[comma] = ':';
    }
    return ParseLatLon(text);
  }

  std::string Resolve(const std::string& file) const {
    std::filesystem::path p(file);
    return p.is_absolute() ? p.string() : (base_ / p).lexically_normal().string();
  }

  std::string path_;
  std::filesystem::path base_;
  TourPlan plan_;
  bool seen_tour_ = false;
};

}  // namespace

int64_t DaysFromCivil(int y, int m, int d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Result<TourPlan> ParseTourPlan(std::string_view text, const std::string& path) {
  return Parser(path).Run(text);
}

Result<TourPlan> LoadTourPlan(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open the tour plan"};
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error{path + ": read error"};
  return ParseTourPlan(text.str(), path);
}

}  // namespace convoy::maps
