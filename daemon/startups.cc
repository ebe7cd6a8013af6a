#include "daemon/startups.h"

#include <fmt/format.h>

namespace wharf::daemon {

Startups::Startups(const conf::MaxStartups& max, int per_source_max)
    : max_(max), per_source_max_(per_source_max) {}

int Startups::drop_percent(int pending) const {
  if (pending < max_.start) return 0;
  if (pending >= max_.full || max_.rate == 100) return 100;
  // Same integer arithmetic as sshd's should_drop_connection().
  return max_.rate + (100 - max_.rate) * (pending - max_.start) / (max_.full - max_.start);
}

std::optional<std::string> Startups::refusal(const NetBlock& block, int roll) const {
  if (roll < drop_percent(pending_)) {
    return fmt::format("MaxStartups {}:{}:{} ({} unauthenticated connections)", max_.start,
                       max_.rate, max_.full, pending_);
  }
  if (per_source_max_ > 0 && pending_from(block) >= per_source_max_) {
    return fmt::format("PerSourceMaxStartups {} reached for {}", per_source_max_, block.str());
  }
  return std::nullopt;
}

void Startups::add(const NetBlock& block) {
  ++pending_;
  ++per_source_[block];
}

void Startups::remove(const NetBlock& block) {
  auto it = per_source_.find(block);
  if (it == per_source_.end()) return;
  --pending_;
  if (--it->second == 0) per_source_.erase(it);
}

int Startups::pending_from(const NetBlock& block) const {
  auto it = per_source_.find(block);
  return it == per_source_.end() ? 0 : it->second;
}

}  // namespace wharf::daemon
