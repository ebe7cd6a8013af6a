// Unauthenticated connections ("startups") and the admission rules on them: MaxStartups
// start:rate:full random early drop and PerSourceMaxStartups (sshd(8), sshd_config(5)).
// Pure bookkeeping; the listener feeds it connections and a random roll.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "conf/settings.h"
#include "daemon/netblock.h"

namespace wharf::daemon {

class Startups {
 public:
  Startups(const conf::MaxStartups& max, int per_source_max);

  // Percent chance a new connection is dropped with `pending` startups (sshd(8): `rate` at
  // `start`, rising linearly to 100 at `full`; 0 below `start`).
  int drop_percent(int pending) const;
  // Why a new connection from `block` must be refused now, or empty. `roll` is uniform in
  // [0, 100).
  std::optional<std::string> refusal(const NetBlock& block, int roll) const;

  void add(const NetBlock& block);
  void remove(const NetBlock& block);
  int pending() const { return pending_; }
  int pending_from(const NetBlock& block) const;

 private:
  conf::MaxStartups max_;
  int per_source_max_;  // 0: no limit
  int pending_ = 0;
  std::map<NetBlock, int> per_source_;
};

}  // namespace wharf::daemon
