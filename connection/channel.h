// One session channel's state (RFC 4254 sections 5 and 6).
#pragma once

#include <cstdint>
#include <memory>

#include "connection/session_app.h"
#include "connection/window.h"
#include "transport/wire.h"

namespace wharf::connection {

struct Channel {
  Channel(uint32_t id, uint32_t peer_id, uint32_t peer_window, uint32_t peer_max_packet,
          uint32_t our_window)
      : id(id),
        peer_id(peer_id),
        peer_max_packet(peer_max_packet),
        peer_window(peer_window),
        our_window(our_window) {}

  uint32_t id;       // ours: the recipient channel in what the peer sends
  uint32_t peer_id;  // the peer's: the recipient channel in what we send
  uint32_t peer_max_packet;
  PeerWindow peer_window;
  OurWindow our_window;

  // The program started by shell/exec/subsystem; null until one of them was accepted.
  std::unique_ptr<SessionApp> app;

  // Client data received while the app could not take it (not started yet, or backed up).
  // Bounded by our window, which is not topped up for it.
  wire::Bytes held;
  size_t held_pos = 0;
  size_t held_size() const { return held.size() - held_pos; }

  bool peer_eof = false;       // the client sent EOF
  bool eof_delivered = false;  // ... and the app was told
  bool sent_eof = false;
  bool sent_close = false;  // after this we send nothing more on the channel
};

}  // namespace wharf::connection
