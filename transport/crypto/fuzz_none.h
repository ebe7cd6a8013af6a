// FUZZ BUILDS ONLY. A cipher name for the "none" protection, so that a fuzzer can write a whole
// connection (authentication, channels, SFTP) in cleartext after its key exchange (tests/fuzz/
// connection_fuzz.cc). algorithms.cc includes this file only when WHARF_FUZZING is defined, which
// only tools/fuzz does: wharfd never knows the name, and conf/ never accepts it in Ciphers.
#pragma once

#ifndef WHARF_FUZZING
#error "transport/crypto/fuzz_none.h is for fuzz builds (tools/fuzz) only"
#endif

#include <string_view>

#include "transport/crypto/algorithms.h"

namespace wharf::transport::crypto {

inline constexpr std::string_view kFuzzNoneCipher = "none-fuzzing-only@wharf.invalid";

// No keys, block size 8; marked AEAD so the negotiated MAC is ignored (no MAC keys either).
inline constexpr CipherInfo kFuzzNoneCipherInfo = {kFuzzNoneCipher, 0, 0, 8, true};

}  // namespace wharf::transport::crypto
