// PerSourcePenalties (OpenSSH 9.8 sshd_config(5)): how a connection child ended, the penalty
// that earns its source, and the table of penalised sources the listener consults on accept.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "conf/settings.h"
#include "daemon/netblock.h"

namespace wharf::daemon {

// Exit statuses of a connection child; the listener reads them back with waitpid().
inline constexpr int kExitAuthenticated = 0;  // or ended normally after authenticating
inline constexpr int kExitInternalError = 1;
inline constexpr int kExitNoAuth = 2;  // ended before any authentication attempt failed
inline constexpr int kExitGraceExceeded = 3;
inline constexpr int kExitAuthFailed = 5;

enum class Penalty { kNone, kCrash, kAuthFail, kNoAuth, kGraceExceeded };

// The keyword of a penalty as PerSourcePenalties spells it ("authfail", ...).
std::string_view penalty_name(Penalty p);

// The penalty a child's wait status earns, as sshd's child_reap(): a crash signal (SEGV, BUS,
// ILL, FPE, ABRT, SYS, TRAP) is a crash whenever it happens; other signals (an administrator's
// TERM or KILL) earn nothing; an exit after authentication earns nothing.
Penalty penalty_for(int wait_status, bool authenticated);

class PenaltyBox {
 public:
  explicit PenaltyBox(const conf::Penalties& cfg);

  // Adds the penalty's duration to `block`'s time (capped at `max` from now). An entry refuses
  // connections once more than `min` seconds are outstanding. `now` is in seconds.
  void penalise(const NetBlock& block, Penalty p, double now);

  struct Refusal {
    std::string reason;  // "penalty: authfail" or "penalty table full"
    double seconds_left = 0;
  };
  // Why a connection from `block` must be refused at `now`, or empty.
  std::optional<Refusal> check(const NetBlock& block, double now);

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    double expiry = 0;
    bool active = false;
    Penalty why = Penalty::kNone;
  };
  int seconds_for(Penalty p) const;
  void expire(double now);
  size_t count(bool v4) const;
  void evict_soonest(bool v4);
  void erase(std::map<NetBlock, Entry>::iterator it);

  conf::Penalties cfg_;
  std::map<NetBlock, Entry> entries_;
  std::set<std::pair<double, NetBlock>> by_expiry_;
  size_t count4_ = 0;
};

}  // namespace wharf::daemon
