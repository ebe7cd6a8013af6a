#include "transport/crypto/aes_ctr_hmac.h"

#include <botan/loadstor.h>

namespace wharf::transport::crypto {

void AesCtrHmacSealer::seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) {
  mac_.compute(seq, packet, len, tag_out);
  ctr_.apply(packet, len);
}

uint32_t AesCtrHmacOpener::read_length(uint32_t, const uint8_t* first_block) {
  uint8_t plain[4];
  ctr_.peek(first_block, plain, sizeof(plain));
  return Botan::load_be<uint32_t>(plain, 0);
}

void AesCtrHmacOpener::open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) {
  ctr_.apply(packet, len);
  mac_.verify(seq, packet, len, tag);
}

}  // namespace wharf::transport::crypto
