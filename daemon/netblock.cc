#include "daemon/netblock.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <string>

namespace wharf::daemon {

bool NetBlock::v4() const { return family == AF_INET; }

std::string NetBlock::str() const {
  char buf[INET6_ADDRSTRLEN] = "";
  inet_ntop(family, bytes.data(), buf, sizeof buf);
  return std::string(buf) + "/" + std::to_string(bits);
}

std::optional<NetBlock> net_block_of(std::string_view address, const conf::NetBlockSize& size) {
  NetBlock b;
  std::string text(address);
  if (inet_pton(AF_INET, text.c_str(), b.bytes.data()) == 1) {
    b.family = AF_INET;
    b.bits = size.ipv4;
  } else if (inet_pton(AF_INET6, text.c_str(), b.bytes.data()) == 1) {
    b.family = AF_INET6;
    b.bits = size.ipv6;
  } else {
    return std::nullopt;
  }
  // Clear every bit past the prefix.
  for (int i = 0; i < 16; ++i) {
    int keep = b.bits - 8 * i;
    if (keep >= 8) continue;
    b.bytes[i] &= keep <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
  }
  return b;
}

}  // namespace wharf::daemon
