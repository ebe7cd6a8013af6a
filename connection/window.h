// Flow-control windows of one channel (RFC 4254 section 5.2), overflow-safe: every sum is
// checked in 64 bits, and a window can never exceed 2^32-1 bytes.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wharf::connection {

// What the peer lets us send.
class PeerWindow {
 public:
  explicit PeerWindow(uint32_t initial = 0) : available_(initial) {}
  uint32_t available() const { return available_; }
  // SSH_MSG_CHANNEL_WINDOW_ADJUST. Throws ProtocolError if the window would pass 2^32-1
  // ("The window MUST NOT be increased above 2^32 - 1 bytes").
  void add(uint32_t bytes);
  // We sent `n` bytes of data (n <= available()).
  void spend(size_t n);

 private:
  uint32_t available_;
};

// What we let the peer send. Invariant: available + held + released == size, where held is data
// received and not yet taken by the application, and released is data taken but not yet given
// back in a WINDOW_ADJUST.
class OurWindow {
 public:
  explicit OurWindow(uint32_t size) : size_(size), available_(size) {}
  uint32_t size() const { return size_; }
  uint32_t available() const { return available_; }
  uint32_t held() const { return held_; }
  // The peer sent `n` bytes of data; throws ProtocolError if that is more than the window.
  void receive(size_t n);
  // The application took `n` held bytes (or they were dropped).
  void release(size_t n);
  // The bytes to advertise in a WINDOW_ADJUST now, counted as advertised; 0 while it is not
  // worth a message yet (less than a quarter of the window released).
  uint32_t take_adjustment();

 private:
  uint32_t size_;
  uint32_t available_;
  uint32_t held_ = 0;
  uint32_t released_ = 0;
};

}  // namespace wharf::connection
