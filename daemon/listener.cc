#include "daemon/listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
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

double monotonic_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void reap_children(Admission& admission) {
  int status = 0;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    if (WIFSIGNALED(status)) {
      log::error("connection child {} killed by signal {}", pid, WTERMSIG(status));
    } else {
      log::debug("connection child {} exited with status {}", pid, WEXITSTATUS(status));
    }
    admission.on_exit(pid, status, monotonic_seconds());
  }
}

// Returns true when the loop should stop.
bool handle_signals(int sfd, Admission& admission) {
  signalfd_siginfo info;
  bool stop = false;
  while (read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    switch (info.ssi_signo) {
      case SIGCHLD:
        reap_children(admission);
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

class AcceptLoop {
 public:
  AcceptLoop(const std::vector<int>& listeners, const AdmissionLimits& limits, const ServeFn& serve)
      : listeners_(listeners), admission_(limits), serve_(serve) {}

  void run(const std::function<void()>& ready) {
    sfd_ = make_signal_fd();
    ready();
    bool stop = false;
    std::vector<pollfd> fds;
    while (!stop) {
      double now = monotonic_seconds();
      bool paused = now < paused_until_;
      fds.clear();
      fds.push_back({sfd_, POLLIN, 0});
      size_t first_listener = fds.size();
      if (!paused) {
        for (int l : listeners_) fds.push_back({l, POLLIN, 0});
      }
      size_t first_pipe = fds.size();
      for (int p : admission_.pipe_fds()) fds.push_back({p, POLLIN, 0});
      int timeout = paused ? static_cast<int>((paused_until_ - now) * 1000) + 1 : -1;
      if (poll(fds.data(), fds.size(), timeout) < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("poll: " + errno_text());
      }
      if (fds[0].revents & POLLIN) stop = handle_signals(sfd_, admission_);
      // Startups that ended free their slots before new connections are judged.
      for (size_t i = first_pipe; i < fds.size(); ++i) {
        if (fds[i].revents) admission_.on_pipe(fds[i].fd);
      }
      for (size_t i = first_listener; i < first_pipe && !stop; ++i) {
        if (fds[i].revents & POLLIN) accept_one(fds[i].fd);
      }
    }
    for (int l : listeners_) close(l);
    close(sfd_);
    restore_signal_mask();
  }

 private:
  void accept_one(int lfd) {
    // The startup pipe first: short of descriptors, the connection waits in the backlog
    // instead of being accepted and dropped.
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return accept_failed("pipe");
    int fd = accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      int saved = errno;
      close(pipe_fds[0]);
      close(pipe_fds[1]);
      errno = saved;
      return accept_failed("accept");
    }
    PeerInfo peer = describe_socket(fd);
    if (!admission_.admit(peer, monotonic_seconds())) {
      // Refused: closed at once, nothing written (sshd writes a line; we need not).
      for (int f : {fd, pipe_fds[0], pipe_fds[1]}) close(f);
      return;
    }
    fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
    pid_t pid = fork();
    if (pid < 0) {
      log::error("fork: {}", errno_text());
      for (int f : {fd, pipe_fds[0], pipe_fds[1]}) close(f);
      return;
    }
    if (pid == 0) {
      close(pipe_fds[0]);
      run_child(fd, peer, pipe_fds[1]);
    }
    close(fd);
    close(pipe_fds[1]);
    admission_.started(pid, peer, pipe_fds[0]);
    log::verbose("Connection from {} port {} on {} port {} (child {}, {} startups)", peer.address,
                 peer.port, peer.local_address, peer.local_port, pid, admission_.pending());
  }

  [[noreturn]] void run_child(int fd, const PeerInfo& peer, int startup_fd) {
    // No listeners, no other child's pipe, default signal handling; then this one connection.
    for (int l : listeners_) close(l);
    for (int p : admission_.pipe_fds()) close(p);
    close(sfd_);
    signal(SIGPIPE, SIG_IGN);
    restore_signal_mask();
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    int status = kExitInternalError;
    {
      StartupPipe startup(startup_fd);
      try {
        status = serve_(fd, peer, startup);
      } catch (const std::exception& e) {
        log::error("{} port {}: {}", peer.address, peer.port, e.what());
      }
    }
    _exit(status);
  }

  // Out of descriptors or memory: stop accepting for a moment instead of spinning on a listener
  // that stays readable, and say so at most every 10 s.
  void accept_failed(const char* what) {
    if (errno == EAGAIN || errno == EINTR || errno == ECONNABORTED) return;
    double now = monotonic_seconds();
    paused_until_ = now + 0.1;
    if (now - last_accept_log_ >= 10) {
      log::error("{}: {}; pausing new connections briefly", what, errno_text());
      last_accept_log_ = now;
    }
  }

  const std::vector<int>& listeners_;
  Admission admission_;
  const ServeFn& serve_;
  int sfd_ = -1;
  double paused_until_ = 0;
  double last_accept_log_ = -1e9;
};

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

// A ListenAddress may be a host name, as in sshd_config: it is resolved (getaddrinfo) to every
// address it has, each listened on. Numeric addresses are taken as they are.
std::vector<ListenEndpoint> resolve(const ListenEndpoint& ep) {
  unsigned char buf[sizeof(in6_addr)];
  if (inet_pton(AF_INET, ep.address.c_str(), buf) == 1 ||
      inet_pton(AF_INET6, ep.address.c_str(), buf) == 1) {
    return {ep};
  }
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(ep.address.c_str(), nullptr, &hints, &found); rc != 0) {
    throw std::runtime_error(fmt::format("ListenAddress {}: {}", ep.address, gai_strerror(rc)));
  }
  std::vector<ListenEndpoint> out;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    sockaddr_storage ss{};
    std::memcpy(&ss, a->ai_addr, std::min<size_t>(a->ai_addrlen, sizeof ss));
    ListenEndpoint numeric{"", ep.port};
    int ignored = 0;
    split_address(ss, numeric.address, ignored);
    bool seen = std::any_of(out.begin(), out.end(),
                            [&](const ListenEndpoint& e) { return e.address == numeric.address; });
    if (!numeric.address.empty() && !seen) out.push_back(numeric);
  }
  freeaddrinfo(found);
  if (out.empty()) throw std::runtime_error("ListenAddress " + ep.address + ": no address");
  return out;
}

std::vector<int> open_listeners(const std::vector<ListenEndpoint>& endpoints) {
  std::vector<int> fds;
  try {
    for (const auto& named : endpoints) {
      std::vector<ListenEndpoint> all = resolve(named);
      if (all.size() == 1) {
        fds.push_back(listen_on(all[0]));
        continue;
      }
      // A name with several addresses (localhost: 127.0.0.1 and ::1) is served on those that
      // can be bound here, as sshd does; it fails only if none can.
      std::string first_error;
      size_t bound = 0;
      for (const auto& ep : all) {
        try {
          fds.push_back(listen_on(ep));
          ++bound;
        } catch (const std::runtime_error& e) {
          log::error("{}", e.what());
          if (first_error.empty()) first_error = e.what();
        }
      }
      if (bound == 0) throw std::runtime_error(first_error);
    }
  } catch (...) {
    for (int fd : fds) close(fd);
    throw;
  }
  return fds;
}

StartupPipe::~StartupPipe() {
  if (fd_ >= 0) close(fd_);
}

void StartupPipe::authenticated() {
  if (fd_ < 0) return;
  ssize_t n;
  while ((n = write(fd_, &kStartupAuthenticated, 1)) < 0 && errno == EINTR) {
  }
  close(fd_);
  fd_ = -1;
}

void run_listener(const std::vector<int>& listeners, const AdmissionLimits& limits,
                  const std::function<void()>& ready, const ServeFn& serve) {
  AcceptLoop(listeners, limits, serve).run(ready);
}

}  // namespace wharf::daemon
