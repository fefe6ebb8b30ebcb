#include "proto/roster.h"

#include <cstdint>

#include "proto/csv.h"
#include "proto/utf8.h"

namespace convoy::proto {
namespace {

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsControl(uint32_t code) { return code < 0x20 || (code >= 0x7F && code <= 0x9F); }

std::string Hex2(unsigned char c) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return {kDigits[c >> 4], kDigits[c & 15]};
}

}  // namespace

std::string DisplayTextProblem(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    uint32_t code = c;
    size_t n = 1;
    if (c >= 0x80) {
      n = Utf8Sequence(text, i, &code);
      if (n == 0) return "byte " + std::to_string(i + 1) + " (0x" + Hex2(c) + ") is not UTF-8";
    }
    if (IsControl(code)) {
      std::string hex = code > 0xFF ? "" : Hex2(static_cast<unsigned char>(code));
      return "byte " + std::to_string(i + 1) + " is a control character (U+00" + hex + ")";
    }
    i += n;
  }
  return "";
}

std::string PrintableForLog(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    uint32_t code = c;
    size_t n = c >= 0x80 ? Utf8Sequence(text, i, &code) : 1;
    if (n == 0 || IsControl(code) || c == '\\') {
      // One byte at a time: a broken sequence's next byte may start a good one.
      out += "\\x" + Hex2(c);
      ++i;
      continue;
    }
    out.append(text.substr(i, n));
    i += n;
  }
  return out;
}

const char* CarRoleName(CarRole role) {
  switch (role) {
    case CarRole::kLead:
      return "lead";
    case CarRole::kSweep:
      return "sweep";
    case CarRole::kCar:
      return "car";
  }
  return "car";
}

Result<Roster> Roster::Parse(std::string_view csv, std::string_view source) {
  auto table = CsvTable::Parse(csv, source);
  if (!table.ok()) return table.status();
  const int id_col = table->Column("id"), name_col = table->Column("name"),
            role_col = table->Column("role"), secret_col = table->Column("secret");
  for (auto [col, name] :
       {std::pair{id_col, "id"}, {name_col, "name"}, {role_col, "role"}, {secret_col, "secret"}}) {
    if (col < 0) {
      return Error{std::string(source) + " line 1: no '" + name +
                   "' column; the header must name id,name,role,secret"};
    }
  }
  Roster roster;
  int leads = 0;
  for (const CsvRow& row : table->rows()) {
    auto fail = [&](const std::string& what) {
      return Error{std::string(source) + " line " + std::to_string(row.line) + ": " + what};
    };
    RosterCar car;
    car.id = table->Field(row, id_col);
    car.name = table->Field(row, name_col);
    car.secret = table->Field(row, secret_col);
    const std::string role = table->Field(row, role_col);
    if (!ValidId(car.id)) {
      return fail("id '" + PrintableForLog(car.id) +
                  "' must be 1-64 letters, digits, '_', '.' or '-'");
    }
    if (role == "lead") {
      car.role = CarRole::kLead;
      ++leads;
    } else if (role == "sweep") {
      car.role = CarRole::kSweep;
    } else if (role == "car" || role.empty()) {
      car.role = CarRole::kCar;
    } else {
      return fail("role '" + PrintableForLog(role) + "' is not one of lead, sweep, car");
    }
    if (const std::string problem = DisplayTextProblem(car.name); !problem.empty()) {
      // Usually the whole file was saved in a legacy encoding: say how to fix it, not just where.
      return fail("the name of car " + car.id + " is refused: " + problem +
                  " (names must be UTF-8 text without control characters; save the file as "
                  "\"CSV UTF-8\")");
    }
    if (car.name.empty()) car.name = car.id;
    if (car.secret.size() < 8) return fail("the secret of car " + car.id + " is shorter than 8");
    if (roster.by_id_.count(car.id)) return fail("car id " + car.id + " appears twice");
    if (roster.by_secret_.count(car.secret)) {
      return fail("car " + car.id + " has the same secret as another car");
    }
    for (size_t col = 0; col < table->header().size(); ++col) {
      const int c = static_cast<int>(col);
      if (c != id_col && c != name_col && c != role_col && c != secret_col) {
        car.extra[table->header()[col]] = table->Field(row, c);
      }
    }
    car.index = roster.cars_.size();
    roster.by_id_[car.id] = car.index;
    roster.by_secret_[car.secret] = car.index;
    roster.cars_.push_back(std::move(car));
  }
  if (leads > 1) return Error{std::string(source) + ": more than one car has the role lead"};
  if (roster.cars_.empty()) return Error{std::string(source) + ": no cars"};
  return roster;
}

Result<Roster> Roster::Load(const std::string& path) {
  auto text = ReadTextFile(path);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

const RosterCar* Roster::Find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &cars_[it->second];
}

const RosterCar* Roster::FindBySecret(std::string_view secret) const {
  auto it = by_secret_.find(std::string(secret));
  return it == by_secret_.end() ? nullptr : &cars_[it->second];
}

void Roster::Truncate(size_t count) {
  while (cars_.size() > count) {
    by_id_.erase(cars_.back().id);
    by_secret_.erase(cars_.back().secret);
    cars_.pop_back();
  }
}

const RosterCar* Roster::lead() const {
  for (const RosterCar& car : cars_) {
    if (car.role == CarRole::kLead) return &car;
  }
  return nullptr;
}

}  // namespace convoy::proto
