// Keyword precedence; see applier.h (sshd servconf.c: "if (*intptr == -1) *intptr = value").
#include "conf/applier.h"

namespace wharf::conf {

void Applier::apply(const Keyword& k, const ConfigLine& line, Origin origin) {
  bool accumulate = k.mode == Keyword::Mode::kAccumulate;
  auto it = state_.find(&k);
  if (it == state_.end()) {
    // A throwing parse may leave the field half-set; the caller then abandons these settings.
    if (accumulate) k.clear(s_);
    k.parse(s_, line);
    state_.emplace(&k, origin);
  } else if (accumulate && it->second == origin) {
    k.parse(s_, line);
  } else {
    Settings scratch;  // ignored by precedence, but still validated
    k.parse(scratch, line);
  }
}

}  // namespace wharf::conf
