#include "auth/tokens.h"

namespace wharf::auth {
namespace {

Expansion error(std::string msg) { return {std::nullopt, std::move(msg)}; }

}  // namespace

Expansion expand_tokens(std::string_view templ, const User& user) {
  std::string out;
  for (size_t i = 0; i < templ.size(); ++i) {
    if (templ[i] != '%') {
      out.push_back(templ[i]);
    } else if (++i == templ.size()) {
      return error("'%' at the end of \"" + std::string(templ) + "\"");
    } else if (templ[i] == '%') {
      out.push_back('%');
    } else if (templ[i] == 'u') {
      out += user.name;
    } else if (templ[i] == 'h') {
      out += user.home;
    } else if (templ[i] == 'U') {
      if (!user.has_ids) return error("%U used for a user without a uid");
      out += std::to_string(user.uid);
    } else {
      return error(std::string("unknown token %") + templ[i] + " in \"" + std::string(templ) +
                   "\"");
    }
    if (out.size() > kMaxExpandedPath) return error("expanded path too long");
  }
  if (out.find('\0') != std::string::npos) return error("expanded path contains a NUL byte");
  return {std::move(out), ""};
}

Expansion authorized_keys_path(std::string_view templ, const User& user) {
  Expansion e = expand_tokens(templ, user);
  if (!e.value || e.value->starts_with('/')) return e;
  if (user.home.empty() || user.home[0] != '/') return error("user has no absolute home");
  std::string home = user.home;
  if (home.back() != '/') home.push_back('/');
  e.value = home + *e.value;
  if (e.value->size() > kMaxExpandedPath) return error("expanded path too long");
  return e;
}

}  // namespace wharf::auth
