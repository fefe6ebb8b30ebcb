// Staff access: who may use the page and the API. staff.csv has columns name,role,token (any
// order, other columns ignored), roles organizer, safety, marketing. A token is a secret: it is
// compared in constant time and never appears in logs or answers. Format in README ("Staff").
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/result.h"

namespace convoy::hub::api {

enum class StaffRole : uint8_t {
  kOrganizer,  // everything
  kSafety,     // map, alerts, acknowledge, radio
  kMarketing,  // replay and export only
};
const char* StaffRoleName(StaffRole role);  // "organizer", "safety", "marketing"

struct StaffMember {
  std::string name;  // shown to colleagues ("acknowledged by"), and in the hub's log
  StaffRole role = StaffRole::kSafety;
  std::string token;  // >= 16 bytes of [A-Za-z0-9_.~-]; unique; never logged
};

// Tokens shorter than this are refused at load: a guessable token opens the radio.
inline constexpr size_t kMinTokenBytes = 16;
inline constexpr size_t kMaxTokenBytes = 256;

// Immutable once loaded; safe to read from any thread.
class StaffList {
 public:
  // Errors name the source and line ("staff.csv line 3: role 'boss' is not one of ...").
  static Result<StaffList> Parse(std::string_view csv, std::string_view source);
  static Result<StaffList> Load(const std::string& path);

  const std::vector<StaffMember>& members() const { return members_; }
  // The member whose token is `token`, or nullptr. Constant time in the token's content: every
  // member's token digest is compared in full, whatever matches. Cost: one SHA-256, O(members).
  const StaffMember* FindByToken(std::string_view token) const;

 private:
  std::vector<StaffMember> members_;
  std::vector<std::array<uint8_t, 32>> digests_;  // SHA-256 of each token, parallel to members_
};

// The secret behind the login cookies: 32 random bytes.
using SessionKey = std::array<uint8_t, 32>;
// A fresh key from the system's random source (logins then end with the process).
SessionKey RandomSessionKey();
// The key kept in `path`: read when the file exists (exactly 32 bytes, else an error naming the
// file), otherwise made and written there (mode 0600, synced) so that logins outlive a restart.
Result<SessionKey> LoadOrCreateSessionKey(const std::filesystem::path& path);

// Login sessions made by /login?token=. The cookie holds HMAC-SHA256(key, the member's token): it
// proves the login without the hub storing anything, so a restarted hub with the same key (kept
// in the data folder) still knows every page, and changing a member's token in staff.csv ends
// that member's sessions. To the browser holding it (HttpOnly, SameSite=Strict) the cookie is as
// good as the token. Immutable once made; safe to read from any thread.
class SessionStore {
 public:
  // `staff` must outlive the store.
  SessionStore(const StaffList& staff, const SessionKey& key);
  // The session id (64 hex digits) of staff member `member` (an index into the list).
  std::string Create(size_t member) const;
  // The member of session `id`, or nullopt. Every member's id is compared in full, whatever
  // matches, so timing says nothing about them. Cost: O(members).
  std::optional<size_t> Find(std::string_view id) const;

 private:
  std::vector<std::string> ids_;  // by member
};

// SHA-256 of `text`.
std::array<uint8_t, 32> Sha256(std::string_view text);

}  // namespace convoy::hub::api
