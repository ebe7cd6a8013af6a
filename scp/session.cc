#include "scp/session.h"

#include <cstring>

#include "scp/sink.h"
#include "scp/source.h"

namespace wharf::scp {

void Session::consume(size_t n) {
  out_.consume(n);
  on_drained();
}

std::string client_path(const fs::Policy& policy, std::string_view path) {
  if (!path.empty() && path.front() == '/') return std::string(path);
  return join_path(policy.home.empty() ? "/" : policy.home, path);
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string describe(std::string_view path, int err) {
  return std::string(path) + ": " + std::strerror(err);
}

std::unique_ptr<Session> make_session(fs::Root& root, const Command& cmd) {
  if (cmd.mode == Mode::kSink) return std::make_unique<Sink>(root, cmd);
  return std::make_unique<Source>(root, cmd);
}

}  // namespace wharf::scp
