// The loader: syntax, precedence, -o overrides, Match blocks, errors with FILE:LINE, dump.
#include "conf/config.h"

#include <gtest/gtest.h>

// Tests name only the ConnectionInfo fields that matter ({.user = "alice"}); the others keep
// their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace wharf::conf {
namespace {

using V = std::vector<std::string>;

Config load(std::string_view text, const V& overrides = {}) {
  return Config::parse_text(text, "test.conf", overrides);
}

std::string error_of(std::string_view text, const V& overrides = {}) {
  try {
    load(text, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

#define EXPECT_STARTS_WITH(s, prefix) EXPECT_EQ(std::string(s).rfind(prefix, 0), 0u) << (s)
#define EXPECT_CONTAINS(s, part) EXPECT_NE(std::string(s).find(part), std::string::npos) << (s)

TEST(Syntax, KeywordsAreCaseInsensitiveAndSeparatorsVary) {
  Settings s = load(
                   "port 2200\nPASSWORDAUTHENTICATION=yes\nLogLevel = VERBOSE\n"
                   "  \tMaxAuthTries\t4  # four\n")
                   .global();
  EXPECT_EQ(s.ports, std::vector<int>{2200});
  EXPECT_TRUE(s.password_authentication);
  EXPECT_EQ(s.log_level, LogLevel::kVerbose);
  EXPECT_EQ(s.max_auth_tries, 4);
}

TEST(Syntax, CommentsBlankLinesCrlfAndQuotes) {
  Settings s = load(
                   "# a comment\r\n\r\n   \n\t# indented comment\nBanner \"/etc/my banner\"\r\n"
                   "AllowUsers \"a b\" c # trailing comment\n")
                   .global();
  EXPECT_EQ(s.banner, "/etc/my banner");
  EXPECT_EQ(s.allow_users, (V{"a b", "c"}));
}

TEST(Syntax, LastLineWithoutNewline) {
  EXPECT_EQ(load("Port 1\nPort 2").global().ports, (std::vector<int>{1, 2}));
}

TEST(Precedence, FirstValueWins) {
  Settings s = load(
                   "LogLevel ERROR\nLogLevel DEBUG\nPasswordAuthentication yes\n"
                   "PasswordAuthentication no\nAuthorizedKeysFile /a /b\nAuthorizedKeysFile /c\n")
                   .global();
  EXPECT_EQ(s.log_level, LogLevel::kError);
  EXPECT_TRUE(s.password_authentication);
  EXPECT_EQ(s.authorized_keys_files, (V{"/a", "/b"}));
}

TEST(Precedence, IgnoredLinesAreStillValidated) {
  EXPECT_STARTS_WITH(error_of("LogLevel ERROR\nLogLevel NOISY\n"), "test.conf:2: ");
}

TEST(Precedence, ListKeywordsAccumulateAndReplaceDefaults) {
  Settings s = load(
                   "Port 2200\nListenAddress 127.0.0.1\nHostKey /k1\nPort 2201\n"
                   "ListenAddress [::1]:2300\nHostKey /k2\nAllowUsers a b\nAllowUsers c\n"
                   "DenyUsers x\nDenyUsers y\nAllowGroups g1\nAllowGroups g2\n"
                   "DenyGroups h1\nDenyGroups h2\n")
                   .global();
  EXPECT_EQ(s.ports, (std::vector<int>{2200, 2201}));  // the default 22 is replaced
  EXPECT_EQ(s.listen_addresses.size(), 2u);
  EXPECT_EQ(s.host_keys, (V{"/k1", "/k2"}));
  EXPECT_EQ(s.allow_users, (V{"a", "b", "c"}));
  EXPECT_EQ(s.deny_users, (V{"x", "y"}));
  EXPECT_EQ(s.allow_groups, (V{"g1", "g2"}));
  EXPECT_EQ(s.deny_groups, (V{"h1", "h2"}));
}

TEST(Overrides, WinOverTheFile) {
  Config c = load("LogLevel ERROR\nPort 22\nPort 23\nPasswordAuthentication no\n",
                  {"LogLevel=DEBUG2", "Port 2222", "port=2223", "PasswordAuthentication = yes"});
  EXPECT_EQ(c.global().log_level, LogLevel::kDebug2);
  EXPECT_EQ(c.global().ports, (std::vector<int>{2222, 2223}));  // replace, not add to, the file's
  EXPECT_TRUE(c.global().password_authentication);
}

TEST(Overrides, WinOverMatchBlocks) {
  Config c = load("Match User alice\n  ChrootDirectory /srv/alice\n  SftpReadOnly yes\n",
                  {"ChrootDirectory=/srv/override"});
  Settings s = c.for_connection({.user = "alice"});
  EXPECT_EQ(s.chroot_directory, "/srv/override");
  EXPECT_TRUE(s.sftp_read_only);
}

TEST(Overrides, Errors) {
  EXPECT_EQ(error_of("", {"Bogus=1"}), "command line: unknown keyword \"Bogus\"");
  EXPECT_STARTS_WITH(error_of("", {"Port=x"}), "command line: Port");
  EXPECT_STARTS_WITH(error_of("", {"Port"}), "command line: no argument");
  EXPECT_STARTS_WITH(error_of("", {""}), "command line: empty option");
  EXPECT_STARTS_WITH(error_of("", {"Match=All"}), "command line: Match is not allowed");
  EXPECT_STARTS_WITH(error_of("", {"Include /etc/*"}), "command line: Include is not allowed");
  EXPECT_STARTS_WITH(error_of("", {"Banner=\"x"}), "command line: unterminated quote");
}

TEST(Errors, UnknownKeywordWithLineNumbers) {
  EXPECT_EQ(error_of("Bogus yes\n"), "test.conf:1: unknown keyword \"Bogus\"");
  EXPECT_EQ(error_of("Port 22\n\n# x\nBogus yes\n"), "test.conf:4: unknown keyword \"Bogus\"");
  std::string text;
  for (int i = 0; i < 99; ++i) text += "# filler\n";
  EXPECT_EQ(error_of(text + "NotAKeyword 1\n"), "test.conf:100: unknown keyword \"NotAKeyword\"");
}

// A stock Debian sshd_config with an SFTP-only Match block loads: keywords for what Wharf never
// offers are skipped with a notice naming file and line; ones that would change who may log in
// (RevokedKeys, AuthorizedKeysCommand) still stop the server.
TEST(Errors, SshdKeywordsForAbsentFeaturesAreSkippedWithANotice) {
  Config c = load(
      "Include /nonexistent/sshd_config.d/*.conf\nKbdInteractiveAuthentication no\nUsePAM yes\n"
      "X11Forwarding yes\nPrintMotd no\nAcceptEnv LANG LC_*\n"
      "Subsystem sftp /usr/lib/openssh/sftp-server\nMatch Group sftponly\n"
      "  ChrootDirectory %h\n  ForceCommand internal-sftp\n  AllowTcpForwarding no\n"
      "  permittty no\n",
      {"X11Forwarding=no"});
  EXPECT_EQ(c.notices(),
            (V{"command line: X11Forwarding is ignored: Wharf serves only SFTP and SCP: no "
               "forwarding, terminal or environment",
               "test.conf:2: KbdInteractiveAuthentication is ignored: Wharf authenticates with "
               "public keys and passwords only",
               "test.conf:3: UsePAM is ignored: Wharf checks passwords itself (shadow, "
               "VirtualUsersFile), without PAM",
               "test.conf:4: X11Forwarding is ignored: Wharf serves only SFTP and SCP: no "
               "forwarding, terminal or environment",
               "test.conf:5: PrintMotd is ignored: Wharf serves only SFTP and SCP: no "
               "forwarding, terminal or environment",
               "test.conf:6: AcceptEnv is ignored: Wharf serves only SFTP and SCP: no "
               "forwarding, terminal or environment",
               "test.conf:11: AllowTcpForwarding is ignored: Wharf serves only SFTP and SCP: no "
               "forwarding, terminal or environment",
               "test.conf:12: permittty is ignored: Wharf serves only SFTP and SCP: no "
               "forwarding, terminal or environment"}));
  EXPECT_EQ(c.match_blocks().size(), 1u);
  EXPECT_EQ(c.match_blocks()[0].lines.size(), 2u);  // ChrootDirectory and ForceCommand
  EXPECT_EQ(error_of("RevokedKeys /etc/ssh/revoked\n"),
            "test.conf:1: unknown keyword \"RevokedKeys\"");
  EXPECT_EQ(error_of("AuthorizedKeysCommand /bin/true\n"),
            "test.conf:1: unknown keyword \"AuthorizedKeysCommand\"");
}

TEST(Errors, MissingAndBadValues) {
  EXPECT_EQ(error_of("Port\n"), "test.conf:1: no argument after keyword \"Port\"");
  EXPECT_STARTS_WITH(error_of("Port 22\nPort 0\n"), "test.conf:2: Port");
  EXPECT_STARTS_WITH(error_of("\n\n\nBanner \"unterminated\n"), "test.conf:4: unterminated quote");
  EXPECT_STARTS_WITH(error_of("LogLevel INFO extra\n"), "test.conf:1: LogLevel: garbage");
}

TEST(Errors, NotAllowedInMatch) {
  for (const char* kw :
       {"Port 22", "ListenAddress 1.2.3.4", "HostKey /k", "Ciphers aes128-ctr",
        "KexAlgorithms curve25519-sha256", "MACs hmac-sha2-256", "HostKeyAlgorithms ssh-ed25519",
        "StrictModes no", "UseDNS no", "PidFile /x", "StateDirectory /x", "MaxStartups 1",
        "LoginGraceTime 1", "Compression no", "VirtualUsersFile /x"}) {
    std::string e = error_of(std::string("Port 22\nMatch User bob\n  ") + kw + "\n");
    EXPECT_STARTS_WITH(e, "test.conf:3: ");
    EXPECT_CONTAINS(e, "not allowed inside Match");
  }
  // Allowed ones, including LogLevel as in sshd.
  for (const char* kw :
       {"LogLevel DEBUG", "ChrootDirectory /x", "ForceCommand internal-sftp", "AllowUsers a",
        "AuthorizedKeysFile /k", "MaxSessions 1", "PasswordAuthentication yes",
        "PubkeyAuthentication no", "ClientAliveInterval 5", "RekeyLimit 1G", "Banner /b",
        "SftpReadOnly yes", "DropBox yes", "AtomicUploads no", "SftpUmask 077",
        "PubkeyAcceptedAlgorithms ssh-ed25519"}) {
    EXPECT_EQ(error_of(std::string("Match All\n") + kw + "\n"), "(no error)") << kw;
  }
}

TEST(Errors, BadMatchCriteria) {
  EXPECT_STARTS_WITH(error_of("Match\n"), "test.conf:1: no argument");
  EXPECT_EQ(error_of("Port 1\nMatch Host example.com\n"),
            "test.conf:2: Match: unsupported criterion \"Host\"");
  EXPECT_EQ(error_of("Match User\n"), "test.conf:1: Match User: missing value");
  EXPECT_EQ(error_of("Match User a Address\n"), "test.conf:1: Match Address: missing value");
  EXPECT_STARTS_WITH(error_of("Match All User a\n"), "test.conf:1: Match: 'All' cannot");
  EXPECT_STARTS_WITH(error_of("Match User a All\n"), "test.conf:1: Match: 'All' cannot");
  EXPECT_STARTS_WITH(error_of("Match Address 10.0.0.1/8\n"), "test.conf:1: Match Address");
  EXPECT_STARTS_WITH(error_of("Match Address 10.0.0.0/8,\n"), "test.conf:1: Match Address");
  EXPECT_STARTS_WITH(error_of("Match LocalAddress ::1/200,::3/127\n"),
                     "test.conf:1: Match LocalAddress");
  EXPECT_STARTS_WITH(error_of("Match LocalPort http\n"), "test.conf:1: Match LocalPort");
  EXPECT_STARTS_WITH(error_of("Match LocalPort 0\n"), "test.conf:1: Match LocalPort");
  EXPECT_STARTS_WITH(error_of("Match User \"\"\n"), "test.conf:1: Match User");
}

TEST(Match, EachCriterion) {
  Config c = load(
      "Match User alice\n  Banner /user\n"
      "Match Group staff\n  ChrootDirectory /group\n"
      "Match Address 192.168.0.0/16\n  MaxSessions 1\n"
      "Match LocalAddress ::1\n  LogLevel DEBUG3\n"
      "Match LocalPort 2222\n  SftpReadOnly yes\n");
  EXPECT_EQ(c.global(), Settings{});  // nothing leaks out of Match blocks
  Settings none = c.for_connection({});
  EXPECT_EQ(none, Settings{});
  EXPECT_EQ(c.for_connection({.user = "alice"}).banner, "/user");
  EXPECT_EQ(c.for_connection({.user = "bob"}).banner, "");
  EXPECT_EQ(c.for_connection({.groups = {"users", "staff"}}).chroot_directory, "/group");
  EXPECT_EQ(c.for_connection({.groups = {"users"}}).chroot_directory, "");
  EXPECT_EQ(c.for_connection({.address = "192.168.7.9"}).max_sessions, 1);
  EXPECT_EQ(c.for_connection({.address = "10.0.0.1"}).max_sessions, 10);
  EXPECT_EQ(c.for_connection({.local_address = "::1"}).log_level, LogLevel::kDebug3);
  EXPECT_EQ(c.for_connection({.local_address = "127.0.0.1"}).log_level, LogLevel::kInfo);
  EXPECT_TRUE(c.for_connection({.local_port = 2222}).sftp_read_only);
  EXPECT_FALSE(c.for_connection({.local_port = 22}).sftp_read_only);
}

TEST(Match, CriteriaAreAnded) {
  Config c = load("match user alice,bob address 10.0.0.0/8 localport 22\n  DropBox yes\n");
  EXPECT_TRUE(c.for_connection({.user = "bob", .address = "10.1.1.1", .local_port = 22}).drop_box);
  EXPECT_FALSE(c.for_connection({.user = "eve", .address = "10.1.1.1", .local_port = 22}).drop_box);
  EXPECT_FALSE(c.for_connection({.user = "bob", .address = "11.1.1.1", .local_port = 22}).drop_box);
  EXPECT_FALSE(c.for_connection({.user = "bob", .address = "10.1.1.1", .local_port = 23}).drop_box);
}

TEST(Match, NegationWildcardsAndCidr) {
  Config c = load(
      "Match User *,!root Address 10.0.0.0/8,!10.9.0.0/16,::1\n  SftpReadOnly yes\n"
      "Match Group !wheel,sftp*\n  DropBox yes\n"
      "Match User guest?\n  MaxSessions 2\n");
  EXPECT_TRUE(c.for_connection({.user = "u", .address = "10.1.2.3"}).sftp_read_only);
  EXPECT_TRUE(c.for_connection({.user = "u", .address = "::1"}).sftp_read_only);
  // IPv4-mapped peers (dual-stack sockets) match IPv4 networks, as after sshd's normalisation.
  EXPECT_TRUE(c.for_connection({.user = "u", .address = "::ffff:10.1.2.3"}).sftp_read_only);
  EXPECT_FALSE(c.for_connection({.user = "u", .address = "::ffff:10.9.2.3"}).sftp_read_only);
  EXPECT_FALSE(c.for_connection({.user = "root", .address = "10.1.2.3"}).sftp_read_only);
  EXPECT_FALSE(c.for_connection({.user = "u", .address = "10.9.2.3"}).sftp_read_only);
  EXPECT_TRUE(c.for_connection({.groups = {"sftpusers"}}).drop_box);
  EXPECT_FALSE(c.for_connection({.groups = {"sftpusers", "wheel"}}).drop_box);
  EXPECT_FALSE(c.for_connection({.groups = {"users"}}).drop_box);
  EXPECT_EQ(c.for_connection({.user = "guest1"}).max_sessions, 2);
  EXPECT_EQ(c.for_connection({.user = "guest12"}).max_sessions, 10);
}

TEST(Match, AllAndPrecedence) {
  Config c = load(
      "Banner /global\nMaxSessions 5\nAllowUsers g1 g2\n"
      "Match User alice\n  Banner /alice\n  AllowUsers a1\n"
      "Match All\n  Banner /all\n  MaxSessions 7\n  AllowUsers a2\n");
  EXPECT_EQ(c.global().banner, "/global");
  EXPECT_EQ(c.global().allow_users, (V{"g1", "g2"}));
  Settings alice = c.for_connection({.user = "alice"});
  EXPECT_EQ(alice.banner, "/alice");  // first matching value wins, over the global one
  EXPECT_EQ(alice.max_sessions, 7);
  EXPECT_EQ(alice.allow_users, (V{"a1", "a2"}));  // Match lists replace the global list
  Settings bob = c.for_connection({.user = "bob"});
  EXPECT_EQ(bob.banner, "/all");
  EXPECT_EQ(bob.allow_users, V{"a2"});
  EXPECT_EQ(c.match_blocks().size(), 2u);
}

TEST(Match, BlockLastsUntilNextMatchOrEndOfFile) {
  Config c = load("Match User alice\nBanner /a\nMaxSessions 3\nMatch User bob\nBanner /b\n");
  EXPECT_EQ(c.for_connection({.user = "alice"}).max_sessions, 3);
  EXPECT_EQ(c.for_connection({.user = "bob"}).max_sessions, 10);
  EXPECT_EQ(c.for_connection({.user = "bob"}).banner, "/b");
}

TEST(ConnectionSpec, Parses) {
  ConnectionInfo i = parse_connection_spec(
      "user=alice,host=h.example,addr=::ffff:10.0.0.1,laddr=127.0.0.1,"
      "lport=2222,group=staff,group=sftp,rdomain=x");
  EXPECT_EQ(i.user, "alice");
  EXPECT_EQ(i.address, "10.0.0.1");  // IPv4-mapped unmapped, as sshd does
  EXPECT_EQ(i.local_address, "127.0.0.1");
  EXPECT_EQ(i.local_port, 2222);
  EXPECT_EQ(i.groups, (V{"staff", "sftp"}));
  EXPECT_THROW(parse_connection_spec("user"), ConfigError);
  EXPECT_THROW(parse_connection_spec("lport=x"), ConfigError);
  EXPECT_THROW(parse_connection_spec("color=blue"), ConfigError);
  EXPECT_THROW(parse_connection_spec("user=a,,addr=b"), ConfigError);
  EXPECT_EQ(parse_connection_spec("user=a=b").user, "a=b");
}

TEST(Dump, SshdTStyle) {
  Config c = load("Port 2200\nListenAddress [::1]:2201\nLogLevel debug\n");
  std::string d = c.dump(c.global());
  EXPECT_CONTAINS(d, "port 2200\n");
  EXPECT_CONTAINS(d, "listenaddress [::1]:2201\n");
  EXPECT_CONTAINS(d, "loglevel DEBUG1\n");
  EXPECT_CONTAINS(d, "passwordauthentication no\n");
  EXPECT_CONTAINS(d, "ciphers chacha20-poly1305@openssh.com,");
  EXPECT_CONTAINS(d, "chrootdirectory none\n");
  EXPECT_CONTAINS(d, "subsystem sftp internal-sftp\n");
  EXPECT_EQ(d.find("allowusers"), std::string::npos);  // empty lists print nothing
}

void expect_round_trip(const Settings& s) {
  Config c = load("");
  std::string d = c.dump(s);
  Settings back = Config::parse_text(d, "dump", {}).global();
  EXPECT_EQ(back, s) << d;
  EXPECT_EQ(c.dump(back), d);
}

TEST(Dump, RoundTrips) {
  expect_round_trip(Settings{});
  expect_round_trip(load("PerSourcePenalties no\nAuthorizedKeysFile none\n").global());
  // Found by tests/fuzz config_fuzz: a value starting with '=' must be quoted in the dump.
  expect_round_trip(load("AllowUsers==\nDenyUsers =x\n").global());
  Config c = load(
      "Port 1\nPort 2\nListenAddress 0.0.0.0\nListenAddress [::]:3\nListenAddress h:4\n"
      "LogLevel QUIET\nStateDirectory \"/var/lib/my wharf\"\nPidFile /run/w.pid\n"
      "MaxStartups 3:50:9\nPerSourceMaxStartups 4\nPerSourceNetBlockSize 24:48\nPerSourcePenalties "
      "authfail:1m max:2h\nPerSourcePenaltyExemptList 192.0.2.0/24,!192.0.2.1\n"
      "LoginGraceTime 1m\nClientAliveInterval 30\nClientAliveCountMax 9\nMaxAuthTries 2\n"
      "MaxSessions 0\nUseDNS yes\nHostKey \"/k 1\"\nHostKey /k2\nKexAlgorithms "
      "^ecdh-sha2-nistp521\n"
      "HostKeyAlgorithms +ssh-rsa\nCiphers -chacha*\nMACs hmac-sha1\n"
      "PubkeyAcceptedAlgorithms ssh-ed25519\nCompression yes\nRekeyLimit 1G 1h\n"
      "ModuliFile /m\nAllowUsers a b@10.0.0.0/8\nDenyUsers \"c d\"\nAllowGroups g\nDenyGroups h\n"
      "PermitRootLogin forced-commands-only\nPubkeyAuthentication no\n"
      "PasswordAuthentication yes\nAuthenticationMethods publickey,password password\n"
      "AuthorizedKeysFile %h/.ssh/k \"/etc/keys/%u two\"\nStrictModes no\n"
      "VirtualUsersFile /u\nChrootDirectory /srv/%u\nForceCommand internal-sftp \"-R\" # x\n"
      "Subsystem sftp /usr/lib/sftp-server -l INFO\nBanner /b\nSftpReadOnly yes\n"
      "SftpAllowedRequests open,read\nSftpDeniedRequests write\nSftpUmask 027\n"
      "SftpForceFileMode 0600\nSftpForceDirectoryMode 0700\nDropBox yes\nAtomicUploads no\n");
  EXPECT_NE(c.global(), Settings{});
  expect_round_trip(c.global());
  // Every keyword differs from its default in that text, so every dumper is exercised.
  Settings defaults;
  Config empty = load("");
  std::string a = empty.dump(defaults), b = empty.dump(c.global());
  for (const auto& k : {"port",
                        "listenaddress",
                        "loglevel",
                        "statedirectory",
                        "pidfile",
                        "maxstartups",
                        "persourcemaxstartups",
                        "persourcenetblocksize",
                        "persourcepenalties",
                        "logingracetime",
                        "clientaliveinterval",
                        "clientalivecountmax",
                        "maxauthtries",
                        "maxsessions",
                        "usedns",
                        "hostkey",
                        "kexalgorithms",
                        "hostkeyalgorithms",
                        "ciphers",
                        "macs",
                        "pubkeyacceptedalgorithms",
                        "compression",
                        "rekeylimit",
                        "modulifile",
                        "allowusers",
                        "denyusers",
                        "allowgroups",
                        "denygroups",
                        "permitrootlogin",
                        "pubkeyauthentication",
                        "passwordauthentication",
                        "authenticationmethods",
                        "authorizedkeysfile",
                        "strictmodes",
                        "virtualusersfile",
                        "chrootdirectory",
                        "forcecommand",
                        "subsystem",
                        "banner",
                        "sftpreadonly",
                        "sftpallowedrequests",
                        "sftpdeniedrequests",
                        "sftpumask",
                        "sftpforcefilemode",
                        "sftpforcedirectorymode",
                        "dropbox",
                        "atomicuploads"}) {
    auto line_of = [&](const std::string& d) {
      size_t p = d.find(std::string(k) + " ");
      return p == std::string::npos ? "" : d.substr(p, d.find('\n', p) - p);
    };
    EXPECT_NE(line_of(a), line_of(b)) << k;
  }
}

TEST(Dump, ForConnectionRoundTrips) {
  Config c = load(
      "Match User alice\n  ChrootDirectory /srv/alice\n  AllowUsers alice\n"
      "  SftpDeniedRequests remove,rmdir\n");
  expect_round_trip(c.for_connection({.user = "alice"}));
}

TEST(EmbeddedDefault, ParsesWithTheSameParser) {
  Config c = Config::load("", {});
  EXPECT_EQ(c.global().ports, std::vector<int>{2222});
  ASSERT_EQ(c.global().listen_addresses.size(), 1u);
  EXPECT_EQ(c.global().listen_addresses[0].host, "127.0.0.1");
  EXPECT_FALSE(c.global().password_authentication);
  EXPECT_CONTAINS(std::string(embedded_default_config()), "# ");
  EXPECT_EQ(Config::load("", {"Port=2300"}).global().ports, std::vector<int>{2300});
}

}  // namespace
}  // namespace wharf::conf
