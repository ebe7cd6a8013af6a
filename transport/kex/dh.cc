// Finite-field Diffie-Hellman agreement (RFC 4253 section 8) for the fixed groups of RFC 8268
// and the negotiated groups of RFC 4419.
#include <botan/dh.h>
#include <botan/dl_group.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>

#include "transport/kex/agreement.h"
#include "transport/kex/kex_common.h"

namespace wharf::kex {

namespace {

class Dh final : public Agreement {
 public:
  // Botan draws the private exponent with twice the group's security strength in bits
  // (RFC 8268 section 4 asks for at least that).
  explicit Dh(const Botan::DL_Group& group) : key_(Botan::system_rng(), group) {}

  wire::Bytes public_value() const override { return Botan::BigInt::encode(key_.get_y()); }

  Botan::secure_vector<uint8_t> agree(wire::ByteView peer) override {
    // RFC 4253 section 8: values not in [1, p-1] MUST NOT be accepted; 1 and p-1 only reach a
    // subgroup of order 2, so refuse them too (RFC 8268 section 4): 1 < peer < p-1.
    const Botan::BigInt& p = key_.group_p();
    Botan::BigInt v(peer.data(), peer.size());
    if (v <= 1 || v >= p - 1) {
      fail(transport::DisconnectReason::kKeyExchangeFailed, "dh public value out of range");
    }
    Botan::PK_Key_Agreement ka(key_, Botan::system_rng(), "Raw");
    return ka.derive_key(0, peer.data(), peer.size()).bits_of();
  }

 private:
  Botan::DH_PrivateKey key_;
};

}  // namespace

std::unique_ptr<Agreement> make_dh(const Botan::DL_Group& group) {
  return std::make_unique<Dh>(group);
}

}  // namespace wharf::kex
