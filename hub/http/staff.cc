#include "hub/http/staff.h"

#include <algorithm>

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "proto/csv.h"
#include "proto/roster.h"

namespace convoy::hub::api {
namespace {

bool TokenCharOk(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '~' || c == '-';
}

std::optional<StaffRole> RoleFromName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "organizer" || lower == "organiser") return StaffRole::kOrganizer;
  if (lower == "safety") return StaffRole::kSafety;
  if (lower == "marketing") return StaffRole::kMarketing;
  return std::nullopt;
}

// Why a staff name cannot be used, or "". The name is shown to colleagues, journaled with
// every acknowledgement and radio message, and logged: it is refused rather than repaired, so
// that what the organizer typed is what everybody sees.
std::string NameProblem(std::string_view name) {
  if (name.empty()) return "the name is empty";
  if (name.size() > 100) return "the name is longer than 100 bytes";
  if (std::string problem = proto::DisplayTextProblem(name); !problem.empty()) {
    return "the name is refused: " + problem +
           " (names must be UTF-8 text without control characters; save the file as \"CSV "
           "UTF-8\")";
  }
  return "";
}

}  // namespace

const char* StaffRoleName(StaffRole role) {
  switch (role) {
    case StaffRole::kOrganizer:
      return "organizer";
    case StaffRole::kSafety:
      return "safety";
    case StaffRole::kMarketing:
      return "marketing";
  }
  return "?";
}

std::array<uint8_t, 32> Sha256(std::string_view text) {
  std::array<uint8_t, 32> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  return digest;
}

Result<StaffList> StaffList::Parse(std::string_view csv, std::string_view source) {
  auto table = proto::CsvTable::Parse(csv, source);
  if (!table.ok()) return table.status();
  const std::string where(source);
  const int name_col = table->Column("name");
  const int role_col = table->Column("role");
  const int token_col = table->Column("token");
  if (name_col < 0 || role_col < 0 || token_col < 0) {
    return Error{where + " line 1: the header needs the columns name, role, token"};
  }
  StaffList list;
  for (const proto::CsvRow& row : table->rows()) {
    const std::string at = where + " line " + std::to_string(row.line) + ": ";
    StaffMember member;
    member.name = table->Field(row, name_col);
    member.token = table->Field(row, token_col);
    const std::string role = table->Field(row, role_col);
    if (const std::string problem = NameProblem(member.name); !problem.empty()) {
      return Error{at + problem};
    }
    auto parsed_role = RoleFromName(role);
    if (!parsed_role) {
      return Error{at + "role '" + proto::PrintableForLog(role) +
                   "' is not one of organizer, safety, marketing"};
    }
    member.role = *parsed_role;
    // The message never quotes the token: a mistyped one is still nearly the secret.
    if (member.token.size() < kMinTokenBytes || member.token.size() > kMaxTokenBytes) {
      return Error{at + "the token of " + member.name + " must be " +
                   std::to_string(kMinTokenBytes) + ".." + std::to_string(kMaxTokenBytes) +
                   " characters"};
    }
    if (!std::all_of(member.token.begin(), member.token.end(), TokenCharOk)) {
      return Error{at + "the token of " + member.name +
                   " may hold only letters, digits and _ . ~ -"};
    }
    const auto digest = Sha256(member.token);
    if (std::find(list.digests_.begin(), list.digests_.end(), digest) != list.digests_.end()) {
      return Error{at + "the token of " + member.name + " is also another member's"};
    }
    list.members_.push_back(std::move(member));
    list.digests_.push_back(digest);
  }
  if (list.members_.empty()) return Error{where + ": no staff listed"};
  return list;
}

Result<StaffList> StaffList::Load(const std::string& path) {
  auto text = proto::ReadTextFile(path, 1 << 20);
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

const StaffMember* StaffList::FindByToken(std::string_view token) const {
  const auto digest = Sha256(token);
  const StaffMember* found = nullptr;
  for (size_t i = 0; i < digests_.size(); ++i) {
    // No early exit and no data-dependent branch on the content.
    const bool equal = CRYPTO_memcmp(digest.data(), digests_[i].data(), digest.size()) == 0;
    if (equal) found = &members_[i];
  }
  return found;
}

std::string SessionStore::Create(size_t member) {
  unsigned char random[32];
  if (RAND_bytes(random, sizeof random) != 1) std::abort();  // no randomness: nothing is safe
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : random) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  const auto digest = Sha256(id);
  std::string key(reinterpret_cast<const char*>(digest.data()), digest.size());
  std::lock_guard guard(mu_);
  if (order_.size() >= max_sessions_) {
    by_digest_.erase(order_.front());
    order_.erase(order_.begin());
  }
  by_digest_[key] = member;
  order_.push_back(std::move(key));
  return id;
}

std::optional<size_t> SessionStore::Find(std::string_view id) const {
  if (id.size() != 64) return std::nullopt;
  const auto digest = Sha256(id);
  const std::string key(reinterpret_cast<const char*>(digest.data()), digest.size());
  std::lock_guard guard(mu_);
  auto it = by_digest_.find(key);
  if (it == by_digest_.end()) return std::nullopt;
  return it->second;
}

size_t SessionStore::size() const {
  std::lock_guard guard(mu_);
  return order_.size();
}

}  // namespace convoy::hub::api
