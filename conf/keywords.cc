// The keyword table and the value syntax of each keyword (sshd_config(5) where it exists).
#include "conf/keywords.h"

#include <algorithm>
#include <optional>

#include "conf/algorithm_list.h"
#include "conf/errors.h"
#include "conf/pattern.h"
#include "conf/values.h"

namespace wharf::conf {
namespace {

using Strings = std::vector<std::string>;
using Mode = Keyword::Mode;

// ---- helpers

const std::string& single(const ConfigLine& l) {
  if (l.args.size() != 1) throw ConfigError(l.keyword + ": garbage at end of line");
  return l.args[0];
}

std::string join(const Strings& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

Strings split_commas(const std::string& s, const std::string& what) {
  Strings out;
  size_t start = 0;
  while (true) {
    size_t comma = s.find(',', start);
    out.push_back(s.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (out.back().empty()) throw ConfigError(what + ": empty entry in list \"" + s + "\"");
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

bool is_none(const std::string& s) { return iequals(s, "none"); }

// %-tokens in paths: sshd_config(5) TOKENS allowed in AuthorizedKeysFile and ChrootDirectory.
void check_tokens(const std::string& s, const std::string& what) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 1 == s.size() || std::string_view("%hHuU").find(s[i + 1]) == std::string_view::npos) {
      throw ConfigError(what + ": unknown %-token in \"" + s + "\" (allowed: %% %h %u %U)");
    }
    ++i;
  }
}

std::string none_or(const std::string& v) { return v.empty() ? "none" : quote_argument(v); }

// ---- codecs: parse(const ConfigLine&) -> T, dump(const T&) -> std::string

struct Flag {
  static bool parse(const ConfigLine& l) { return parse_yes_no(single(l), l.keyword); }
  static std::string dump(bool v) { return v ? "yes" : "no"; }
};

template <int Min, int Max>
struct Int {
  static int parse(const ConfigLine& l) { return parse_int(single(l), Min, Max, l.keyword); }
  static std::string dump(int v) { return std::to_string(v); }
};

struct Time {
  static int parse(const ConfigLine& l) { return parse_time(single(l), l.keyword); }
  static std::string dump(int v) { return format_time(v); }
};

struct PathOrNone {  // empty = none
  static std::string parse(const ConfigLine& l) {
    const std::string& v = single(l);
    if (v.empty()) throw ConfigError(l.keyword + ": empty path");
    return is_none(v) ? "" : v;
  }
  static std::string dump(const std::string& v) { return none_or(v); }
};

struct Path {
  static std::string parse(const ConfigLine& l) {
    const std::string& v = single(l);
    if (v.empty()) throw ConfigError(l.keyword + ": empty path");
    return v;
  }
  static std::string dump(const std::string& v) { return quote_argument(v); }
};

struct PathElem {
  static Strings parse(const ConfigLine& l) { return {Path::parse(l)}; }
  static std::string dump(const std::string& v) { return quote_argument(v); }
};

struct LogLevelC {
  static LogLevel parse(const ConfigLine& l) { return parse_log_level(single(l)); }
  static std::string dump(LogLevel v) { return log_level_name(v); }
};

struct PortElem {
  static std::vector<int> parse(const ConfigLine& l) { return {parse_port(single(l), "Port")}; }
  static std::string dump(int v) { return std::to_string(v); }
};

struct ListenElem {
  static std::vector<ListenAddress> parse(const ConfigLine& l) {
    return {parse_listen_address(single(l))};
  }
  static std::string dump(const ListenAddress& v) { return format_listen_address(v); }
};

// "start:rate:full" or "start" (then rate 100, full = start), as sshd servconf.c.
struct MaxStartupsC {
  static MaxStartups parse(const ConfigLine& l) {
    const std::string& v = single(l);
    MaxStartups m;
    size_t c1 = v.find(':');
    if (c1 == std::string::npos) {
      m.start = m.full = parse_int(v, 1, 1 << 20, l.keyword);
      m.rate = 100;
      return m;
    }
    size_t c2 = v.find(':', c1 + 1);
    if (c2 == std::string::npos) throw ConfigError(l.keyword + ": expected start:rate:full");
    m.start = parse_int(v.substr(0, c1), 0, 1 << 20, l.keyword + " start");
    m.rate = parse_int(v.substr(c1 + 1, c2 - c1 - 1), 1, 100, l.keyword + " rate");
    m.full = parse_int(v.substr(c2 + 1), 1, 1 << 20, l.keyword + " full");
    if (m.start > m.full) throw ConfigError(l.keyword + ": start must not exceed full");
    return m;
  }
  static std::string dump(const MaxStartups& m) {
    return std::to_string(m.start) + ":" + std::to_string(m.rate) + ":" + std::to_string(m.full);
  }
};

struct CountOrNone {  // 0 = none
  static int parse(const ConfigLine& l) {
    const std::string& v = single(l);
    return is_none(v) ? 0 : parse_int(v, 1, 1 << 20, l.keyword);
  }
  static std::string dump(int v) { return v ? std::to_string(v) : "none"; }
};

// PerSourcePenalties: "yes", "no", or key:value words (OpenSSH 9.8 sshd_config(5)).
struct PenaltiesC {
  static Penalties parse(const ConfigLine& l) {
    Penalties p;
    if (l.args.size() == 1 && (iequals(l.args[0], "yes") || iequals(l.args[0], "no"))) {
      p.enabled = iequals(l.args[0], "yes");
      return p;
    }
    for (const auto& word : l.args) apply(p, word, l.keyword);
    return p;
  }
  static void apply(Penalties& p, const std::string& word, const std::string& kw) {
    size_t colon = word.find(':');
    if (colon == std::string::npos)
      throw ConfigError(kw + ": expected name:value, got \"" + word + "\"");
    std::string name = to_lower(word.substr(0, colon)), v = word.substr(colon + 1);
    std::string what = kw + " " + name;
    struct Duration {
      const char* name;
      int Penalties::*field;
    };
    static const Duration kDurations[] = {
        {"crash", &Penalties::crash},
        {"authfail", &Penalties::authfail},
        {"noauth", &Penalties::noauth},
        {"grace-exceeded", &Penalties::grace_exceeded},
        {"refuseconnection", &Penalties::refuseconnection},
        {"max", &Penalties::max},
        {"min", &Penalties::min},
    };
    for (const auto& d : kDurations) {
      if (name == d.name) return void(p.*d.field = parse_time(v, what));
    }
    if (name == "max-sources4") return void(p.max_sources4 = parse_int(v, 1, 1 << 24, what));
    if (name == "max-sources6") return void(p.max_sources6 = parse_int(v, 1, 1 << 24, what));
    if (name == "overflow" || name == "overflow6") {
      bool deny = v == "deny-all";
      if (!deny && v != "permissive") throw ConfigError(what + ": expected deny-all or permissive");
      (name == "overflow" ? p.overflow_deny_all : p.overflow6_deny_all) = deny;
      return;
    }
    throw ConfigError(kw + ": unknown penalty \"" + name + "\"");
  }
  static std::string dump(const Penalties& p) {
    if (!p.enabled) return "no";
    auto t = [](int s) { return std::to_string(s) + "s"; };
    return "crash:" + t(p.crash) + " authfail:" + t(p.authfail) + " noauth:" + t(p.noauth) +
           " grace-exceeded:" + t(p.grace_exceeded) + " refuseconnection:" + t(p.refuseconnection) +
           " max:" + t(p.max) + " min:" + t(p.min) +
           " max-sources4:" + std::to_string(p.max_sources4) +
           " max-sources6:" + std::to_string(p.max_sources6) +
           " overflow:" + (p.overflow_deny_all ? "deny-all" : "permissive") +
           " overflow6:" + (p.overflow6_deny_all ? "deny-all" : "permissive");
  }
};

enum class Alg { kKex, kHostKey, kCipher, kMac, kPubkey };

template <Alg A>
struct AlgList {
  static Strings parse(const ConfigLine& l) {
    namespace a = algorithms;
    const std::string& v = single(l);
    try {
      switch (A) {
        case Alg::kKex:
          return resolve_algorithm_list(v, a::kKexDefault, a::kKexSupported);
        case Alg::kHostKey:
          return resolve_algorithm_list(v, a::kHostKeyDefault, a::kHostKeySupported);
        case Alg::kCipher:
          return resolve_algorithm_list(v, a::kCipherDefault, a::kCipherSupported);
        case Alg::kMac:
          return resolve_algorithm_list(v, a::kMacDefault, a::kMacSupported);
        case Alg::kPubkey:
          return resolve_algorithm_list(v, a::kPubkeyDefault, a::kPubkeySupported);
      }
    } catch (const ConfigError& e) {
      throw ConfigError(l.keyword + ": " + e.what());
    }
    return {};
  }
  static std::string dump(const Strings& v) { return join(v, ","); }
};

struct CompressionC {
  static Compression parse(const ConfigLine& l) {
    const std::string& v = single(l);
    if (iequals(v, "yes")) return Compression::kYes;
    if (iequals(v, "delayed")) return Compression::kDelayed;
    if (iequals(v, "no")) return Compression::kNo;
    throw ConfigError(l.keyword + ": expected yes, delayed or no, got \"" + v + "\"");
  }
  static std::string dump(Compression c) {
    return c == Compression::kYes ? "yes" : c == Compression::kNo ? "no" : "delayed";
  }
};

// RekeyLimit default|SIZE [default|none|TIME] (sshd_config(5)).
struct RekeyC {
  static RekeyLimit parse(const ConfigLine& l) {
    if (l.args.size() > 2) throw ConfigError(l.keyword + ": garbage at end of line");
    RekeyLimit r;
    if (!iequals(l.args[0], "default")) {
      r.bytes = parse_size(l.args[0], l.keyword);
      if (r.bytes < 16) throw ConfigError(l.keyword + ": size too small (at least 16)");
    }
    if (l.args.size() == 2 && !iequals(l.args[1], "default") && !is_none(l.args[1])) {
      r.seconds = parse_time(l.args[1], l.keyword + " time");
    }
    return r;
  }
  static std::string dump(const RekeyLimit& r) {
    return (r.bytes ? std::to_string(r.bytes) : "default") + " " +
           (r.seconds ? std::to_string(r.seconds) : "none");
  }
};

struct PermitRootC {
  static PermitRootLogin parse(const ConfigLine& l) {
    const std::string& v = single(l);
    if (iequals(v, "yes")) return PermitRootLogin::kYes;
    if (iequals(v, "no")) return PermitRootLogin::kNo;
    if (iequals(v, "prohibit-password") || iequals(v, "without-password")) {
      return PermitRootLogin::kProhibitPassword;
    }
    if (iequals(v, "forced-commands-only")) return PermitRootLogin::kForcedCommandsOnly;
    throw ConfigError(l.keyword + ": expected yes, no, prohibit-password, without-password or " +
                      "forced-commands-only, got \"" + v + "\"");
  }
  static std::string dump(PermitRootLogin p) {
    switch (p) {
      case PermitRootLogin::kYes:
        return "yes";
      case PermitRootLogin::kNo:
        return "no";
      case PermitRootLogin::kForcedCommandsOnly:
        return "forced-commands-only";
      case PermitRootLogin::kProhibitPassword:
        break;
    }
    return "prohibit-password";
  }
};

// AuthenticationMethods any | LIST... where each LIST is comma-separated methods (RFC 4252
// section 5.1 partial success). Wharf implements publickey and password.
struct AuthMethodsC {
  static Strings parse(const ConfigLine& l) {
    if (l.args.size() == 1 && iequals(l.args[0], "any")) return {};
    for (const auto& list : l.args) {
      for (const auto& m : split_commas(list, l.keyword)) {
        if (m != "publickey" && m != "password") {
          throw ConfigError(l.keyword + ": unsupported method \"" + m +
                            "\" (supported: publickey, password)");
        }
      }
    }
    return l.args;
  }
  static std::string dump(const Strings& v) { return v.empty() ? "any" : join(v, " "); }
};

struct KeysFilesC {
  static Strings parse(const ConfigLine& l) {
    if (l.args.size() == 1 && is_none(l.args[0])) return {};
    for (const auto& f : l.args) {
      if (f.empty()) throw ConfigError(l.keyword + ": empty path");
      check_tokens(f, l.keyword);
    }
    return l.args;
  }
  static std::string dump(const Strings& v) {
    if (v.empty()) return "none";
    std::string out;
    for (const auto& f : v) out += (out.empty() ? "" : " ") + quote_argument(f);
    return out;
  }
};

struct ChrootC {
  static std::string parse(const ConfigLine& l) {
    std::string v = PathOrNone::parse(l);
    check_tokens(v, l.keyword);
    if (!v.empty() && v[0] != '/' && v.rfind("%h", 0) != 0) {
      throw ConfigError(l.keyword + ": \"" + v + "\" is not an absolute path");
    }
    return v;
  }
  static std::string dump(const std::string& v) { return none_or(v); }
};

struct ForceCommandC {  // the raw rest of the line, as sshd keeps it
  static std::string parse(const ConfigLine& l) {
    if (l.args.size() == 1 && l.args[0].empty()) throw ConfigError(l.keyword + ": empty command");
    return l.args.size() == 1 && is_none(l.args[0]) ? "" : l.raw;
  }
  static std::string dump(const std::string& v) { return v.empty() ? "none" : v; }
};

// Subsystem sftp internal-sftp | Subsystem sftp /path/to/sftp-server [args]
struct SubsystemC {
  static std::string parse(const ConfigLine& l) {
    if (l.args[0] != "sftp")
      throw ConfigError(l.keyword + ": only the \"sftp\" subsystem is supported");
    if (l.args.size() < 2) throw ConfigError(l.keyword + ": missing command for \"sftp\"");
    if (l.args[1] == "internal-sftp") {
      if (l.args.size() > 2) {
        throw ConfigError(l.keyword +
                          ": internal-sftp takes no options here; use the Sftp* keywords");
      }
      return "internal-sftp";
    }
    if (l.args[1].empty() || l.args[1][0] != '/') {
      throw ConfigError(l.keyword + ": \"" + l.args[1] +
                        "\" is not internal-sftp or an absolute path");
    }
    size_t after = l.raw.find_first_of(" \t");
    return l.raw.substr(l.raw.find_first_not_of(" \t", after));
  }
  static std::string dump(const std::string& v) { return "sftp " + v; }
};

template <bool kAllowed>
struct RequestList {
  static Strings parse(const ConfigLine& l) {
    const std::string& v = single(l);
    if (iequals(v, kAllowed ? "all" : "none")) return {};
    Strings out = split_commas(v, l.keyword);
    for (const auto& r : out) {
      const auto& known = algorithms::kSftpRequests;
      if (std::find(known.begin(), known.end(), r) == known.end()) {
        throw ConfigError(l.keyword + ": unknown SFTP request \"" + r + "\"");
      }
    }
    return out;
  }
  static std::string dump(const Strings& v) {
    return v.empty() ? (kAllowed ? "all" : "none") : join(v, ",");
  }
};

template <uint32_t Max>
struct OctalOrNone {
  static std::optional<uint32_t> parse(const ConfigLine& l) {
    const std::string& v = single(l);
    if (is_none(v)) return std::nullopt;
    return parse_octal(v, Max, l.keyword);
  }
  static std::string dump(const std::optional<uint32_t>& v) {
    return v ? format_octal(*v) : "none";
  }
};

struct AtomicC {
  static AtomicUploads parse(const ConfigLine& l) {
    const std::string& v = single(l);
    if (iequals(v, "auto")) return AtomicUploads::kAuto;
    return parse_yes_no(v, l.keyword) ? AtomicUploads::kYes : AtomicUploads::kNo;
  }
  static std::string dump(AtomicUploads a) {
    return a == AtomicUploads::kAuto ? "auto" : a == AtomicUploads::kYes ? "yes" : "no";
  }
};

// AllowUsers/DenyUsers: USER or USER@HOST patterns; the host part may be an address list entry.
struct UserPatterns {
  static Strings parse(const ConfigLine& l) {
    for (const auto& p : l.args) {
      if (p.empty()) throw ConfigError(l.keyword + ": empty pattern");
      size_t at = p.find('@');
      if (at != std::string::npos &&
          (at == 0 || !valid_address_list(std::string_view(p).substr(at + 1)))) {
        throw ConfigError(l.keyword + ": invalid pattern \"" + p + "\"");
      }
    }
    return l.args;
  }
  static std::string dump(const std::string& v) { return quote_argument(v); }
};

struct GroupPatterns {
  static Strings parse(const ConfigLine& l) {
    for (const auto& p : l.args) {
      if (p.empty()) throw ConfigError(l.keyword + ": empty pattern");
    }
    return l.args;
  }
  static std::string dump(const std::string& v) { return quote_argument(v); }
};

// ---- row builders

template <auto M, typename C>
Keyword first(const char* name, bool in_match) {
  return {name,         in_match,
          Mode::kFirst, [](Settings& s, const ConfigLine& l) { s.*M = C::parse(l); },
          nullptr,      [](const Settings& s) { return Strings{C::dump(s.*M)}; }};
}

template <auto M, typename C>
Keyword accumulate(const char* name, bool in_match) {
  return {name,
          in_match,
          Mode::kAccumulate,
          [](Settings& s, const ConfigLine& l) {
            for (auto& e : C::parse(l)) (s.*M).push_back(std::move(e));
          },
          [](Settings& s) { (s.*M).clear(); },
          [](const Settings& s) {
            Strings out;
            for (const auto& e : s.*M) out.push_back(C::dump(e));
            return out;
          }};
}

constexpr bool kMatch = true;
constexpr bool kGlobal = false;
using S = Settings;

const Keyword kKeywords[] = {
    // daemon
    accumulate<&S::ports, PortElem>("Port", kGlobal),
    accumulate<&S::listen_addresses, ListenElem>("ListenAddress", kGlobal),
    first<&S::log_level, LogLevelC>("LogLevel", kMatch),
    first<&S::state_directory, PathOrNone>("StateDirectory", kGlobal),
    first<&S::pid_file, PathOrNone>("PidFile", kGlobal),
    first<&S::max_startups, MaxStartupsC>("MaxStartups", kGlobal),
    first<&S::per_source_max_startups, CountOrNone>("PerSourceMaxStartups", kGlobal),
    first<&S::per_source_penalties, PenaltiesC>("PerSourcePenalties", kGlobal),
    first<&S::login_grace_time, Time>("LoginGraceTime", kGlobal),
    first<&S::client_alive_interval, Time>("ClientAliveInterval", kMatch),
    first<&S::client_alive_count_max, Int<0, 1000000>>("ClientAliveCountMax", kMatch),
    first<&S::max_auth_tries, Int<1, 1000>>("MaxAuthTries", kMatch),
    first<&S::max_sessions, Int<0, 100000>>("MaxSessions", kMatch),
    first<&S::use_dns, Flag>("UseDNS", kGlobal),
    // transport
    accumulate<&S::host_keys, PathElem>("HostKey", kGlobal),
    first<&S::kex_algorithms, AlgList<Alg::kKex>>("KexAlgorithms", kGlobal),
    first<&S::host_key_algorithms, AlgList<Alg::kHostKey>>("HostKeyAlgorithms", kGlobal),
    first<&S::ciphers, AlgList<Alg::kCipher>>("Ciphers", kGlobal),
    first<&S::macs, AlgList<Alg::kMac>>("MACs", kGlobal),
    first<&S::pubkey_accepted_algorithms, AlgList<Alg::kPubkey>>("PubkeyAcceptedAlgorithms",
                                                                 kMatch),
    first<&S::compression, CompressionC>("Compression", kGlobal),
    first<&S::rekey_limit, RekeyC>("RekeyLimit", kMatch),
    first<&S::moduli_file, Path>("ModuliFile", kGlobal),
    // authentication
    accumulate<&S::allow_users, UserPatterns>("AllowUsers", kMatch),
    accumulate<&S::deny_users, UserPatterns>("DenyUsers", kMatch),
    accumulate<&S::allow_groups, GroupPatterns>("AllowGroups", kMatch),
    accumulate<&S::deny_groups, GroupPatterns>("DenyGroups", kMatch),
    first<&S::permit_root_login, PermitRootC>("PermitRootLogin", kMatch),
    first<&S::pubkey_authentication, Flag>("PubkeyAuthentication", kMatch),
    first<&S::password_authentication, Flag>("PasswordAuthentication", kMatch),
    first<&S::authentication_methods, AuthMethodsC>("AuthenticationMethods", kMatch),
    first<&S::authorized_keys_files, KeysFilesC>("AuthorizedKeysFile", kMatch),
    first<&S::strict_modes, Flag>("StrictModes", kGlobal),
    first<&S::virtual_users_file, PathOrNone>("VirtualUsersFile", kGlobal),
    first<&S::chroot_directory, ChrootC>("ChrootDirectory", kMatch),
    first<&S::force_command, ForceCommandC>("ForceCommand", kMatch),
    first<&S::sftp_subsystem, SubsystemC>("Subsystem", kMatch),
    first<&S::banner, PathOrNone>("Banner", kMatch),
    // SFTP policy (Wharf)
    first<&S::sftp_read_only, Flag>("SftpReadOnly", kMatch),
    first<&S::sftp_allowed_requests, RequestList<true>>("SftpAllowedRequests", kMatch),
    first<&S::sftp_denied_requests, RequestList<false>>("SftpDeniedRequests", kMatch),
    first<&S::sftp_umask, OctalOrNone<0777>>("SftpUmask", kMatch),
    first<&S::sftp_force_file_mode, OctalOrNone<07777>>("SftpForceFileMode", kMatch),
    first<&S::sftp_force_directory_mode, OctalOrNone<07777>>("SftpForceDirectoryMode", kMatch),
    first<&S::drop_box, Flag>("DropBox", kMatch),
    first<&S::atomic_uploads, AtomicC>("AtomicUploads", kMatch),
};

}  // namespace

std::span<const Keyword> keyword_table() { return kKeywords; }

const Keyword* find_keyword(std::string_view name) {
  for (const auto& k : kKeywords) {
    if (iequals(name, k.name)) return &k;
  }
  return nullptr;
}

}  // namespace wharf::conf
