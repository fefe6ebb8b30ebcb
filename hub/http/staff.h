// Staff access: who may use the page and the API. staff.csv has columns name,role,token (any
// order, other columns ignored), roles organizer, safety, marketing. A token is a secret: it is
// compared in constant time and never appears in logs or answers. Format in README ("Staff").
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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

// Login sessions made by /login?token=: an opaque random id in a cookie, mapped to a staff
// member. Bounded: past max_sessions the oldest is forgotten (its page logs in again). In memory
// only; a restarted hub forgets them. Thread-safe.
class SessionStore {
 public:
  explicit SessionStore(size_t max_sessions = 4096) : max_sessions_(max_sessions) {}
  // A new session id (64 hex digits) for staff member `member` (an index into the list).
  std::string Create(size_t member);
  // The member of session `id`, or nullopt. Looked up by the id's digest, so that timing says
  // nothing about the stored ids.
  std::optional<size_t> Find(std::string_view id) const;
  size_t size() const;

 private:
  size_t max_sessions_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, size_t> by_digest_;  // SHA-256 of the id (binary) -> member
  std::vector<std::string> order_;                     // digests, oldest first
};

// SHA-256 of `text`.
std::array<uint8_t, 32> Sha256(std::string_view text);

}  // namespace convoy::hub::api
