#include "daemon/connection_driver.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <vector>

#include "log/log.h"

namespace wharf::daemon {

namespace {

constexpr size_t kReadChunk = 256 * 1024;

// How long output queued before the end (DISCONNECT last) may take to drain. A peer that
// stopped reading would otherwise keep the child blocked in a write forever.
constexpr auto kFlushTimeout = std::chrono::seconds(10);

// A read shorter than this is a handshake or control message, not bulk data: it is ACKed at once.
constexpr size_t kQuickAckBelow = 16 * 1024;

// Completion token: errors come back as values instead of exceptions.
constexpr auto kNoThrow = asio::experimental::as_tuple(asio::use_awaitable);

class Driver {
 public:
  Driver(int read_fd, int write_fd, ConnectionCore& core)
      : in_(io_, read_fd),
        out_(io_, read_fd == write_fd ? ::dup(write_fd) : write_fd),
        wake_writer_(io_, Clock::time_point::max()),
        wake_reader_(io_, Clock::time_point::max()),
        watchdog_(io_),
        core_(core) {
    asio::error_code ignored;
    out_.non_blocking(true, ignored);  // flush_inline() must never block
  }

  void run() {
    core_.start(Clock::now());
    asio::co_spawn(io_, reader(), asio::detached);
    asio::co_spawn(io_, writer(), asio::detached);
    asio::co_spawn(io_, watchdog(), asio::detached);
    io_.run();
  }

 private:
  asio::awaitable<void> reader() {
    while (!stopping_) {
      if (core_.input_paused() || core_.finished()) {
        co_await wait(wake_reader_);
        continue;
      }
      // Read straight into the packet decoder's buffer: nothing else touches it until on_input.
      std::span<uint8_t> room = core_.input_space(kReadChunk);
      auto [ec, n] = co_await in_.async_read_some(asio::buffer(room.data(), room.size()), kNoThrow);
      if (ec || n == 0) {
        if (ec && ec != asio::error::eof && ec != asio::error::operation_aborted) {
          log::debug("read failed: {}", ec.message());
        }
        core_.on_input_closed();
        break;
      }
      core_.on_input(n, Clock::now());
      // A reply written now carries the ACK; only a short read left unanswered needs one.
      if (!flush_inline() && n < kQuickAckBelow) quick_ack();
      kick();
    }
    input_done_ = true;
    kick();
  }

  asio::awaitable<void> writer() {
    while (true) {
      wire::ByteView out = core_.pending_output();
      if (!out.empty()) {
        writing_ = true;
        auto [ec, n] =
            co_await out_.async_write_some(asio::buffer(out.data(), out.size()), kNoThrow);
        writing_ = false;
        if (ec) {
          log::debug("write failed: {}", ec.message());
          break;
        }
        wrote(n);
        continue;
      }
      if (core_.finished() || input_done_) break;
      co_await wait(wake_writer_);
    }
    stop();
  }

  asio::awaitable<void> watchdog() {
    while (!stopping_) {
      armed_ = deadline();
      watchdog_.expires_at(armed_);
      co_await watchdog_.async_wait(kNoThrow);
      if (stopping_) break;
      if (core_.finished() && Clock::now() >= flush_deadline_) {
        log::verbose("Closing: the peer did not take the last output within {} s",
                     kFlushTimeout.count());
        stop();
        break;
      }
      if (Clock::now() >= core_.next_deadline()) {
        core_.on_timer(Clock::now());
        kick();
      }
    }
  }

  // The core's next deadline; once it is finished, the end of the flush allowance.
  Clock::time_point deadline() {
    if (!core_.finished()) return core_.next_deadline();
    if (flush_deadline_ == Clock::time_point::max()) flush_deadline_ = Clock::now() + kFlushTimeout;
    return flush_deadline_;
  }

  // Waits until `timer` is cancelled (used as a wake-up signal).
  static asio::awaitable<void> wait(asio::steady_timer& timer) {
    timer.expires_at(Clock::time_point::max());
    co_await timer.async_wait(kNoThrow);
  }

  // ACKs what was just read now instead of after the delayed-ACK timer (40 ms on Linux). Clients
  // without TCP_NODELAY (OpenSSH's sftp and scp) send e.g. NEWKEYS and SERVICE_REQUEST as two
  // small writes, and Nagle holds the second until the first is ACKed; with nothing to say in
  // between, the server's ACK waited for the timer, which stalled every login by ~40 ms twice.
  // TCP_QUICKACK sends a pending ACK immediately and is not sticky, so it is re-armed per read.
  void quick_ack() {
    if (!tcp_) return;
    int one = 1;
    if (::setsockopt(in_.native_handle(), IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one) != 0) {
      tcp_ = false;  // not a TCP socket (inetd mode on a pipe): nothing to do
    }
  }

  // Writes what the core queued at once, from the reader, while the writer is idle: the reply
  // to a small request then costs one write(2) instead of a wake-up of the writer, which strace
  // showed as two extra epoll_wait calls per request. Whatever would block is left to the writer.
  // Returns true if anything was written.
  bool flush_inline() {
    if (writing_) return false;  // the writer's pending write owns the front of the output
    bool written = false;
    for (wire::ByteView out = core_.pending_output(); !out.empty(); out = core_.pending_output()) {
      asio::error_code ec;
      size_t n = out_.write_some(asio::buffer(out.data(), out.size()), ec);
      if (ec) break;  // would block, or an error the writer will meet and report
      wrote(n);
      written = true;
    }
    return written;
  }

  void wrote(size_t n) {
    core_.consume_output(n);
    wake_reader_.cancel();                     // output drained: the reader may resume
    if (core_.finished()) watchdog_.cancel();  // arms the flush deadline
  }

  // Something changed: wake the writer, and re-arm the watchdog if the deadline moved earlier.
  // A later deadline (every input pushes ClientAliveInterval's) is picked up when the armed one
  // fires, so a busy connection does not reprogram the timer (a timerfd_settime) per read.
  void kick() {
    if (!core_.pending_output().empty() || core_.finished() || input_done_) wake_writer_.cancel();
    if (core_.finished() || core_.next_deadline() < armed_) watchdog_.cancel();
  }

  void stop() {
    stopping_ = true;
    asio::error_code ignored;
    in_.close(ignored);
    out_.close(ignored);
    wake_reader_.cancel();
    wake_writer_.cancel();
    watchdog_.cancel();
  }

  asio::io_context io_{1};
  asio::posix::stream_descriptor in_;
  asio::posix::stream_descriptor out_;
  asio::steady_timer wake_writer_;
  asio::steady_timer wake_reader_;
  asio::steady_timer watchdog_;
  ConnectionCore& core_;
  bool input_done_ = false;
  bool stopping_ = false;
  bool writing_ = false;  // the writer has a write in flight
  bool tcp_ = true;
  Clock::time_point flush_deadline_ = Clock::time_point::max();
  Clock::time_point armed_ = Clock::time_point::max();  // what the watchdog waits for
};

}  // namespace

void run_connection(int read_fd, int write_fd, ConnectionCore& core) {
  Driver driver(read_fd, write_fd, core);
  driver.run();
}

}  // namespace wharf::daemon
