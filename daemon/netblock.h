// A client address masked to its PerSourceNetBlockSize prefix (sshd_config(5)): the unit the
// per-source limits (PerSourceMaxStartups) and penalties (PerSourcePenalties) count.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "conf/settings.h"

namespace wharf::daemon {

struct NetBlock {
  int family = 0;  // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};
  int bits = 0;

  auto operator<=>(const NetBlock&) const = default;
  bool v4() const;
  // "192.0.2.0/24" style.
  std::string str() const;
};

// The net block of a numeric address; empty if `address` is not a numeric IPv4/IPv6 address.
std::optional<NetBlock> net_block_of(std::string_view address, const conf::NetBlockSize& size);

}  // namespace wharf::daemon
