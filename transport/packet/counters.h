// Traffic since the last key change, for RekeyLimit (sshd_config(5)) and RFC 4253 section 9.
#pragma once

#include <cstdint>

namespace wharf::transport::packet {

struct TrafficCounters {
  uint64_t bytes = 0;  // on the wire: length field, packet, tag
  uint64_t packets = 0;
};

}  // namespace wharf::transport::packet
