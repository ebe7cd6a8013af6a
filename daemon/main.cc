// wharfd: the Wharf SFTP/SCP server. See README.md and daemon/options.h for the command line.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "conf/config.h"
#include "conf/errors.h"
#include "daemon/connection_driver.h"
#include "daemon/demo.h"
#include "daemon/host_keys.h"
#include "daemon/listener.h"
#include "daemon/options.h"
#include "daemon/pid_file.h"
#include "daemon/server_context.h"
#include "daemon/server_core.h"
#include "daemon/state_dir.h"
#include "log/log.h"
#include "transport/version.h"

namespace wharf::daemon {
namespace {

log::Level to_log_level(conf::LogLevel l) {
  return static_cast<log::Level>(static_cast<int>(l));  // same order, same names (sshd's)
}

// Every ListenAddress, with its own port or each Port (sshd_config(5)).
std::vector<ListenEndpoint> endpoints(const conf::Settings& s) {
  std::vector<ListenEndpoint> out;
  std::vector<conf::ListenAddress> addrs = s.listen_addresses;
  if (addrs.empty()) addrs = {{"0.0.0.0", 0}, {"::", 0}};
  for (const auto& a : addrs) {
    if (a.port != 0) {
      out.push_back({a.host, a.port});
      continue;
    }
    for (int port : s.ports) out.push_back({a.host, port});
  }
  return out;
}

// Threads of this process, from /proc/self/status.
int thread_count() {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 1;
  char line[256];
  int threads = 1;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::sscanf(line, "Threads: %d", &threads) == 1) break;
  }
  std::fclose(f);
  return threads;
}

// Serves one connection; returns the child's exit status (penalties.h kExit*).
int serve_connection(int in_fd, int out_fd, const ServerContext& ctx, const PeerInfo& peer,
                     StartupPipe* startup) {
  log::info("Connection from {} port {} on {} port {}", peer.address, peer.port, peer.local_address,
            peer.local_port);
  ServerCore core(ctx, peer, [startup] {
    if (startup) startup->authenticated();
  });
  run_connection(in_fd, out_fd, core);
  return core.exit_status();
}

AdmissionLimits admission_limits(const conf::Settings& s) {
  return {s.max_startups, s.per_source_max_startups, s.per_source_net_block_size,
          s.per_source_penalties, s.per_source_penalty_exempt_list};
}

// The VirtualUsersFile, if one is configured; its first bad line is a configuration error.
auth::VirtualUsers load_configured_virtual_users(const conf::Settings& settings) {
  if (settings.virtual_users_file.empty()) return {};
  auth::VirtualUsers users = auth::load_virtual_users(settings.virtual_users_file);
  if (!users.errors.empty()) throw conf::ConfigError(users.errors.front());
  return users;
}

int run(const Options& opts) {
  conf::Config config = conf::Config::load(opts.config_file, opts.overrides);
  conf::Settings settings = config.global();
  if (!opts.ports.empty()) settings.ports = opts.ports;  // -p replaces Port, as in sshd
  log::set_level(opts.debug > 0
                     ? static_cast<log::Level>(static_cast<int>(log::Level::kInfo) + 1 + opts.debug)
                     : to_log_level(settings.log_level));
  for (const auto& notice : config.notices()) log::info("{}", notice);
  if (opts.test_only && !opts.dump) {
    // As sshd -t: the files the configuration names must load too, or it would pass a
    // configuration the server then refuses to start with.
    if (!settings.host_keys.empty()) (void)load_host_keys(settings.host_keys, "");
    (void)load_moduli(settings.moduli_file);
    (void)load_configured_virtual_users(settings);
    return 0;
  }
  if (opts.dump) {
    conf::Settings shown = settings;
    if (!opts.connection_spec.empty()) {
      shown = config.for_connection(conf::parse_connection_spec(opts.connection_spec));
      if (!opts.ports.empty()) shown.ports = opts.ports;
    }
    std::fputs(config.dump(shown).c_str(), stdout);
    return 0;
  }
  ServerContext ctx;
  ctx.config = std::move(config);
  ctx.settings = settings;
  ctx.state_dir = prepare_state_directory(settings.state_directory);
  ctx.moduli = load_moduli(settings.moduli_file);
  log::debug("state directory {}", ctx.state_dir);
  ctx.host_keys = load_host_keys(settings.host_keys, ctx.state_dir);
  ctx.virtual_users = load_configured_virtual_users(settings);
  std::vector<ListenEndpoint> where = endpoints(settings);
  if (opts.config_file.empty()) {
    ctx.demo = prepare_demo_user(ctx.state_dir);
    if (!where.empty()) {
      log::info("Demo user ready. Connect with: {}",
                demo_command(*ctx.demo, where.front().address, where.front().port));
    }
  }
  if (opts.inetd) {
    restore_signal_mask();
    signal(SIGPIPE, SIG_IGN);
    serve_connection(STDIN_FILENO, STDOUT_FILENO, ctx, describe_socket(STDIN_FILENO), nullptr);
    return 0;
  }
  // The listener forks for every connection: a thread started by a library before that point
  // would be missing in every child, with any lock it held (Botan's RSA thread pool did this).
  if (int threads = thread_count(); threads != 1) {
    throw std::runtime_error(
        fmt::format("{} threads before forking connections; expected 1", threads));
  }
  std::vector<int> listeners = open_listeners(where);
  PidFile pid_file(settings.pid_file);  // once listening, as sshd does
  run_listener(
      listeners, admission_limits(settings),
      [] { log::info("Wharf {} ready.", transport::kWharfVersion); },
      [&](int fd, const PeerInfo& peer, StartupPipe& startup) {
        return serve_connection(fd, fd, ctx, peer, &startup);
      });
  return 0;
}

}  // namespace
}  // namespace wharf::daemon

namespace {

// A descriptor inherited from whoever started wharfd (a directory, a socket) would reach every
// connection process, through the chroot and the uid drop, and lead out of the root: all but
// stdin, stdout and stderr are closed first, as sshd does (closefrom()).
void close_inherited_descriptors() {
  if (::close_range(3, ~0U, 0) == 0) return;
  const long max = ::sysconf(_SC_OPEN_MAX);
  for (long fd = 3; fd < (max > 0 ? max : 65536); ++fd) ::close(static_cast<int>(fd));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace wharf;
  close_inherited_descriptors();
  daemon::Options opts;
  try {
    opts = daemon::parse_options(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "wharfd: {}\n{}", e.what(), daemon::usage());
    return 2;
  }
  if (opts.help) {
    fmt::print("{}", daemon::usage());
    return 0;
  }
  if (opts.version) {
    fmt::print("Wharf {}\n", transport::kWharfVersion);
    return 0;
  }
  daemon::block_daemon_signals();  // before any library starts a thread
  try {
    return daemon::run(opts);
  } catch (const conf::ConfigError& e) {
    fmt::print(stderr, "wharfd: {}\n", e.what());
  } catch (const std::exception& e) {
    fmt::print(stderr, "wharfd: fatal: {}\n", e.what());
  }
  return 1;
}
