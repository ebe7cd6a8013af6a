#include "daemon/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "log/log.h"

namespace wharf::daemon {

namespace {

std::string errno_text() { return std::strerror(errno); }

// Address and port of a sockaddr, as numbers.
void split_address(const sockaddr_storage& ss, std::string& address, int& port) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    port = ntohs(in6->sin6_port);
  }
  address = buf;
}

int listen_on(const ListenEndpoint& ep) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  auto* in = reinterpret_cast<sockaddr_in*>(&ss);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, ep.address.c_str(), &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons(static_cast<uint16_t>(ep.port));
    len = sizeof *in;
  } else if (inet_pton(AF_INET6, ep.address.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<uint16_t>(ep.port));
    len = sizeof *in6;
  } else {
    throw std::runtime_error("ListenAddress " + ep.address + " is not a numeric address");
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) throw std::runtime_error("socket: " + errno_text());
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd, 128) != 0) {
    std::string why = errno_text();
    close(fd);
    throw std::runtime_error(fmt::format("cannot listen on [{}]:{}: {}", ep.address, ep.port, why));
  }
  log::info("Server listening on {} port {}.", ep.address, ep.port);
  return fd;
}

sigset_t g_old_mask;
bool g_blocked = false;

sigset_t daemon_signals() {
  sigset_t mask;
  sigemptyset(&mask);
  for (int s : {SIGCHLD, SIGTERM, SIGINT, SIGHUP}) sigaddset(&mask, s);
  return mask;
}

// A signalfd for the signals block_daemon_signals() blocked.
int make_signal_fd() {
  block_daemon_signals();
  sigset_t mask = daemon_signals();
  int fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (fd < 0) throw std::runtime_error("signalfd: " + errno_text());
  return fd;
}

void reap_children() {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (WIFSIGNALED(status)) {
      log::error("connection child {} killed by signal {}", pid, WTERMSIG(status));
    } else {
      log::debug("connection child {} exited with status {}", pid, WEXITSTATUS(status));
    }
  }
}

// Returns true when the loop should stop.
bool handle_signals(int sfd) {
  signalfd_siginfo info;
  bool stop = false;
  while (read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    switch (info.ssi_signo) {
      case SIGCHLD:
        reap_children();
        break;
      case SIGHUP:
        log::info("Received SIGHUP; configuration reload is not supported, ignoring.");
        break;
      default:
        log::info("Received signal {}; terminating.", info.ssi_signo);
        stop = true;
    }
  }
  return stop;
}

void accept_one(int lfd, int sfd, const std::vector<int>& listeners,
                const std::function<int(int, const PeerInfo&)>& serve) {
  int fd = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno != EAGAIN && errno != EINTR) log::error("accept: {}", errno_text());
    return;
  }
  PeerInfo peer = describe_socket(fd);
  pid_t pid = fork();
  if (pid < 0) {
    log::error("fork: {}", errno_text());
    close(fd);
    return;
  }
  if (pid == 0) {
    // Child: no listeners, default signal handling, then serve this one connection.
    for (int l : listeners) close(l);
    close(sfd);
    signal(SIGPIPE, SIG_IGN);
    restore_signal_mask();
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    _exit(serve(fd, peer));
  }
  close(fd);
  log::verbose("Connection from {} port {} on {} port {} (child {})", peer.address, peer.port,
               peer.local_address, peer.local_port, pid);
}

}  // namespace

void block_daemon_signals() {
  if (g_blocked) return;
  sigset_t mask = daemon_signals();
  sigprocmask(SIG_BLOCK, &mask, &g_old_mask);
  g_blocked = true;
}

void restore_signal_mask() {
  if (g_blocked) sigprocmask(SIG_SETMASK, &g_old_mask, nullptr);
}

PeerInfo describe_socket(int fd) {
  PeerInfo info;
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    split_address(ss, info.address, info.port);
  }
  len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    split_address(ss, info.local_address, info.local_port);
  }
  return info;
}

std::vector<int> open_listeners(const std::vector<ListenEndpoint>& endpoints) {
  std::vector<int> fds;
  try {
    for (const auto& ep : endpoints) fds.push_back(listen_on(ep));
  } catch (...) {
    for (int fd : fds) close(fd);
    throw;
  }
  return fds;
}

void run_listener(const std::vector<int>& listeners, const std::function<void()>& ready,
                  const std::function<int(int, const PeerInfo&)>& serve) {
  int sfd = make_signal_fd();
  ready();
  std::vector<pollfd> fds;
  fds.push_back({sfd, POLLIN, 0});
  for (int l : listeners) fds.push_back({l, POLLIN, 0});
  bool stop = false;
  while (!stop) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("poll: " + errno_text());
    }
    if (fds[0].revents & POLLIN) stop = handle_signals(sfd);
    for (size_t i = 1; i < fds.size() && !stop; ++i) {
      if (fds[i].revents & POLLIN) accept_one(fds[i].fd, sfd, listeners, serve);
    }
  }
  for (int l : listeners) close(l);
  close(sfd);
  restore_signal_mask();
}

}  // namespace wharf::daemon
