// FUZZ BUILDS ONLY. A key exchange without cryptography, so that a fuzzer can get past KEX and
// drive a whole connection (tests/fuzz/connection_fuzz.cc). kex.cc includes this file only when
// WHARF_FUZZING is defined, which only tools/fuzz does: wharfd never knows the method, and
// conf/ never accepts it in KexAlgorithms.
//
//   client: 30 string Q_C (any bytes, at most 256)
//   server: 31 string "" (no host key) string "" (no value) string "" (no signature)
// K is 1 and H a constant, so the session id is known in advance and a test can sign a
// publickey request for it. Used with crypto::kFuzzNoneCipher, whose keys are empty.
#pragma once

#ifndef WHARF_FUZZING
#error "transport/kex/fuzz_kex.h is for fuzz builds (tools/fuzz) only"
#endif

#include <memory>
#include <string_view>
#include <vector>

#include "transport/errors.h"
#include "transport/kex/kex.h"

namespace wharf::kex {

inline constexpr std::string_view kFuzzKex = "kex-fuzzing-only@wharf.invalid";

// H, and so the session id of a connection whose first exchange was kFuzzKex.
inline Bytes fuzz_exchange_hash() { return Bytes(32, 0x5a); }

class FuzzServerKex final : public ServerKex {
 public:
  std::vector<Bytes> on_message(ByteView payload) override {
    wire::Reader r(payload);
    if (done_ || r.u8("kex message type") != 30) {
      throw transport::ProtocolError(transport::DisconnectReason::kKeyExchangeFailed,
                                     "fuzz kex: unexpected message");
    }
    (void)r.string("Q_C", 256);
    r.expect_end("fuzz kex init");
    done_ = true;
    wire::Writer w;
    w.u8(31).string(ByteView()).string(ByteView()).string(ByteView());
    return {w.take()};
  }
  bool done() const override { return done_; }
  KexOutput take_output() override {
    KexOutput out;
    out.shared_secret = {0, 0, 0, 1, 1};  // mpint 1
    out.exchange_hash = fuzz_exchange_hash();
    out.hash = "SHA-256";
    return out;
  }

 private:
  bool done_ = false;
};

}  // namespace wharf::kex
