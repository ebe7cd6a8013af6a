// Every keyword: good values land in Settings, bad values throw ConfigError with FILE:LINE.
#include "conf/keywords.h"

#include <gtest/gtest.h>

#include "conf/config.h"

namespace wharf::conf {
namespace {

using V = std::vector<std::string>;

Settings parse(std::string_view text) { return Config::parse_text(text, "k.conf", {}).global(); }

std::string error_of(std::string_view text) {
  try {
    Config::parse_text(text, "k.conf", {});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Keywords, TableIsWellFormed) {
  for (const auto& k : keyword_table()) {
    EXPECT_EQ(find_keyword(k.name), &k) << k.name;
    EXPECT_EQ(k.mode == Keyword::Mode::kAccumulate, k.clear != nullptr) << k.name;
  }
  EXPECT_EQ(find_keyword("pOrT")->name, std::string("Port"));
  EXPECT_EQ(find_keyword("NoSuchKeyword"), nullptr);
  EXPECT_EQ(find_keyword("Match"), nullptr);  // handled by the loader
}

TEST(Keywords, Defaults) {
  Settings s = parse("");
  EXPECT_EQ(s, Settings{});
  EXPECT_EQ(s.ports, std::vector<int>{22});
  EXPECT_FALSE(s.password_authentication);
  EXPECT_TRUE(s.strict_modes);
  EXPECT_EQ(s.authorized_keys_files, V{".ssh/authorized_keys"});
  EXPECT_EQ(s.compression, Compression::kDelayed);
  EXPECT_EQ(compression_methods(s.compression), (V{"zlib@openssh.com", "none"}));
  EXPECT_EQ(compression_methods(Compression::kYes), (V{"zlib@openssh.com", "zlib", "none"}));
  EXPECT_EQ(compression_methods(Compression::kNo), V{"none"});
  EXPECT_EQ(s.atomic_uploads, AtomicUploads::kAuto);
  EXPECT_FALSE(atomic_uploads_enabled(s));
  s.drop_box = true;
  EXPECT_TRUE(atomic_uploads_enabled(s));
  s.atomic_uploads = AtomicUploads::kNo;
  EXPECT_FALSE(atomic_uploads_enabled(s));
  EXPECT_EQ(s.kex_algorithms, algorithms::kKexDefault);
}

TEST(Keywords, Daemon) {
  EXPECT_EQ(parse("Port 2222\nPort 22").ports, (std::vector<int>{2222, 22}));
  auto la = parse(
                "ListenAddress 127.0.0.1\nListenAddress [::1]:2200\nListenAddress ::1\n"
                "ListenAddress host.example:22\nListenAddress [fe80::1]")
                .listen_addresses;
  ASSERT_EQ(la.size(), 5u);
  EXPECT_EQ(la[0], (ListenAddress{"127.0.0.1", 0}));
  EXPECT_EQ(la[1], (ListenAddress{"::1", 2200}));
  EXPECT_EQ(la[2], (ListenAddress{"::1", 0}));
  EXPECT_EQ(la[3], (ListenAddress{"host.example", 22}));
  EXPECT_EQ(la[4], (ListenAddress{"fe80::1", 0}));
  EXPECT_EQ(parse("LogLevel debug").log_level, LogLevel::kDebug1);
  EXPECT_EQ(parse("LogLevel DEBUG3").log_level, LogLevel::kDebug3);
  EXPECT_EQ(parse("LogLevel quiet").log_level, LogLevel::kQuiet);
  EXPECT_EQ(parse("LogLevel VERBOSE").log_level, LogLevel::kVerbose);
  EXPECT_EQ(parse("StateDirectory /var/lib/wharf").state_directory, "/var/lib/wharf");
  EXPECT_EQ(parse("StateDirectory none").state_directory, "");
  EXPECT_EQ(parse("PidFile /run/wharfd.pid").pid_file, "/run/wharfd.pid");
  EXPECT_EQ(parse("MaxStartups 10:30:60").max_startups, (MaxStartups{10, 30, 60}));
  EXPECT_EQ(parse("MaxStartups 5").max_startups, (MaxStartups{5, 100, 5}));
  EXPECT_EQ(parse("PerSourceMaxStartups 3").per_source_max_startups, 3);
  EXPECT_EQ(parse("PerSourceMaxStartups none").per_source_max_startups, 0);
  EXPECT_EQ(parse("").per_source_net_block_size, (NetBlockSize{32, 128}));
  EXPECT_EQ(parse("PerSourceNetBlockSize 24:64").per_source_net_block_size, (NetBlockSize{24, 64}));
  EXPECT_EQ(parse("PerSourceNetBlockSize 16").per_source_net_block_size, (NetBlockSize{16, 128}));
  EXPECT_EQ(parse("LoginGraceTime 1h30m").login_grace_time, 5400);
  EXPECT_EQ(parse("LoginGraceTime 2m").login_grace_time, 120);
  EXPECT_EQ(parse("LoginGraceTime 45").login_grace_time, 45);
  EXPECT_EQ(parse("LoginGraceTime 1m30").login_grace_time, 90);
  EXPECT_EQ(parse("LoginGraceTime 1w1d1H1M1S").login_grace_time, 604800 + 86400 + 3661);
  EXPECT_EQ(parse("ClientAliveInterval 15s").client_alive_interval, 15);
  EXPECT_EQ(parse("ClientAliveCountMax 0").client_alive_count_max, 0);
  EXPECT_EQ(parse("MaxAuthTries 3").max_auth_tries, 3);
  EXPECT_EQ(parse("MaxSessions 0").max_sessions, 0);
  EXPECT_TRUE(parse("UseDNS yes").use_dns);
  EXPECT_FALSE(parse("UseDNS no").use_dns);
}

TEST(Keywords, PerSourcePenalties) {
  // Off unless configured (unlike OpenSSH 9.8); "yes" gives OpenSSH's default durations.
  EXPECT_FALSE(parse("").per_source_penalties.enabled);
  EXPECT_FALSE(parse("PerSourcePenalties no").per_source_penalties.enabled);
  Penalties on;
  on.enabled = true;
  EXPECT_EQ(parse("PerSourcePenalties yes").per_source_penalties, on);
  EXPECT_TRUE(parse("PerSourcePenalties crash:1s").per_source_penalties.enabled);
  Penalties p = parse(
                    "PerSourcePenalties authfail:30s crash:2m max:1h min:5 max-sources4:100 "
                    "max-sources6:200 overflow:deny-all overflow6:permissive noauth:0 "
                    "grace-exceeded:20s refuseconnection:1m")
                    .per_source_penalties;
  EXPECT_TRUE(p.enabled);
  EXPECT_EQ(p.authfail, 30);
  EXPECT_EQ(p.crash, 120);
  EXPECT_EQ(p.max, 3600);
  EXPECT_EQ(p.min, 5);
  EXPECT_EQ(p.max_sources4, 100);
  EXPECT_EQ(p.max_sources6, 200);
  EXPECT_TRUE(p.overflow_deny_all);
  EXPECT_FALSE(p.overflow6_deny_all);
  EXPECT_EQ(p.noauth, 0);
  EXPECT_EQ(p.grace_exceeded, 20);
  EXPECT_EQ(p.refuseconnection, 60);
}

TEST(Keywords, PerSourcePenaltyExemptList) {
  EXPECT_EQ(parse("").per_source_penalty_exempt_list, "");
  EXPECT_EQ(parse("PerSourcePenaltyExemptList none").per_source_penalty_exempt_list, "");
  EXPECT_EQ(
      parse("PerSourcePenaltyExemptList 10.0.0.0/8,!10.1.*,::1").per_source_penalty_exempt_list,
      "10.0.0.0/8,!10.1.*,::1");
}

TEST(Keywords, Transport) {
  EXPECT_EQ(parse("HostKey /a\nHostKey /b").host_keys, (V{"/a", "/b"}));
  EXPECT_EQ(parse("KexAlgorithms curve25519-sha256").kex_algorithms, V{"curve25519-sha256"});
  EXPECT_EQ(parse("KexAlgorithms +diffie-hellman-group16-sha512").kex_algorithms.back(),
            "diffie-hellman-group16-sha512");
  EXPECT_EQ(parse("HostKeyAlgorithms -ecdsa-*").host_key_algorithms,
            (V{"ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"}));
  EXPECT_EQ(parse("Ciphers ^aes256-ctr").ciphers.front(), "aes256-ctr");
  // Hardening guides remove what Wharf never offers; sshd accepts that, so does Wharf.
  EXPECT_EQ(parse("Ciphers -*cbc,3des*").ciphers, algorithms::kCipherDefault);
  EXPECT_EQ(parse("MACs -*-sha1*,umac-64*").macs, algorithms::kMacDefault);
  EXPECT_EQ(parse("HostKeyAlgorithms -ssh-rsa,ssh-dss").host_key_algorithms,
            algorithms::kHostKeyDefault);
  EXPECT_EQ(parse("Ciphers ^aes256-ctr").ciphers.size(), algorithms::kCipherDefault.size());
  EXPECT_EQ(parse("MACs hmac-sha1").macs, V{"hmac-sha1"});
  EXPECT_EQ(parse("PubkeyAcceptedAlgorithms +ssh-rsa").pubkey_accepted_algorithms.back(),
            "ssh-rsa");
  EXPECT_EQ(parse("Compression yes").compression, Compression::kYes);
  EXPECT_EQ(parse("Compression no").compression, Compression::kNo);
  EXPECT_EQ(parse("Compression delayed").compression, Compression::kDelayed);
  EXPECT_EQ(parse("RekeyLimit default").rekey_limit, (RekeyLimit{0, 0}));
  EXPECT_EQ(parse("RekeyLimit 1G").rekey_limit, (RekeyLimit{1ull << 30, 0}));
  EXPECT_EQ(parse("RekeyLimit 512M 1h").rekey_limit, (RekeyLimit{512ull << 20, 3600}));
  EXPECT_EQ(parse("RekeyLimit 64k none").rekey_limit, (RekeyLimit{64ull << 10, 0}));
  EXPECT_EQ(parse("RekeyLimit default 30m").rekey_limit, (RekeyLimit{0, 1800}));
  EXPECT_EQ(parse("RekeyLimit 100000 default").rekey_limit, (RekeyLimit{100000, 0}));
  EXPECT_EQ(parse("ModuliFile /etc/moduli").moduli_file, "/etc/moduli");
}

TEST(Keywords, Authentication) {
  EXPECT_EQ(parse("AllowUsers alice bob@10.0.0.0/8\nAllowUsers car*").allow_users,
            (V{"alice", "bob@10.0.0.0/8", "car*"}));
  EXPECT_EQ(parse("DenyUsers root").deny_users, V{"root"});
  EXPECT_EQ(parse("AllowGroups sftp staff").allow_groups, (V{"sftp", "staff"}));
  EXPECT_EQ(parse("DenyGroups nogroup").deny_groups, V{"nogroup"});
  EXPECT_EQ(parse("PermitRootLogin yes").permit_root_login, PermitRootLogin::kYes);
  EXPECT_EQ(parse("PermitRootLogin no").permit_root_login, PermitRootLogin::kNo);
  EXPECT_EQ(parse("PermitRootLogin without-password").permit_root_login,
            PermitRootLogin::kProhibitPassword);
  EXPECT_EQ(parse("PermitRootLogin forced-commands-only").permit_root_login,
            PermitRootLogin::kForcedCommandsOnly);
  EXPECT_FALSE(parse("PubkeyAuthentication no").pubkey_authentication);
  EXPECT_TRUE(parse("PasswordAuthentication yes").password_authentication);
  EXPECT_EQ(parse("AuthenticationMethods publickey,password publickey").authentication_methods,
            (V{"publickey,password", "publickey"}));
  EXPECT_EQ(parse("AuthenticationMethods any").authentication_methods, V{});
  EXPECT_EQ(parse("AuthorizedKeysFile .ssh/a /etc/keys/%u").authorized_keys_files,
            (V{".ssh/a", "/etc/keys/%u"}));
  EXPECT_EQ(parse("AuthorizedKeysFile /k/%U/%%/%h").authorized_keys_files, V{"/k/%U/%%/%h"});
  EXPECT_EQ(parse("AuthorizedKeysFile none").authorized_keys_files, V{});
  EXPECT_FALSE(parse("StrictModes no").strict_modes);
  EXPECT_EQ(parse("VirtualUsersFile /etc/wharf/users").virtual_users_file, "/etc/wharf/users");
  EXPECT_EQ(parse("ChrootDirectory /srv/sftp/%u").chroot_directory, "/srv/sftp/%u");
  EXPECT_EQ(parse("ChrootDirectory %h").chroot_directory, "%h");
  EXPECT_EQ(parse("ChrootDirectory none").chroot_directory, "");
  EXPECT_EQ(parse("ForceCommand internal-sftp -R").force_command, "internal-sftp -R");
  EXPECT_EQ(parse("ForceCommand none").force_command, "");
  EXPECT_EQ(parse("Subsystem sftp internal-sftp").sftp_subsystem, "internal-sftp");
  EXPECT_EQ(parse("Subsystem sftp /usr/lib/openssh/sftp-server -l INFO").sftp_subsystem,
            "/usr/lib/openssh/sftp-server -l INFO");
  // sftp-server's flags, on either program: Wharf honours them (a -R must not be dropped).
  EXPECT_EQ(parse("Subsystem sftp internal-sftp -R -u 002 -d /up/%u").sftp_subsystem,
            "internal-sftp -R -u 002 -d /up/%u");
  EXPECT_EQ(parse("Subsystem sftp /usr/lib/openssh/sftp-server -f AUTH -l VERBOSE").sftp_subsystem,
            "/usr/lib/openssh/sftp-server -f AUTH -l VERBOSE");
  EXPECT_EQ(parse("ForceCommand internal-sftp -d /upload -l INFO -u 0002").force_command,
            "internal-sftp -d /upload -l INFO -u 0002");
  EXPECT_EQ(parse("Banner /etc/issue.net").banner, "/etc/issue.net");
  EXPECT_EQ(parse("Banner none").banner, "");
}

TEST(Keywords, SftpPolicy) {
  EXPECT_TRUE(parse("SftpReadOnly yes").sftp_read_only);
  EXPECT_EQ(parse("SftpAllowedRequests open,close,read,realpath,stat").sftp_allowed_requests,
            (V{"open", "close", "read", "realpath", "stat"}));
  EXPECT_EQ(parse("SftpAllowedRequests all").sftp_allowed_requests, V{});
  EXPECT_EQ(parse("SftpDeniedRequests remove,posix-rename,copy-data").sftp_denied_requests,
            (V{"remove", "posix-rename", "copy-data"}));
  EXPECT_EQ(parse("SftpDeniedRequests none").sftp_denied_requests, V{});
  EXPECT_EQ(parse("SftpUmask 022").sftp_umask, 022u);
  EXPECT_EQ(parse("SftpUmask 0077").sftp_umask, 077u);
  EXPECT_EQ(parse("SftpUmask none").sftp_umask, std::nullopt);
  EXPECT_EQ(parse("SftpForceFileMode 0640").sftp_force_file_mode, 0640u);
  EXPECT_EQ(parse("SftpForceDirectoryMode 2750").sftp_force_directory_mode, 02750u);
  EXPECT_TRUE(parse("DropBox yes").drop_box);
  EXPECT_EQ(parse("AtomicUploads yes").atomic_uploads, AtomicUploads::kYes);
  EXPECT_EQ(parse("AtomicUploads no").atomic_uploads, AtomicUploads::kNo);
  EXPECT_EQ(parse("AtomicUploads auto").atomic_uploads, AtomicUploads::kAuto);
}

// Every line here is wrong; the error must name the file, the line and the keyword.
const char* kBadLines[] = {
    "Port 0",
    "Port 65536",
    "Port 22x",
    "Port -1",
    "Port 22 23",
    "ListenAddress [::1",
    "ListenAddress [::1]x",
    "ListenAddress [::1]:",
    "ListenAddress 127.0.0.1:",
    "ListenAddress 127.0.0.1:99999",
    "ListenAddress :22",
    "ListenAddress 1:2:3:zz",
    "ListenAddress [not-v6]:22",
    "ListenAddress bad/host",
    "LogLevel LOUD",
    "LogLevel DEBUG4",
    "PidFile a b",
    "StateDirectory \"\"",
    "MaxStartups 10:30",
    "MaxStartups 10:0:100",
    "MaxStartups 10:101:100",
    "MaxStartups 100:30:10",
    "MaxStartups 0",
    "MaxStartups a:b:c",
    "PerSourceMaxStartups 0",
    "PerSourceMaxStartups many",
    "PerSourcePenalties maybe",
    "PerSourceNetBlockSize 33",
    "PerSourceNetBlockSize 24:129",
    "PerSourceNetBlockSize 24:",
    "PerSourceNetBlockSize x:64",
    "PerSourcePenalties authfail",
    "PerSourcePenalties authfail:xs",
    "PerSourcePenalties bogus:5",
    "PerSourcePenalties overflow:maybe",
    "PerSourcePenalties max-sources4:0",
    "PerSourcePenalties yes authfail:5",
    "PerSourcePenaltyExemptList 10.0.0.1/8",
    "PerSourcePenaltyExemptList 10.0.0.0/33",
    "PerSourcePenaltyExemptList 10.0.0.0/8,,::1",
    "PerSourcePenaltyExemptList 10.0.0.0/8 ::1",
    "LoginGraceTime 2x",
    "LoginGraceTime -5",
    "LoginGraceTime m",
    "LoginGraceTime 99999999999",
    "LoginGraceTime 9999999w",
    "ClientAliveInterval 1y",
    "ClientAliveCountMax -1",
    "MaxAuthTries 0",
    "MaxAuthTries many",
    "MaxSessions 1e3",
    "UseDNS maybe",
    "HostKey \"\"",
    "HostKey /a /b",
    "KexAlgorithms diffie-hellman-group1-sha1",
    "KexAlgorithms +nope",
    "KexAlgorithms -*",
    "HostKeyAlgorithms ssh-dss",
    "Ciphers 3des-cbc",
    "Ciphers aes128-ctr,,aes256-ctr",
    "MACs hmac-md5",
    "PubkeyAcceptedAlgorithms ^ssh-dss",
    "Compression zstd",
    "RekeyLimit 10",
    "RekeyLimit 1T",
    "RekeyLimit lots",
    "RekeyLimit 1G 1x",
    "RekeyLimit 1G 1h extra",
    "AllowUsers @host",
    "AllowUsers bob@10.0.0.1/8",
    "AllowUsers \"\"",
    "DenyUsers bob@",
    "AllowGroups \"\"",
    "ModuliFile a b",
    "VirtualUsersFile \"\"",
    "ForceCommand \"\"",
    "DenyGroups \"\"",
    "PermitRootLogin sometimes",
    "PubkeyAuthentication 1",
    "PasswordAuthentication true",
    "AuthenticationMethods hostbased",
    "AuthenticationMethods publickey,,password",
    "AuthenticationMethods any publickey",
    "AuthorizedKeysFile .ssh/%x",
    "AuthorizedKeysFile %",
    "AuthorizedKeysFile /k/%H",
    "StrictModes off",
    "ChrootDirectory relative/dir",
    "ChrootDirectory /srv/%q",
    "Subsystem shell /bin/sh",
    "Subsystem sftp",
    "Subsystem sftp internal-sftp -x",
    "Subsystem sftp /usr/lib/openssh/sftp-server -R -u 9",
    "Subsystem sftp internal-sftp -l LOUD",
    "Subsystem sftp internal-sftp -f LOCAL9",
    "Subsystem sftp internal-sftp -d /up/%h",
    "Subsystem sftp internal-sftp -p",
    "ForceCommand internal-sftp -Q requests",
    "ForceCommand internal-sftp -u 0800",
    "Subsystem sftp sftp-server",
    "Banner a b",
    "SftpReadOnly perhaps",
    "SftpAllowedRequests open,frobnicate",
    "SftpAllowedRequests open,",
    "SftpDeniedRequests posix-rename@openssh.com",
    "SftpUmask 0800",
    "SftpUmask 1000",
    "SftpUmask abc",
    "SftpForceFileMode 17777",
    "SftpForceDirectoryMode 9",
    "DropBox sure",
    "AtomicUploads sometimes",
};

TEST(Keywords, BadValuesNameFileLineAndKeyword) {
  for (const char* bad : kBadLines) {
    std::string text = std::string("# comment\n\n") + bad + "\n";
    std::string e = error_of(text);
    EXPECT_EQ(e.rfind("k.conf:3: ", 0), 0u) << bad << " -> " << e;
    std::string keyword(bad, std::string_view(bad).find(' '));
    EXPECT_NE(e.find(keyword), std::string::npos) << bad << " -> " << e;
  }
}

TEST(Keywords, EveryKeywordHasAGoodAndABadExample) {
  for (const auto& k : keyword_table()) {
    bool has_bad = false;
    for (const char* bad : kBadLines) {
      has_bad =
          has_bad || std::string_view(bad).substr(0, std::string_view(bad).find(' ')) == k.name;
    }
    EXPECT_TRUE(has_bad) << k.name;
  }
}

TEST(Keywords, MissingValue) {
  for (const auto& k : keyword_table()) {
    std::string e = error_of(std::string("\n") + k.name + "\n");
    EXPECT_EQ(e.rfind("k.conf:2: ", 0), 0u) << e;
    EXPECT_NE(e.find("no argument"), std::string::npos) << e;
  }
}

}  // namespace
}  // namespace wharf::conf
