#include "daemon/penalties.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>

#include "log/log.h"

namespace wharf::daemon {

std::string_view penalty_name(Penalty p) {
  switch (p) {
    case Penalty::kCrash:
      return "crash";
    case Penalty::kAuthFail:
      return "authfail";
    case Penalty::kNoAuth:
      return "noauth";
    case Penalty::kGraceExceeded:
      return "grace-exceeded";
    case Penalty::kNone:
      break;
  }
  return "none";
}

Penalty penalty_for(int wait_status, bool authenticated) {
  if (WIFSIGNALED(wait_status)) {
    switch (WTERMSIG(wait_status)) {
      case SIGSEGV:
      case SIGBUS:
      case SIGILL:
      case SIGFPE:
      case SIGABRT:
      case SIGSYS:
      case SIGTRAP:
        return Penalty::kCrash;
      default:
        return Penalty::kNone;
    }
  }
  if (!WIFEXITED(wait_status)) return Penalty::kCrash;
  if (authenticated) return Penalty::kNone;
  switch (WEXITSTATUS(wait_status)) {
    case kExitAuthenticated:
      return Penalty::kNone;
    case kExitGraceExceeded:
      return Penalty::kGraceExceeded;
    case kExitAuthFailed:
      return Penalty::kAuthFail;
    default:
      return Penalty::kNoAuth;
  }
}

PenaltyBox::PenaltyBox(const conf::Penalties& cfg) : cfg_(cfg) {}

int PenaltyBox::seconds_for(Penalty p) const {
  switch (p) {
    case Penalty::kCrash:
      return cfg_.crash;
    case Penalty::kAuthFail:
      return cfg_.authfail;
    case Penalty::kNoAuth:
      return cfg_.noauth;
    case Penalty::kGraceExceeded:
      return cfg_.grace_exceeded;
    case Penalty::kNone:
      break;
  }
  return 0;
}

void PenaltyBox::erase(std::map<NetBlock, Entry>::iterator it) {
  by_expiry_.erase({it->second.expiry, it->first});
  if (it->first.v4()) --count4_;
  entries_.erase(it);
}

void PenaltyBox::expire(double now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
    erase(entries_.find(by_expiry_.begin()->second));
  }
}

size_t PenaltyBox::count(bool v4) const { return v4 ? count4_ : entries_.size() - count4_; }

void PenaltyBox::evict_soonest(bool v4) {
  for (const auto& [expiry, block] : by_expiry_) {
    if (block.v4() != v4) continue;
    log::debug("penalty table full: dropping {}", block.str());
    return erase(entries_.find(block));
  }
}

void PenaltyBox::penalise(const NetBlock& block, Penalty p, double now) {
  int secs = seconds_for(p);
  if (!cfg_.enabled || secs <= 0) return;
  expire(now);
  bool v4 = block.v4();
  size_t max_sources = static_cast<size_t>(v4 ? cfg_.max_sources4 : cfg_.max_sources6);
  bool deny_all = v4 ? cfg_.overflow_deny_all : cfg_.overflow6_deny_all;
  auto it = entries_.find(block);
  if (it == entries_.end()) {
    if (count(v4) >= max_sources) {
      if (deny_all) {
        log::verbose("penalty table full, cannot penalise {} for {}", block.str(), penalty_name(p));
        return;
      }
      evict_soonest(v4);  // overflow:permissive forgets the entry closest to expiry
    }
    it = entries_.emplace(block, Entry{}).first;
    it->second.expiry = now;
    if (v4) ++count4_;
  } else {
    by_expiry_.erase({it->second.expiry, block});
  }
  Entry& e = it->second;
  e.expiry = std::min(e.expiry + secs, now + cfg_.max);
  e.why = p;
  bool was_active = e.active;
  e.active = e.active || e.expiry - now > cfg_.min;
  by_expiry_.insert({e.expiry, block});
  if (e.active && !was_active) {
    log::info("penalising {} for {:.0f}s: {}", block.str(), e.expiry - now, penalty_name(p));
  } else {
    log::verbose("penalty for {} now {:.0f}s ({}): {}", block.str(), e.expiry - now,
                 e.active ? "active" : "deferred", penalty_name(p));
  }
}

std::optional<PenaltyBox::Refusal> PenaltyBox::check(const NetBlock& block, double now) {
  if (!cfg_.enabled) return std::nullopt;
  expire(now);
  bool v4 = block.v4();
  bool deny_all = v4 ? cfg_.overflow_deny_all : cfg_.overflow6_deny_all;
  size_t max_sources = static_cast<size_t>(v4 ? cfg_.max_sources4 : cfg_.max_sources6);
  if (deny_all && count(v4) >= max_sources) return Refusal{"penalty table full", 0};
  auto it = entries_.find(block);
  if (it == entries_.end() || !it->second.active) return std::nullopt;
  return Refusal{"penalty: " + std::string(penalty_name(it->second.why)), it->second.expiry - now};
}

}  // namespace wharf::daemon
