#include "transport/crypto/none.h"

#include <botan/loadstor.h>

namespace wharf::transport::crypto {

uint32_t NoneOpener::read_length(uint32_t, const uint8_t* first_block) {
  return Botan::load_be<uint32_t>(first_block, 0);
}

}  // namespace wharf::transport::crypto
