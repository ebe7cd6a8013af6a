// wharf-sftp-server: SFTP v3 on stdin/stdout confined to a root directory, for `sftp -D` and as
// the subsystem program. Usage:
//   wharf-sftp-server [-R] [-D] [-A] [-u umask] [-m file-mode] [-M dir-mode]
//                     [-p allowed,requests] [-P denied,requests] [-H home] ROOT
//   -R read-only   -D drop box (upload only)   -A atomic uploads
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fs/root.h"
#include "sftp/server.h"

namespace {

bool parse_mode(const char* s, mode_t* out) {
  char* end = nullptr;
  unsigned long v = std::strtoul(s, &end, 8);
  if (*s == '\0' || *end != '\0' || v > 07777) return false;
  *out = static_cast<mode_t>(v);
  return true;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: wharf-sftp-server [-R] [-D] [-A] [-u umask] [-m file-mode] [-M dir-mode]\n"
               "                         [-p allowed] [-P denied] [-H home] ROOT\n");
  std::exit(2);
}

wharf::fs::Policy parse_args(int argc, char** argv, std::string* root) {
  wharf::fs::Policy policy;
  mode_t process_umask = ::umask(0);  // applied by fs::Root from here on, not by the kernel
  policy.umask = process_umask;
  int opt;
  while ((opt = ::getopt(argc, argv, "RDAu:m:M:p:P:H:")) != -1) {
    mode_t m;
    switch (opt) {
      case 'R':
        policy.read_only = true;
        break;
      case 'D':
        policy.drop_box = true;
        break;
      case 'A':
        policy.atomic_uploads = true;
        break;
      case 'u':
        if (!parse_mode(optarg, &m)) usage();
        policy.umask = m;
        break;
      case 'm':
        if (!parse_mode(optarg, &m)) usage();
        policy.file_mode = m;
        break;
      case 'M':
        if (!parse_mode(optarg, &m)) usage();
        policy.dir_mode = m;
        break;
      case 'p':
        policy.narrow_allowed(wharf::fs::parse_request_list(optarg));
        break;
      case 'P':
        policy.denied_requests = wharf::fs::parse_request_list(optarg);
        break;
      case 'H':
        policy.home = optarg;
        break;
      default:
        usage();
    }
  }
  if (optind + 1 != argc) usage();
  *root = argv[optind];
  return policy;
}

// OpenSSH's sftp client talks to `sftp -D` over a socketpair whose default buffer (208 KiB)
// holds less than one full READ reply (255 KiB), so the client often finds it empty and waits
// on us. Room for a few replies keeps the client (the bottleneck on loopback) busy: `get` of
// 1 GiB went from 0.95x to 1.05x OpenSSH's sftp-server. Not a socket (pipes): nothing to do.
void enlarge_socket_buffers() {
  int size = 1 << 20;
  ::setsockopt(STDOUT_FILENO, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  ::setsockopt(STDIN_FILENO, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

// Serves until the client closes its side and every reply has been written. Reads in large
// chunks, writes all replies produced by a chunk at once, and stops reading while replies are
// backed up (the client is slow to read).
int serve(wharf::sftp::Server& server) {
  ::fcntl(STDOUT_FILENO, F_SETFL, ::fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);
  bool eof = false;
  bool out_gone = false;  // the client closed its reading side
  for (;;) {
    if (eof && server.output_size() == 0) return 0;
    if (out_gone && server.output_size() > 0) return 1;  // replies nobody will read
    struct pollfd fds[2] = {{STDIN_FILENO, 0, 0}, {out_gone ? -1 : STDOUT_FILENO, 0, 0}};
    if (!eof && !server.output_backed_up()) fds[0].events = POLLIN;
    if (server.output_size() > 0) fds[1].events = POLLOUT;
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    // A client may close both directions at once (scp does): with nothing left to say, that
    // is a clean end once its input is read to the end.
    if (fds[1].revents & (POLLERR | POLLHUP)) out_gone = true;
    if (fds[1].revents & POLLOUT) {
      auto out = server.output();
      ssize_t n = ::write(STDOUT_FILENO, out.data(), out.size());
      if (n < 0 && errno != EAGAIN && errno != EINTR) return 1;
      if (n > 0) {
        server.consume(static_cast<size_t>(n));
        server.pump();
      }
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      auto space = server.input_space();
      ssize_t n = ::read(STDIN_FILENO, space.data(), space.size());
      if (n < 0 && errno != EINTR && errno != EAGAIN) return 1;
      if (n == 0) eof = true;
      if (n > 0) {
        server.commit_input(static_cast<size_t>(n));
        // Write what we can right away: one large write per chunk of requests.
        auto out = server.output();
        ssize_t w = out.empty() ? 0 : ::write(STDOUT_FILENO, out.data(), out.size());
        if (w > 0) {
          server.consume(static_cast<size_t>(w));
          server.pump();
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  std::string root_dir;
  wharf::fs::Policy policy = parse_args(argc, argv, &root_dir);
  auto root = wharf::fs::Root::open(root_dir, std::move(policy));
  if (!root) {
    std::fprintf(stderr, "wharf-sftp-server: cannot open root: errno %d\n", root.error());
    return 1;
  }
  wharf::sftp::Server server(**root);
  enlarge_socket_buffers();
  // Returning (not exiting) destroys the server: unfinished atomic uploads are removed.
  return serve(server);
}
