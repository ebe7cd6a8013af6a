// The keyword table: one row per keyword; value syntaxes are in codecs.h.
#include "conf/keywords.h"

#include "conf/codecs.h"
#include "conf/values.h"

namespace wharf::conf {
namespace {

using Strings = std::vector<std::string>;
using Mode = Keyword::Mode;
using namespace codecs;  // NOLINT: the table below names codecs only

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
    first<&S::per_source_net_block_size, NetBlockSizeC>("PerSourceNetBlockSize", kGlobal),
    first<&S::per_source_penalties, PenaltiesC>("PerSourcePenalties", kGlobal),
    first<&S::per_source_penalty_exempt_list, AddressListOrNone>("PerSourcePenaltyExemptList",
                                                                 kGlobal),
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
