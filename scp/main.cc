// wharf-scp-local: Wharf's SCP handler on stdin/stdout, usable as `scp -S wharf-scp-local`.
//
// scp runs its "ssh" program as `PROGRAM [ssh options] [--] host command`. This program ignores
// the options and the host, parses the command with scp::parse_command (never a shell) and serves
// it confined to the directory named by WHARF_SCP_ROOT, so the real OpenSSH client can be tested
// against the handler without the SSH transport. Policy knobs, for tests:
//   WHARF_SCP_READ_ONLY=1  WHARF_SCP_DROP_BOX=1  WHARF_SCP_ATOMIC=1
//   WHARF_SCP_HOME=/client/path  WHARF_SCP_UMASK=022
// The exit status is the session's (0 when everything was copied), 2 for a usage error.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fs/root.h"
#include "scp/command.h"
#include "scp/session.h"

namespace {

// ssh(1) options that take an argument (OpenSSH 9 getopt string).
constexpr std::string_view kSshArgOptions = "bceilmopBDEFIJLOPQRSwW";

// The remote command: everything after the options and the host, joined by spaces (as ssh does).
bool remote_command(int argc, char** argv, std::string* command) {
  int i = 1;
  for (; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (size_t k = 1; k < a.size(); ++k) {
      if (kSshArgOptions.find(a[k]) != std::string_view::npos) {
        if (k + 1 == a.size()) ++i;  // the argument is the next word
        break;
      }
    }
  }
  if (i + 1 >= argc) return false;  // need a host and a command
  command->clear();
  for (int k = i + 1; k < argc; ++k) {
    if (k > i + 1) *command += ' ';
    *command += argv[k];
  }
  return true;
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && std::strcmp(v, "1") == 0;
}

wharf::fs::Policy policy_from_env() {
  wharf::fs::Policy policy;
  policy.umask = ::umask(0);  // applied by fs::Root from here on, not by the kernel
  policy.read_only = env_flag("WHARF_SCP_READ_ONLY");
  policy.drop_box = env_flag("WHARF_SCP_DROP_BOX");
  policy.atomic_uploads = env_flag("WHARF_SCP_ATOMIC");
  if (const char* home = std::getenv("WHARF_SCP_HOME")) policy.home = home;
  if (const char* m = std::getenv("WHARF_SCP_UMASK")) {
    policy.umask = static_cast<mode_t>(std::strtoul(m, nullptr, 8) & 0777);
  }
  return policy;
}

bool write_some(wharf::scp::Session& s) {
  auto out = s.output();
  if (out.empty()) return true;
  ssize_t n = ::write(STDOUT_FILENO, out.data(), out.size());
  if (n > 0) s.consume(static_cast<size_t>(n));
  return n >= 0 || errno == EAGAIN || errno == EINTR;
}

// Serves until the session is finished and its output written, reading in large chunks and not
// reading while the output is backed up.
int serve(wharf::scp::Session& s) {
  std::vector<uint8_t> buf(1u << 20);
  ::fcntl(STDOUT_FILENO, F_SETFL, ::fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);
  bool eof = false;
  for (;;) {
    if (s.finished() && s.output_size() == 0) return s.exit_status();
    struct pollfd fds[2] = {{STDIN_FILENO, 0, 0}, {STDOUT_FILENO, 0, 0}};
    if (!eof && !s.finished() && !s.output_backed_up()) fds[0].events = POLLIN;
    if (s.output_size() > 0) fds[1].events = POLLOUT;
    if (fds[0].events == 0 && fds[1].events == 0) return 1;  // cannot happen; never spin
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t n = ::read(STDIN_FILENO, buf.data(), buf.size());
      if (n < 0 && errno != EINTR && errno != EAGAIN) return 1;
      if (n == 0) {
        eof = true;
        s.feed_eof();
      }
      if (n > 0) s.feed({buf.data(), static_cast<size_t>(n)});
      if (!write_some(s)) return 1;
    }
    // The client stopped reading while there is still something to tell it.
    if (s.output_size() > 0 && (fds[1].revents & (POLLERR | POLLHUP))) return 1;
    if ((fds[1].revents & POLLOUT) && !write_some(s)) return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  std::string command;
  if (!remote_command(argc, argv, &command)) {
    std::fprintf(stderr, "usage: wharf-scp-local [ssh options] host command\n");
    return 2;
  }
  const char* root_dir = std::getenv("WHARF_SCP_ROOT");
  if (root_dir == nullptr || *root_dir == '\0') {
    std::fprintf(stderr, "wharf-scp-local: WHARF_SCP_ROOT is not set\n");
    return 2;
  }
  auto parsed = wharf::scp::parse_command(command);
  if (!parsed.command) {
    std::fprintf(stderr, "wharf-scp-local: %s\n", parsed.reason.c_str());
    return 1;
  }
  auto root = wharf::fs::Root::open(root_dir, policy_from_env());
  if (!root) {
    std::fprintf(stderr, "wharf-scp-local: cannot open root: %s\n", std::strerror(root.error()));
    return 1;
  }
  ::fcntl(STDIN_FILENO, F_SETPIPE_SZ, 1 << 20);
  ::fcntl(STDOUT_FILENO, F_SETPIPE_SZ, 1 << 20);
  auto session = wharf::scp::make_session(**root, *parsed.command);
  // Returning (not exiting) destroys the session: an unfinished upload is removed.
  return serve(*session);
}
