#include "proto/handshake.h"

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace convoy::proto {

std::string RandomNonce() {
  std::string nonce(kNonceBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce.data()), kNonceBytes) != 1) {
    // Without randomness the handshake is not safe; this is a broken system, not bad input.
    throw std::runtime_error("the system's random source failed");
  }
  return nonce;
}

std::string HandshakeMac(HandshakeRole role, std::string_view secret, uint32_t version,
                         std::string_view car_id, std::string_view client_nonce,
                         std::string_view hub_nonce) {
  std::string transcript = role == HandshakeRole::kCar ? "convoy/1 car" : "convoy/1 hub";
  for (int shift = 24; shift >= 0; shift -= 8) {
    transcript.push_back(static_cast<char>((version >> shift) & 0xff));
  }
  transcript.push_back(static_cast<char>(car_id.size()));
  transcript.append(car_id);
  transcript.append(client_nonce);
  transcript.append(hub_nonce);

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(transcript.data()), transcript.size(), mac, &mac_len);
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

bool MacMatches(std::string_view received, std::string_view expected) {
  return received.size() == expected.size() &&
         CRYPTO_memcmp(received.data(), expected.data(), expected.size()) == 0;
}

}  // namespace convoy::proto
