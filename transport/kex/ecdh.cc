// ecdh-sha2-nistp256/384/521 key agreement (RFC 5656 sections 4 and 7.1).
#include <botan/ec_group.h>
#include <botan/ecdh.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>

#include "transport/kex/agreement.h"
#include "transport/kex/kex_common.h"

namespace wharf::kex {

namespace {

using transport::DisconnectReason;

class Ecdh final : public Agreement {
 public:
  explicit Ecdh(const std::string& curve) : group_(curve), key_(Botan::system_rng(), group_) {}

  wire::Bytes public_value() const override {
    return key_.public_value(Botan::PointGFp::UNCOMPRESSED);
  }

  Botan::secure_vector<uint8_t> agree(wire::ByteView peer) override {
    validate(peer);
    try {
      Botan::PK_Key_Agreement ka(key_, Botan::system_rng(), "Raw");
      return ka.derive_key(0, peer.data(), peer.size()).bits_of();  // x coordinate, RFC 5656 4
    } catch (const Botan::Exception&) {
      fail(DisconnectReason::kKeyExchangeFailed, "ecdh agreement failed");
    }
  }

 private:
  // RFC 5656 section 4: the receiver MUST validate the point (SEC1 3.2.2.1). On these prime-order
  // curves that means: right encoding, on the curve, not the point at infinity.
  void validate(wire::ByteView peer) const {
    const size_t field = group_.get_p_bytes();
    if (peer.size() != 1 + 2 * field || peer[0] != 0x04) {
      fail(DisconnectReason::kKeyExchangeFailed, "ecdh public key is not an uncompressed point");
    }
    bool ok = false;
    try {
      Botan::PointGFp point = group_.OS2ECP(peer.data(), peer.size());
      ok = !point.is_zero() && point.on_the_curve();
    } catch (const Botan::Exception&) {
      ok = false;
    }
    if (!ok) fail(DisconnectReason::kKeyExchangeFailed, "ecdh public key is not on the curve");
  }

  Botan::EC_Group group_;
  Botan::ECDH_PrivateKey key_;
};

}  // namespace

std::unique_ptr<Agreement> make_ecdh(const std::string& botan_curve) {
  return std::make_unique<Ecdh>(botan_curve);
}

}  // namespace wharf::kex
