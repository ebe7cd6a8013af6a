// The parent process: listens, accepts, refuses what admission control says (MaxStartups,
// PerSourceMaxStartups, PerSourcePenalties), forks one child per connection, reaps children and
// stops on SIGTERM/SIGINT. It never reads a byte a client sends (ARCHITECTURE.md).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "daemon/admission.h"

namespace wharf::daemon {

struct ListenEndpoint {
  std::string address;  // IPv4 or IPv6 address, or a host name resolved when listening
  int port = 0;
};

struct PeerInfo {
  std::string address;
  int port = 0;
  std::string local_address;
  int local_port = 0;
};

// Fills a PeerInfo for a connected socket (getpeername/getsockname).
PeerInfo describe_socket(int fd);

// Binds and listens on every endpoint (every address of a host name); throws
// std::runtime_error naming the endpoint on failure.
std::vector<int> open_listeners(const std::vector<ListenEndpoint>& endpoints);

// Blocks SIGTERM, SIGINT, SIGHUP and SIGCHLD so the listener can take them from a signalfd.
// Call first thing in main(): the mask is per thread, and libraries may start threads that
// would otherwise receive (and die of) those signals. Children get the old mask back.
void block_daemon_signals();
// Restores the mask block_daemon_signals() found (for a process that will not listen).
void restore_signal_mask();

// A connection child's end of its startup pipe (see admission.h); closes on destruction.
class StartupPipe {
 public:
  explicit StartupPipe(int fd = -1) : fd_(fd) {}
  ~StartupPipe();
  StartupPipe(const StartupPipe&) = delete;
  StartupPipe& operator=(const StartupPipe&) = delete;
  // Tells the listener the connection authenticated (it is no longer a startup); once.
  void authenticated();

 private:
  int fd_;
};

using ServeFn = std::function<int(int fd, const PeerInfo&, StartupPipe&)>;

// Runs the accept loop until SIGTERM or SIGINT. `ready` runs once the signals are caught
// (so a SIGTERM right after it is a clean stop). `serve` runs in the forked child with the
// connected socket; the child exits with its return value (penalties.h: kExit*).
void run_listener(const std::vector<int>& listeners, const AdmissionLimits& limits,
                  const std::function<void()>& ready, const ServeFn& serve);

}  // namespace wharf::daemon
