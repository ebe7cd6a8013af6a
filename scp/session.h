// wharf::scp::Session — the shape every SCP core shares with sftp::Server: no I/O of its own.
//
// The connection layer (or wharf-scp-local on stdio) pushes the client's bytes in with feed(),
// reports the client's EOF with feed_eof(), and drains output() / consume() in pieces of any size.
// A caller with a bounded window stops feeding while output_backed_up(). Once finished(), no more
// input is read and no more output is produced: drain output(), then report exit_status()
// (the "exit-status" channel request, RFC 4254 section 6.10) and close.
//
// Plugging into an SSH "exec" channel request (RFC 4254 section 6.5):
//   auto parsed = scp::parse_command(command);
//   if (!parsed.is_scp)   -> not SCP at all
//   if (!parsed.command)  -> a bad scp command: parsed.reason on stderr, exit-status 1
//   auto session = scp::make_session(root, *parsed.command);
//   channel data -> feed(); channel EOF -> feed_eof(); output() -> channel data, consume(n);
//   no window adjust while output_backed_up(); finished() && output_size() == 0 ->
//   exit-status exit_status(), EOF, CLOSE. Destroying a session mid-file removes the partial
//   upload.
//
// Policy request names consulted (fs::Policy::allows, as for SFTP): "open" and "write" for an
// upload, "mkdir" for a new directory, "setstat" for -p (skipped silently when denied), "open"
// and "read" for a download, "opendir" and "readdir" for -r downloads.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fs/root.h"
#include "scp/command.h"
#include "transport/output_queue.h"
#include "transport/wire.h"

namespace wharf::scp {

// Output kept before the source stops producing data, and the level it refills below.
inline constexpr size_t kOutputHighWater = 1u << 20;
inline constexpr size_t kOutputLowWater = 256u << 10;
// File data is read and written in pieces of this size.
inline constexpr size_t kDataChunk = 256u << 10;

class Session {
 public:
  virtual ~Session() = default;

  virtual void feed(wire::ByteView in) = 0;
  virtual void feed_eof() = 0;

  wire::ByteView output() const { return out_.view(); }
  size_t output_size() const { return out_.size(); }
  void consume(size_t n);
  bool output_backed_up() const { return out_.size() >= kOutputHighWater; }

  bool finished() const { return finished_; }
  // 0 when every item was transferred, 1 otherwise (as OpenSSH's scp exits).
  int exit_status() const { return exit_status_; }

 protected:
  // Called after the caller took output (the source produces more then).
  virtual void on_drained() {}
  void finish(int status) {
    finished_ = true;
    exit_status_ = status;
  }

  wire::OutputQueue out_;

 private:
  bool finished_ = false;
  int exit_status_ = 1;
};

// The client path of a command-line path: absolute as given, relative ones under the home.
std::string client_path(const fs::Policy& policy, std::string_view path);
// `dir` + "/" + `name`.
std::string join_path(std::string_view dir, std::string_view name);
// "<path>: <strerror(err)>", for error replies (client paths only, never host paths).
std::string describe(std::string_view path, int err);

// The sink (-t) or source (-f) for `cmd` over `root`.
std::unique_ptr<Session> make_session(fs::Root& root, const Command& cmd);

}  // namespace wharf::scp
