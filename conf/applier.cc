// Keyword precedence; see applier.h (sshd servconf.c: "if (*intptr == -1) *intptr = value").
#include "conf/applier.h"

namespace wharf::conf {

void Applier::apply(const Keyword& k, const ConfigLine& line, Origin origin) {
  bool accumulate = k.mode == Keyword::Mode::kAccumulate;
  {
    Settings scratch;  // every line is validated, also the ones precedence ignores
    if (accumulate) k.clear(scratch);
    k.parse(scratch, line);
  }
  auto it = state_.find(&k);
  if (it == state_.end()) {
    if (accumulate) k.clear(s_);
    k.parse(s_, line);
    state_.emplace(&k, origin);
  } else if (accumulate && it->second == origin) {
    k.parse(s_, line);
  }
}

}  // namespace wharf::conf
