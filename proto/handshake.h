// The handshake's proofs. Both sides prove they know the car's secret without sending it:
//
//   tracker -> hub  Hello{car_id, client_nonce}
//   hub -> tracker  Challenge{version, hub_nonce}
//   tracker -> hub  Auth{mac = HMAC-SHA256(secret, transcript("convoy/1 car"))}
//   hub -> tracker  Welcome{..., hub_mac = HMAC-SHA256(secret, transcript("convoy/1 hub"))}
//
// transcript(label) = label | version (u32 BE) | len(car_id) (u8) | car_id | client_nonce |
// hub_nonce. A fresh hub nonce per connection makes a recorded Auth useless on another one; the
// hub's own proof stops an impostor hub from acknowledging fixes it does not keep.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace convoy::proto {

constexpr size_t kNonceBytes = 16;
constexpr size_t kMacBytes = 32;
constexpr size_t kMaxCarIdBytes = 64;

enum class HandshakeRole { kCar, kHub };

// kNonceBytes from the system's cryptographic random source.
std::string RandomNonce();

// The MAC one side sends. Preconditions: car_id.size() <= kMaxCarIdBytes.
std::string HandshakeMac(HandshakeRole role, std::string_view secret, uint32_t version,
                         std::string_view car_id, std::string_view client_nonce,
                         std::string_view hub_nonce);

// Constant-time comparison of a received MAC with the expected one.
bool MacMatches(std::string_view received, std::string_view expected);

}  // namespace convoy::proto
