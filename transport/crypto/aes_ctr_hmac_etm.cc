#include "transport/crypto/aes_ctr_hmac_etm.h"

#include <botan/loadstor.h>

namespace wharf::transport::crypto {

void AesCtrEtmSealer::seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) {
  ctr_.apply(packet + 4, len - 4);
  mac_.compute(seq, packet, len, tag_out);
}

uint32_t AesCtrEtmOpener::read_length(uint32_t, const uint8_t* first_block) {
  return Botan::load_be<uint32_t>(first_block, 0);
}

void AesCtrEtmOpener::open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) {
  mac_.verify(seq, packet, len, tag);
  ctr_.apply(packet + 4, len - 4);
}

}  // namespace wharf::transport::crypto
