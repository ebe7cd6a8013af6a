#include "scp/session.h"

#include <cstring>

#include "scp/sink.h"
#include "scp/source.h"

namespace wharf::scp {

void OutBuffer::append(std::string_view s) {
  std::memcpy(tail(s.size()), s.data(), s.size());
  commit(s.size());
}

uint8_t* OutBuffer::tail(size_t n) {
  if (buf_.size() - end_ < n && begin_ > 0 && begin_ >= size()) {
    // The consumed front is at least as large as what is left: moving it is cheap.
    std::memmove(buf_.data(), buf_.data() + begin_, size());
    end_ -= begin_;
    begin_ = 0;
  }
  if (buf_.size() - end_ < n) buf_.resize(std::max(buf_.size() * 2, end_ + n));
  return buf_.data() + end_;
}

void OutBuffer::consume(size_t n) {
  begin_ += std::min(n, size());
  if (begin_ == end_) begin_ = end_ = 0;
}

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
