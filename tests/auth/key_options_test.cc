// authorized_keys options: the cases of OpenSSH regress/unittests/authopt/tests.c
// (test_authkeys_parse) and regress/key-options.sh, ported to the parser and evaluator, plus
// every option good and bad, quoting, and from=/expiry-time evaluation.
#include "auth/key_options.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace wharf::auth {
namespace {

using Kind = ForcedCommand::Kind;

KeyOptions defaults() { return KeyOptions{}; }

KeyOptions restricted() {
  KeyOptions o;
  o.permit_pty = o.permit_port_forwarding = o.permit_agent_forwarding = false;
  o.permit_x11_forwarding = o.permit_user_rc = false;
  o.restricted = true;
  return o;
}

KeyOptions parse_ok(const std::string& text) {
  const OptionsParse p = parse_key_options(text);
  EXPECT_TRUE(p.options.has_value()) << text << ": " << p.error;
  EXPECT_EQ(p.error, "") << text;
  return p.options.value_or(KeyOptions{});
}

void expect_fail(const std::string& text) {
  const OptionsParse p = parse_key_options(text);
  EXPECT_FALSE(p.options.has_value()) << text;
  EXPECT_NE(p.error, "") << text;
}

// --- OpenSSH authopt tests.c, test_authkeys_parse ---

TEST(KeyOptionsParse, EmptyAndTrailingWhitespace) {
  EXPECT_EQ(parse_ok(""), defaults());
  EXPECT_EQ(parse_ok(" "), defaults());
  EXPECT_EQ(parse_ok("no-pty ssh-ed25519 AAAA"), [] {
    KeyOptions o;
    o.permit_pty = false;
    return o;
  }());
}

TEST(KeyOptionsParse, Restrict) { EXPECT_EQ(parse_ok("restrict"), restricted()); }

TEST(KeyOptionsParse, InvalidSyntax) {
  expect_fail("restrict,");  // trailing comma
  expect_fail(",");          // bare comma
  expect_fail("BLAH");       // unknown option
  expect_fail("BLAH,");
  expect_fail("BLAH ");
  expect_fail("restrict,,no-pty");  // empty option in the middle
  expect_fail("no-pty;no-x11-forwarding");
  expect_fail("no-pty=\"x\"");  // a flag with a value
}

TEST(KeyOptionsParse, Tunnel) {
  KeyOptions one = defaults();
  one.tunnel = "1";
  EXPECT_EQ(parse_ok("tunnel=\"1\""), one);
  KeyOptions any = defaults();
  any.tunnel = "any";
  EXPECT_EQ(parse_ok("tunnel=\"any\""), any);
  expect_fail("tunnel=\"blah\"");
  expect_fail("tunnel=\"-1\"");
  expect_fail("tunnel=\"2147483646\"");  // above SSH_TUNID_MAX
  expect_fail("tunnel=1");
}

struct FlagCase {
  const char* keyword;
  bool KeyOptions::*field;
  bool value;
};

TEST(KeyOptionsParse, FlagsAloneAndAfterRestrict) {
  const FlagCase cases[] = {
      {"cert-authority", &KeyOptions::cert_authority, true},
      {"port-forwarding", &KeyOptions::permit_port_forwarding, true},
      {"agent-forwarding", &KeyOptions::permit_agent_forwarding, true},
      {"x11-forwarding", &KeyOptions::permit_x11_forwarding, true},
      {"X11-forwarding", &KeyOptions::permit_x11_forwarding, true},
      {"pty", &KeyOptions::permit_pty, true},
      {"user-rc", &KeyOptions::permit_user_rc, true},
      {"no-port-forwarding", &KeyOptions::permit_port_forwarding, false},
      {"no-agent-forwarding", &KeyOptions::permit_agent_forwarding, false},
      {"no-x11-forwarding", &KeyOptions::permit_x11_forwarding, false},
      {"no-X11-forwarding", &KeyOptions::permit_x11_forwarding, false},
      {"no-pty", &KeyOptions::permit_pty, false},
      {"no-user-rc", &KeyOptions::permit_user_rc, false},
      {"no-touch-required", &KeyOptions::no_touch_required, true},
      {"verify-required", &KeyOptions::verify_required, true},
  };
  for (const FlagCase& c : cases) {
    KeyOptions want = defaults();
    want.*c.field = c.value;
    EXPECT_EQ(parse_ok(c.keyword), want) << c.keyword;
    want = restricted();
    want.*c.field = c.value;
    EXPECT_EQ(parse_ok(std::string("restrict,") + c.keyword), want) << c.keyword;
  }
  expect_fail("no-cert-authority");
  expect_fail("no-verify-required");
  expect_fail("touch-required");
  expect_fail("no-restrict");
}

TEST(KeyOptionsParse, OptionNamesAreCaseInsensitive) {
  KeyOptions want = defaults();
  want.permit_pty = false;
  want.command = "internal-sftp";
  EXPECT_EQ(parse_ok("NO-PTY,Command=\"internal-sftp\""), want);
  EXPECT_EQ(parse_ok("RESTRICT"), restricted());
}

TEST(KeyOptionsParse, StringOptions) {
  struct Case {
    const char* keyword;
    std::optional<std::string> KeyOptions::*field;
    const char* value;
  };
  const Case cases[] = {
      {"command", &KeyOptions::command, "/bin/true"},
      {"principals", &KeyOptions::principals, "gregor,josef,K"},
      {"from", &KeyOptions::from, "127.0.0.0/8"},
  };
  for (const Case& c : cases) {
    const std::string opt = std::string(c.keyword) + "=\"" + c.value + "\"";
    KeyOptions want = defaults();
    want.*c.field = c.value;
    EXPECT_EQ(parse_ok(opt), want);
    want = restricted();
    want.*c.field = c.value;
    EXPECT_EQ(parse_ok("restrict," + opt + ",restrict"), want);
    expect_fail(opt + "," + opt);  // at most one clause
  }
  expect_fail("command=oops");  // unquoted
  expect_fail("principals=estragon");
  expect_fail("from=127.0.0.1");
  expect_fail("command");  // no value at all
  expect_fail("command=");
}

TEST(KeyOptionsParse, EnvironmentArrays) {
  KeyOptions want = defaults();
  want.environment = {"foo=1", "bar=2"};
  EXPECT_EQ(parse_ok("environment=\"foo=1\",environment=\"bar=2\""), want);
  want.environment = {"foo=1"};  // the first of two with the same name wins
  EXPECT_EQ(parse_ok("environment=\"foo=1\",environment=\"foo=2\""), want);
  KeyOptions r = restricted();
  r.environment = {"FOO=bar"};
  EXPECT_EQ(parse_ok("restrict,environment=\"FOO=bar\",restrict"), r);
  expect_fail("environment=\",=bah\"");
  expect_fail("environment=\"=bah\"");
  expect_fail("environment=\"NOEQUALS\"");
  expect_fail("environment=\"BAD-NAME=1\"");
  KeyOptions empty_value = defaults();
  empty_value.environment = {"EMPTY="};
  EXPECT_EQ(parse_ok("environment=\"EMPTY=\""), empty_value);
}

TEST(KeyOptionsParse, PermitOpenAndListen) {
  KeyOptions want = defaults();
  want.permitopen = {"foo:123", "bar:*"};
  EXPECT_EQ(parse_ok("permitopen=\"foo:123\",permitopen=\"bar:*\""), want);
  KeyOptions v6 = defaults();
  v6.permitopen = {"[::1]:22"};
  EXPECT_EQ(parse_ok("permitopen=\"[::1]:22\""), v6);
  expect_fail("permitopen=\"foo:bar\"");  // port
  expect_fail("permitopen=\"foo:\"");     // missing port
  expect_fail("permitopen=\"foo\"");      // missing port specification
  expect_fail("permitopen=\"[:\"");       // invalid host
  expect_fail("permitopen=\"foo:0\"");
  expect_fail("permitopen=\"foo:65536\"");
  KeyOptions listen = defaults();
  listen.permitlisten = {"8080", "localhost:9090"};
  EXPECT_EQ(parse_ok("permitlisten=\"8080\",permitlisten=\"localhost:9090\""), listen);
  expect_fail("permitlisten=\"*\"");
  expect_fail("permitlisten=\"x\"");
}

// --- Quoting ---

TEST(KeyOptionsParse, QuotedValuesKeepCommasSpacesAndEscapedQuotes) {
  KeyOptions want = defaults();
  want.command = "echo \"a, b\" c";
  want.permit_pty = false;
  EXPECT_EQ(parse_ok("command=\"echo \\\"a, b\\\" c\",no-pty"), want);
  // A backslash not followed by a quote is kept as is.
  KeyOptions bs = defaults();
  bs.command = "a\\b";
  EXPECT_EQ(parse_ok("command=\"a\\b\""), bs);
  expect_fail("command=\"unterminated");
  expect_fail("command=\"escaped end\\\"");
  expect_fail("command=\"x\"no-pty");  // junk after the closing quote
}

TEST(KeyOptionsParse, Bounds) {
  std::string many;
  for (size_t i = 0; i <= kMaxOptions; ++i) many += (i ? ",no-pty" : "no-pty");
  expect_fail(many);
  std::string ok;
  for (size_t i = 0; i < kMaxOptions; ++i) ok += (i ? ",no-pty" : "no-pty");
  parse_ok(ok);
  expect_fail("command=\"" + std::string(kMaxOptionValue + 1, 'x') + "\"");
  parse_ok("command=\"" + std::string(kMaxOptionValue, 'x') + "\"");
}

// --- expiry-time ---

class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTz() {
    if (old_) {
      setenv("TZ", old_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(ExpiryTime, FormatsUtcAndLocal) {
  EXPECT_EQ(parse_expiry_time("20200101Z"), 1577836800);
  EXPECT_EQ(parse_expiry_time("202001010130Z"), 1577836800 + 5400);
  EXPECT_EQ(parse_expiry_time("20200101013059Z"), 1577836800 + 5459);
  EXPECT_EQ(parse_expiry_time("20240229Z"), 1709164800);  // leap day
  EXPECT_EQ(parse_expiry_time("19700101Z"), 0);
  {
    ScopedTz utc("UTC0");
    EXPECT_EQ(parse_expiry_time("20200101"), 1577836800);
  }
  {
    ScopedTz est("EST5");  // local time five hours behind UTC, as sshd's mktime reads it
    EXPECT_EQ(parse_expiry_time("20200101"), 1577836800 + 5 * 3600);
    EXPECT_EQ(parse_expiry_time("20200101Z"), 1577836800);
  }
}

TEST(ExpiryTime, Malformed) {
  for (const char* bad :
       {"INVALID", "", "2020010", "202001011", "2020010101", "20201301", "20200230", "20230229",
        "20200100", "202001012400", "202001010060", "20200101000061", "2020-01-01", "+2020101",
        "20200101ZZ", "Z", "20200101 "}) {
    EXPECT_FALSE(parse_expiry_time(bad).has_value()) << bad;
    expect_fail(std::string("expiry-time=\"") + bad + "\"");
  }
}

TEST(ExpiryTime, EarliestOfSeveralWins) {
  const KeyOptions o = parse_ok("expiry-time=\"20300101Z\",expiry-time=\"20250101Z\"");
  EXPECT_EQ(o.expiry_time, parse_expiry_time("20250101Z"));
  const KeyOptions p = parse_ok("expiry-time=\"20250101Z\",expiry-time=\"20300101Z\"");
  EXPECT_EQ(p.expiry_time, parse_expiry_time("20250101Z"));
}

// --- Evaluation: regress/key-options.sh ---

constexpr std::time_t kNow = 1700000000;  // 2023-11-14

KeyDecision eval(const std::string& opts, const std::string& addr = "127.0.0.1",
                 std::time_t now = kNow) {
  return evaluate_options(parse_ok(opts), addr, now);
}

TEST(KeyOptionsScript, ForcedCommandIsNotOneWharfCanRun) {
  for (const char* c : {"command=\"echo bar\"", "no-pty,command=\"echo bar\""}) {
    const KeyDecision d = eval(c);
    EXPECT_TRUE(d.allowed) << c;
    EXPECT_EQ(d.command.kind, Kind::kUnsupported) << c;
    EXPECT_EQ(d.command.text, "echo bar");
    EXPECT_NE(d.command.message.find("sftp and scp only"), std::string::npos);
  }
}

TEST(KeyOptionsScript, Pty) {
  EXPECT_TRUE(eval("").restrictions.pty);
  EXPECT_FALSE(eval("no-pty").restrictions.pty);
  EXPECT_FALSE(eval("restrict").restrictions.pty);
  EXPECT_TRUE(eval("restrict,pty").restrictions.pty);
  EXPECT_FALSE(eval("pty,restrict").restrictions.pty);  // order matters, as in sshd
}

TEST(KeyOptionsScript, EnvironmentIsParsedAndHasNoEffect) {
  const KeyDecision d = eval("environment=\"FOO=bar\"");
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.command.kind, Kind::kNone);
}

TEST(KeyOptionsScript, FromRestriction) {
  for (const char* f : {"127.0.0.1", "127.0.0.0/8"}) {
    const std::string opt = std::string("from=\"") + f + "\"";
    EXPECT_TRUE(eval(opt, "127.0.0.1").allowed) << f;
    const KeyDecision other = eval(opt, "192.0.2.7");
    EXPECT_FALSE(other.allowed) << f;
    EXPECT_NE(other.reason.find("192.0.2.7"), std::string::npos);
  }
}

TEST(KeyOptionsScript, ExpiryTime) {
  EXPECT_TRUE(eval("").allowed);                           // default
  expect_fail("expiry-time=\"INVALID\"");                  // invalid: the line is refused
  EXPECT_FALSE(eval("expiry-time=\"19990101\"").allowed);  // expired
  EXPECT_TRUE(eval("expiry-time=\"25250101\"").allowed);   // valid
}

// --- Evaluation: more from= and expiry-time ---

TEST(KeyOptionsEval, FromPatternsNegationCidrAndIpv6) {
  const std::string opts = "from=\"10.0.0.0/8,!10.1.0.0/16,192.168.1.*,2001:db8::/32\"";
  EXPECT_TRUE(eval(opts, "10.2.3.4").allowed);
  EXPECT_FALSE(eval(opts, "10.1.2.3").allowed);  // negation wins
  EXPECT_TRUE(eval(opts, "192.168.1.77").allowed);
  EXPECT_FALSE(eval(opts, "192.168.2.77").allowed);
  EXPECT_TRUE(eval(opts, "2001:db8::5").allowed);
  EXPECT_FALSE(eval(opts, "2001:db9::5").allowed);
  EXPECT_TRUE(eval(opts, "::ffff:10.2.3.4").allowed);  // IPv4-mapped is unmapped first
  EXPECT_FALSE(eval(opts, "::ffff:10.1.2.3").allowed);
  EXPECT_TRUE(eval("from=\"::1\"", "::1").allowed);
  EXPECT_FALSE(eval("from=\"::1\"", "127.0.0.1").allowed);
  EXPECT_FALSE(eval("from=\"!127.0.0.1\"", "127.0.0.1").allowed);
  EXPECT_FALSE(eval("from=\"!127.0.0.1\"", "127.0.0.2").allowed);  // only a negation: no match
  EXPECT_TRUE(eval("from=\"!127.0.0.1,*\"", "127.0.0.2").allowed);
}

TEST(KeyOptionsEval, MalformedFromListDenies) {
  const KeyDecision d = eval("from=\"10.0.0.1/8\"", "10.0.0.1");  // host bits set
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("invalid from="), std::string::npos);
  EXPECT_FALSE(eval("from=\"127.0.0.1,,\"", "127.0.0.1").allowed);
}

TEST(KeyOptionsEval, ExpiryBoundary) {
  const std::string opt = "expiry-time=\"20231114221320Z\"";  // == kNow
  EXPECT_TRUE(eval(opt, "127.0.0.1", kNow).allowed);
  EXPECT_FALSE(eval(opt, "127.0.0.1", kNow + 1).allowed);
}

TEST(KeyOptionsEval, CertAuthorityNeverAuthorizesAPlainKey) {
  const KeyDecision d = eval("cert-authority");
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("cert-authority"), std::string::npos);
}

TEST(KeyOptionsEval, PrincipalsOnAPlainKeyIsRefused) {
  const KeyDecision d = eval("principals=\"alice\"");
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("principals="), std::string::npos);
  EXPECT_FALSE(eval("cert-authority,principals=\"alice\"").allowed);
}

TEST(KeyOptionsEval, RestrictionsAndHonouredCommands) {
  const KeyDecision d = eval("restrict,command=\"internal-sftp -R -u 022\"");
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.restrictions.pty);
  EXPECT_FALSE(d.restrictions.port_forwarding);
  EXPECT_FALSE(d.restrictions.agent_forwarding);
  EXPECT_FALSE(d.restrictions.x11_forwarding);
  EXPECT_FALSE(d.restrictions.user_rc);
  EXPECT_EQ(d.command.kind, Kind::kInternalSftp);
  EXPECT_EQ(d.command.argv, (std::vector<std::string>{"internal-sftp", "-R", "-u", "022"}));
  EXPECT_EQ(eval("command=\"scp -t /incoming\"").command.kind, Kind::kScp);
  const KeyDecision open = eval("no-agent-forwarding,no-X11-forwarding");
  EXPECT_TRUE(open.restrictions.pty);
  EXPECT_FALSE(open.restrictions.agent_forwarding);
  EXPECT_FALSE(open.restrictions.x11_forwarding);
  EXPECT_TRUE(open.restrictions.port_forwarding);
}

// --- Forced command classification ---

TEST(ForcedCommand, InternalSftpWithFlags) {
  for (const char* ok : {"internal-sftp", "internal-sftp -R", "internal-sftp -d /upload -u 0027",
                         "internal-sftp -d/upload", "internal-sftp -eR -l INFO -f AUTH",
                         "internal-sftp -P remove,rename -p open,read", "  internal-sftp  "}) {
    EXPECT_EQ(classify_forced_command(ok).kind, Kind::kInternalSftp) << ok;
  }
  for (const char* bad : {"internal-sftp -Q requests", "internal-sftp -h", "internal-sftp -x",
                          "internal-sftp -d", "internal-sftp /etc", "internal-sftp; sh",
                          "/usr/lib/openssh/sftp-server", "internal-sftp -R 'x", "", "   "}) {
    const ForcedCommand fc = classify_forced_command(bad);
    EXPECT_EQ(fc.kind, Kind::kUnsupported) << bad;
    EXPECT_FALSE(fc.message.empty());
  }
}

TEST(ForcedCommand, Scp) {
  for (const char* ok :
       {"scp -t /incoming", "scp -t -- /incoming", "scp -d -t /in", "scp -r -p -t .",
        "scp -prt '/with space'", "scp -f /out/a /out/b", "scp -v -f -- -dashfile"}) {
    EXPECT_EQ(classify_forced_command(ok).kind, Kind::kScp) << ok;
  }
  for (const char* bad :
       {"scp", "scp -t", "scp -t a b", "scp -f", "scp -t -f x", "scp -tf x", "scp -S /bin/sh -t x",
        "scp -o ProxyCommand=x -t y", "scp x y", "/usr/bin/scp -t x", "scp -t x; rm -rf /"}) {
    EXPECT_EQ(classify_forced_command(bad).kind, Kind::kUnsupported) << bad;
  }
  EXPECT_EQ(classify_forced_command("scp -t '/with space'").argv,
            (std::vector<std::string>{"scp", "-t", "/with space"}));
}

TEST(ForcedCommand, Split) {
  std::vector<std::string> w;
  ASSERT_TRUE(split_command(R"(a "b c" 'd e' f\ g "h\"i" 'j\k')", w));
  EXPECT_EQ(w, (std::vector<std::string>{"a", "b c", "d e", "f g", "h\"i", "j\\k"}));
  EXPECT_FALSE(split_command("a \"b", w));
  EXPECT_FALSE(split_command("a\\", w));
  std::string many;
  for (size_t i = 0; i <= kMaxCommandArgs; ++i) many += "x ";
  EXPECT_FALSE(split_command(many, w));
  EXPECT_EQ(classify_forced_command(std::string(kMaxCommandLength + 1, 'a')).kind,
            Kind::kUnsupported);
}

}  // namespace
}  // namespace wharf::auth
