// What the per-connection driver drives: a protocol core with no I/O of its own
// (ARCHITECTURE.md, "Process model"). The driver feeds it the bytes it reads, writes what it
// queues, and calls it back at the deadlines it asks for.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>

#include "transport/wire.h"

namespace wharf::daemon {

using Clock = std::chrono::steady_clock;

class ConnectionCore {
 public:
  virtual ~ConnectionCore() = default;

  // Called once before any input; queues the first output (our identification string).
  virtual void start(Clock::time_point now) = 0;
  // Bytes from the peer are read straight into the core's own buffer: input_space(n) gives room
  // for up to n bytes, and on_input(count) says how many arrived. The core handles its own
  // protocol errors (one catch site) by queueing a disconnect and asking to close.
  virtual std::span<uint8_t> input_space(size_t n) = 0;
  virtual void on_input(size_t n, Clock::time_point now) = 0;
  // The peer closed its side, or reading failed.
  virtual void on_input_closed() = 0;

  // Output waiting to be written, and how much of it was written.
  virtual wire::ByteView pending_output() const = 0;
  virtual void consume_output(size_t n) = 0;

  // True while the core wants no more input (its output queue is backed up).
  virtual bool input_paused() const = 0;
  // True once the connection should end after the pending output is flushed.
  virtual bool finished() const = 0;

  // The next time the core needs on_timer(); Clock::time_point::max() if none.
  virtual Clock::time_point next_deadline() const = 0;
  virtual void on_timer(Clock::time_point now) = 0;
};

}  // namespace wharf::daemon
