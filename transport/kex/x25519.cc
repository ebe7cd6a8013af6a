// curve25519-sha256 key agreement (RFC 8731 section 3, RFC 7748 section 6.1).
#include <botan/curve25519.h>
#include <botan/system_rng.h>

#include <array>

#include "transport/kex/agreement.h"
#include "transport/kex/kex_common.h"

namespace wharf::kex {

namespace {

constexpr size_t kKeySize = 32;

class X25519 final : public Agreement {
 public:
  X25519() : secret_(kKeySize) {
    Botan::system_rng().randomize(secret_.data(), secret_.size());
    Botan::curve25519_basepoint(public_.data(), secret_.data());
  }

  wire::Bytes public_value() const override { return wire::Bytes(public_.begin(), public_.end()); }

  Botan::secure_vector<uint8_t> agree(wire::ByteView peer) override {
    if (peer.size() != kKeySize) {
      fail(transport::DisconnectReason::kKeyExchangeFailed,
           "curve25519 public key is not 32 bytes");
    }
    Botan::secure_vector<uint8_t> k(kKeySize);
    Botan::curve25519_donna(k.data(), secret_.data(), peer.data());
    // RFC 8731 section 3: reject an all-zero result (a small-order peer point). Checked without
    // branching on the secret bytes.
    uint8_t any = 0;
    for (uint8_t b : k) any |= b;
    if (any == 0) {
      fail(transport::DisconnectReason::kKeyExchangeFailed, "curve25519 shared secret is zero");
    }
    // The 32 bytes, read as a big-endian unsigned integer, are K (RFC 8731 section 3.1).
    return k;
  }

 private:
  Botan::secure_vector<uint8_t> secret_;
  std::array<uint8_t, kKeySize> public_{};
};

}  // namespace

std::unique_ptr<Agreement> make_x25519() { return std::make_unique<X25519>(); }

}  // namespace wharf::kex
