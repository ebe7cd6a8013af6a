#include "daemon/admission.h"

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>

#include "conf/pattern.h"
#include "daemon/listener.h"
#include "log/log.h"

namespace wharf::daemon {

namespace {

// Uniform in [0, 100) from the kernel's CSPRNG, so a client cannot predict the early drop.
int roll_percent() {
  uint32_t r = 0;
  do {
    if (getrandom(&r, sizeof r, 0) != static_cast<ssize_t>(sizeof r)) return 0;
  } while (r >= 4294967200u);  // a multiple of 100: no modulo bias
  return static_cast<int>(r % 100);
}

}  // namespace

Admission::Admission(const AdmissionLimits& limits)
    : limits_(limits),
      startups_(limits.max_startups, limits.per_source_max_startups),
      penalties_(limits.penalties) {}

bool Admission::admit(const PeerInfo& peer, double now) {
  NetBlock block = net_block_of(peer.address, limits_.net_block_size).value_or(NetBlock{});
  if (auto refusal = penalties_.check(block, now)) {
    std::string why = refusal->reason;
    if (refusal->seconds_left > 0) {
      why += " (" + std::to_string(static_cast<long>(std::ceil(refusal->seconds_left))) + "s left)";
    }
    log_refusal(peer, why, now);
    return false;
  }
  if (auto why = startups_.refusal(block, roll_percent())) {
    log_refusal(peer, *why, now);
    return false;
  }
  return true;
}

// As sshd's srclimit_penalise(): an exempt source is never penalised, so never refused for it.
bool Admission::exempt(const std::string& address) const {
  if (limits_.penalty_exempt.empty()) return false;
  return conf::match_address_list(conf::unmap_ipv4_mapped(address), limits_.penalty_exempt) == 1;
}

void Admission::log_refusal(const PeerInfo& peer, const std::string& why, double now) {
  tokens_ = std::min(10.0, tokens_ + 2 * (now - tokens_at_));
  tokens_at_ = now;
  if (tokens_ < 1) {
    ++suppressed_;
    return;
  }
  tokens_ -= 1;
  std::string more =
      suppressed_ ? " (" + std::to_string(suppressed_) + " more refusals not logged)" : "";
  suppressed_ = 0;
  log::info("refusing connection from {} port {}: {}{}", peer.address, peer.port, why, more);
}

void Admission::started(pid_t pid, const PeerInfo& peer, int pipe_fd) {
  Child c;
  c.block = net_block_of(peer.address, limits_.net_block_size).value_or(NetBlock{});
  c.address = peer.address;
  c.pipe = pipe_fd;
  startups_.add(c.block);
  by_pipe_[pipe_fd] = pid;
  children_[pid] = c;
}

void Admission::end_startup(Child& c) {
  if (c.pipe < 0) return;
  by_pipe_.erase(c.pipe);
  close(c.pipe);
  c.pipe = -1;
  startups_.remove(c.block);
}

void Admission::drain(Child& c, bool eof_too) {
  char buf[16];
  ssize_t n;
  while ((n = read(c.pipe, buf, sizeof buf)) < 0 && errno == EINTR) {
  }
  if (n > 0) {
    if (std::find(buf, buf + n, kStartupAuthenticated) != buf + n) c.authenticated = true;
    return end_startup(c);
  }
  if (n == 0 || eof_too) end_startup(c);
}

void Admission::on_pipe(int fd) {
  auto p = by_pipe_.find(fd);
  if (p == by_pipe_.end()) return;
  auto it = children_.find(p->second);
  if (it != children_.end()) drain(it->second, false);
}

void Admission::on_exit(pid_t pid, int status, double now) {
  auto it = children_.find(pid);
  if (it == children_.end()) return;
  Child& c = it->second;
  // A byte written just before exiting is still in the pipe: read it before judging.
  if (c.pipe >= 0) drain(c, true);
  Penalty p = penalty_for(status, c.authenticated);
  if (p != Penalty::kNone) {
    if (exempt(c.address)) {
      log::debug("not penalising {}: in PerSourcePenaltyExemptList", c.address);
    } else {
      penalties_.penalise(c.block, p, now);
    }
  }
  children_.erase(it);
}

std::vector<int> Admission::pipe_fds() const {
  std::vector<int> fds;
  fds.reserve(by_pipe_.size());
  for (const auto& [fd, pid] : by_pipe_) fds.push_back(fd);
  return fds;
}

}  // namespace wharf::daemon
