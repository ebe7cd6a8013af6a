// The program behind a session channel (RFC 4254 section 6.5): what `subsystem sftp` or an
// `exec` of scp starts. It has no I/O of its own, like every core in Wharf: the connection
// service feeds it the channel's data, drains its output into CHANNEL_DATA as the peer's window
// allows, and closes the channel once it reports an exit status.
//
// SFTP (connection/sftp_app.h), SCP (connection/scp_app.h) and the refusal message for
// shell/exec (connection/refusal_app.h) all implement it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "transport/wire.h"

namespace wharf::connection {

class SessionApp {
 public:
  virtual ~SessionApp() = default;

  // Bytes the client sent on the channel (its stdin). The app takes all of them; it is only
  // called while backed_up() is false.
  virtual void feed(wire::ByteView data) = 0;
  // The client sent CHANNEL_EOF: no more input will come. Called once, after all input was fed.
  virtual void on_eof() = 0;

  // stdout: bytes waiting to be sent, oldest first, and how many were sent.
  virtual wire::ByteView output() const = 0;
  virtual void consume(size_t n) = 0;
  // stderr (CHANNEL_EXTENDED_DATA type 1); sent before stdout when both wait.
  virtual wire::ByteView error_output() const { return {}; }
  virtual void consume_error(size_t /*n*/) {}

  // True while the app wants no more input (its output is backed up). The service then keeps
  // the client's data (bounded by our window) and stops topping the window up.
  virtual bool backed_up() const = 0;

  // Set once the app has finished and queued all its output: the service sends the remaining
  // output, then `exit-status`, EOF and CLOSE.
  virtual std::optional<uint32_t> exit_status() const = 0;
};

}  // namespace wharf::connection
