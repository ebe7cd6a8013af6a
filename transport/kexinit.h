// SSH_MSG_KEXINIT (RFC 4253 section 7.1) and algorithm negotiation.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "transport/wire.h"

namespace wharf::transport {

// The pseudo-algorithms that travel in kex_algorithms but are never negotiated.
inline constexpr std::string_view kExtInfoClient = "ext-info-c";  // RFC 8308 section 2.1
inline constexpr std::string_view kStrictKexClient = "kex-strict-c-v00@openssh.com";  // PROTOCOL
inline constexpr std::string_view kStrictKexServer = "kex-strict-s-v00@openssh.com";

// RFC 4253 section 7.1.
struct KexInit {
  std::array<uint8_t, 16> cookie{};
  std::vector<std::string> kex;
  std::vector<std::string> host_key;
  std::vector<std::string> cipher_c2s, cipher_s2c;
  std::vector<std::string> mac_c2s, mac_s2c;
  std::vector<std::string> compression_c2s, compression_s2c;
  std::vector<std::string> language_c2s, language_s2c;
  bool first_kex_packet_follows = false;
  uint32_t reserved = 0;

  void encode(wire::Writer& w) const;      // includes the message number
  static KexInit decode(wire::Reader& r);  // from after the message number; expect_end()
};

// The outcome of negotiation, for one key exchange.
struct Negotiated {
  std::string kex;
  std::string host_key;
  std::string cipher_c2s, cipher_s2c;
  std::string mac_c2s, mac_s2c;  // empty for AEAD ciphers (the cipher authenticates)
  std::string compression_c2s, compression_s2c;
  bool client_ext_info = false;        // client offered ext-info-c
  bool client_strict_kex = false;      // client offered kex-strict-c-v00@openssh.com
  bool ignore_guessed_packet = false;  // the client's guessed first KEX packet must be skipped
};

// Whether a cipher authenticates itself (no separate MAC): chacha20-poly1305 and AES-GCM.
bool is_aead_cipher(std::string_view cipher);

// Chooses, for each category, the client's first algorithm the server also lists (RFC 4253
// section 7.1). Throws ProtocolError(kKeyExchangeFailed) naming the category with no match.
Negotiated negotiate(const KexInit& client, const KexInit& server);

}  // namespace wharf::transport
