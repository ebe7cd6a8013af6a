// The typed settings the rest of the server reads: one plain struct, defaults are what an empty
// configuration file gives. Keywords and their syntax: keywords.cc; examples/wharfd_config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conf/algorithms.h"

namespace wharf::conf {

// sshd LogLevel; DEBUG is DEBUG1.
enum class LogLevel { kQuiet, kFatal, kError, kInfo, kVerbose, kDebug1, kDebug2, kDebug3 };

enum class PermitRootLogin { kYes, kNo, kProhibitPassword, kForcedCommandsOnly };

// yes = zlib@openssh.com,zlib; delayed = zlib@openssh.com (after auth); no = none.
enum class Compression { kNo, kDelayed, kYes };

enum class AtomicUploads { kNo, kYes, kAuto };  // auto: yes for drop boxes

struct ListenAddress {
  std::string host;  // an address or host name, without brackets
  int port = 0;      // 0: every Port
  bool operator==(const ListenAddress&) const = default;
};

// MaxStartups start:rate:full (sshd(8): random early drop between start and full).
struct MaxStartups {
  int start = 10;
  int rate = 30;  // percent
  int full = 100;
  bool operator==(const MaxStartups&) const = default;
};

// PerSourceNetBlockSize ipv4:ipv6 (sshd_config(5)): how sources are grouped for the per-source
// limits and penalties.
struct NetBlockSize {
  int ipv4 = 32;
  int ipv6 = 128;
  bool operator==(const NetBlockSize&) const = default;
};

// PerSourcePenalties (OpenSSH 9.8 sshd_config(5)); durations in seconds. Unlike OpenSSH 9.8,
// Wharf leaves it off unless configured ("yes" or any penalty word turns it on): a shared NAT
// address or a test rig failing logins on purpose should not lock itself out by default.
struct Penalties {
  bool enabled = false;
  int crash = 90;
  int authfail = 5;
  int noauth = 1;
  int grace_exceeded = 10;
  int refuseconnection = 10;
  int max = 600;
  int min = 15;
  int max_sources4 = 65536;
  int max_sources6 = 65536;
  bool overflow_deny_all = false;   // false: permissive
  bool overflow6_deny_all = false;  // false: permissive
  bool operator==(const Penalties&) const = default;
};

// RekeyLimit: bytes ("default" = 0: the cipher's default) and seconds (0: none).
struct RekeyLimit {
  uint64_t bytes = 0;
  int seconds = 0;
  bool operator==(const RekeyLimit&) const = default;
};

struct Settings {
  // --- daemon
  std::vector<int> ports = {22};
  std::vector<ListenAddress> listen_addresses;  // empty: every address
  LogLevel log_level = LogLevel::kInfo;
  std::string state_directory;  // empty ("none"): the daemon picks
  std::string pid_file;         // empty ("none"): no pid file
  MaxStartups max_startups;
  int per_source_max_startups = 0;  // 0 ("none"): unlimited
  NetBlockSize per_source_net_block_size;
  Penalties per_source_penalties;
  std::string per_source_penalty_exempt_list;  // address list; empty ("none"): nobody exempt
  int login_grace_time = 120;                  // seconds, 0 = none
  int client_alive_interval = 0;               // seconds, 0 = off
  int client_alive_count_max = 3;
  int max_auth_tries = 6;
  int max_sessions = 10;
  bool use_dns = false;

  // --- transport
  std::vector<std::string> host_keys;  // paths
  std::vector<std::string> kex_algorithms = algorithms::kKexDefault;
  std::vector<std::string> host_key_algorithms = algorithms::kHostKeyDefault;
  std::vector<std::string> ciphers = algorithms::kCipherDefault;
  std::vector<std::string> macs = algorithms::kMacDefault;
  std::vector<std::string> pubkey_accepted_algorithms = algorithms::kPubkeyDefault;
  Compression compression = Compression::kDelayed;
  RekeyLimit rekey_limit;
  std::string moduli_file = "/etc/ssh/moduli";

  // --- authentication
  std::vector<std::string> allow_users;  // patterns, user or user@host
  std::vector<std::string> deny_users;
  std::vector<std::string> allow_groups;
  std::vector<std::string> deny_groups;
  PermitRootLogin permit_root_login = PermitRootLogin::kProhibitPassword;
  bool pubkey_authentication = true;
  bool password_authentication = false;
  // Each entry is a comma-separated list of methods that must all succeed; empty: "any".
  std::vector<std::string> authentication_methods;
  std::vector<std::string> authorized_keys_files = {".ssh/authorized_keys"};  // raw, with tokens
  bool strict_modes = true;
  std::string virtual_users_file;  // empty: none
  std::string chroot_directory;    // empty ("none"): the user's home; raw, tokens expanded later
  std::string force_command;       // empty: none; raw rest of the line
  std::string sftp_subsystem = "internal-sftp";  // "Subsystem sftp X": X, raw
  std::string banner;                            // empty: none

  // --- SFTP policy (Wharf)
  bool sftp_read_only = false;
  std::vector<std::string> sftp_allowed_requests;  // empty: all
  std::vector<std::string> sftp_denied_requests;   // empty: none
  std::optional<uint32_t> sftp_umask;              // none: keep the process umask
  std::optional<uint32_t> sftp_force_file_mode;
  std::optional<uint32_t> sftp_force_directory_mode;
  bool drop_box = false;
  AtomicUploads atomic_uploads = AtomicUploads::kAuto;

  bool operator==(const Settings&) const = default;
};

// AtomicUploads resolved: auto means yes for drop boxes, no otherwise.
inline bool atomic_uploads_enabled(const Settings& s) {
  return s.atomic_uploads == AtomicUploads::kYes ||
         (s.atomic_uploads == AtomicUploads::kAuto && s.drop_box);
}

// The compression method names offered for `c`, in preference order.
inline std::vector<std::string> compression_methods(Compression c) {
  switch (c) {
    case Compression::kYes:
      return {"zlib@openssh.com", "zlib", "none"};
    case Compression::kDelayed:
      return {"zlib@openssh.com", "none"};
    case Compression::kNo:
      break;
  }
  return {"none"};
}

}  // namespace wharf::conf
