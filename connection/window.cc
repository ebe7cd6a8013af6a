#include "connection/window.h"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

#include "transport/errors.h"

namespace wharf::connection {

using transport::DisconnectReason;
using transport::ProtocolError;

void PeerWindow::add(uint32_t bytes) {
  uint64_t sum = uint64_t{available_} + bytes;
  if (sum > std::numeric_limits<uint32_t>::max()) {
    throw ProtocolError(
        DisconnectReason::kProtocolError,
        fmt::format("window adjust of {} overflows a window of {}", bytes, available_));
  }
  available_ = static_cast<uint32_t>(sum);
}

void PeerWindow::spend(size_t n) {
  if (n > available_) throw std::logic_error("sending beyond the peer's window");
  available_ -= static_cast<uint32_t>(n);
}

void OurWindow::receive(size_t n) {
  if (n > available_) {
    throw ProtocolError(
        DisconnectReason::kProtocolError,
        fmt::format("{} bytes of channel data beyond a window of {}", n, available_));
  }
  available_ -= static_cast<uint32_t>(n);
  held_ += static_cast<uint32_t>(n);
}

void OurWindow::release(size_t n) {
  if (n > held_) throw std::logic_error("releasing more channel data than was received");
  held_ -= static_cast<uint32_t>(n);
  released_ += static_cast<uint32_t>(n);
}

uint32_t OurWindow::take_adjustment() {
  if (released_ == 0 || released_ < size_ / 4) return 0;
  uint32_t n = released_;
  released_ = 0;
  available_ += n;  // available + held + released == size <= 2^32-1: cannot overflow
  return n;
}

}  // namespace wharf::connection
