// The listener's admission control: which new connections it refuses (PerSourcePenalties,
// MaxStartups, PerSourceMaxStartups; sshd(8), sshd_config(5)) and the children it must account
// for. Each child holds the write end of a "startup pipe": one byte on it means authenticated,
// its closing means the child is gone; either way the connection stops being a startup. The
// child's wait status then says which penalty, if any, its source earns.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conf/settings.h"
#include "daemon/netblock.h"
#include "daemon/penalties.h"
#include "daemon/startups.h"

namespace wharf::daemon {

struct PeerInfo;

struct AdmissionLimits {
  conf::MaxStartups max_startups;
  int per_source_max_startups = 0;  // 0: none
  conf::NetBlockSize net_block_size;
  conf::Penalties penalties;
  std::string penalty_exempt;  // PerSourcePenaltyExemptList; empty: nobody
};

// The byte a child writes on its startup pipe once authenticated.
inline constexpr char kStartupAuthenticated = 'A';

class Admission {
 public:
  explicit Admission(const AdmissionLimits& limits);

  // Whether to serve a new connection from `peer`; a refusal is logged (rate-limited) with its
  // reason. `now` is in seconds of a monotonic clock.
  bool admit(const PeerInfo& peer, double now);
  // A child was forked for an admitted connection; `pipe_fd` is its startup pipe's read end.
  void started(pid_t pid, const PeerInfo& peer, int pipe_fd);
  // The startup pipe `fd` is readable (or closed).
  void on_pipe(int fd);
  // waitpid() reported `pid` with `status`.
  void on_exit(pid_t pid, int status, double now);

  std::vector<int> pipe_fds() const;
  int pending() const { return startups_.pending(); }

 private:
  struct Child {
    NetBlock block;
    std::string address;  // the peer's, for PerSourcePenaltyExemptList
    int pipe = -1;        // read end while the connection is a startup
    bool authenticated = false;
  };
  // Reads what the child wrote; ends its startup on the byte or on EOF.
  void drain(Child& c, bool eof_too);
  void end_startup(Child& c);
  bool exempt(const std::string& address) const;
  void log_refusal(const PeerInfo& peer, const std::string& why, double now);

  AdmissionLimits limits_;
  Startups startups_;
  PenaltyBox penalties_;
  std::map<pid_t, Child> children_;
  std::map<int, pid_t> by_pipe_;
  // Refusal log limiter: a token bucket (10 lines, 2 more per second) and a count of the rest.
  double tokens_ = 10;
  double tokens_at_ = 0;
  unsigned suppressed_ = 0;
};

}  // namespace wharf::daemon
