#include "hub/http/staff.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

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

SessionKey RandomSessionKey() {
  SessionKey key;
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) std::abort();  // nothing is safe
  return key;
}

Result<SessionKey> LoadOrCreateSessionKey(const std::filesystem::path& path) {
  const std::string where = path.string();
  if (std::ifstream in{path, std::ios::binary}) {
    SessionKey key;
    in.read(reinterpret_cast<char*>(key.data()), static_cast<std::streamsize>(key.size()));
    if (in.gcount() != static_cast<std::streamsize>(key.size()) || in.get() != EOF) {
      return Error{where + ": not a login key (32 bytes); remove it to make a new one (every " +
                   "page then logs in again)"};
    }
    return key;
  }
  const SessionKey key = RandomSessionKey();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Error{where + ": cannot create the login key: " + std::strerror(errno)};
  const bool written =
      ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  const int saved_errno = errno;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());
    return Error{where + ": cannot write the login key: " + std::strerror(saved_errno)};
  }
  return key;
}

SessionStore::SessionStore(const StaffList& staff, const SessionKey& key) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (const StaffMember& member : staff.members()) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    const std::string message = "convoy login v1\n" + member.token;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &length);
    std::string id;
    for (unsigned int i = 0; i < length; ++i) {
      id.push_back(kHex[mac[i] >> 4]);
      id.push_back(kHex[mac[i] & 15]);
    }
    ids_.push_back(std::move(id));
  }
}

std::string SessionStore::Create(size_t member) const {
  return member < ids_.size() ? ids_[member] : std::string();
}

std::optional<size_t> SessionStore::Find(std::string_view id) const {
  if (id.size() != 64) return std::nullopt;
  std::optional<size_t> found;
  for (size_t i = 0; i < ids_.size(); ++i) {
    // No early exit and no data-dependent branch on the content.
    const bool equal = CRYPTO_memcmp(id.data(), ids_[i].data(), 64) == 0;
    if (equal) found = i;
  }
  return found;
}

}  // namespace convoy::hub::api
