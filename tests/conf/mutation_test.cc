// Deterministic mutation: mangled configuration text may only ever throw ConfigError. Whatever
// parses must evaluate for connections and dump to text that parses back to equal settings.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "conf/config.h"

namespace wharf::conf {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* kSeedText = R"(Port 2222
ListenAddress [::1]:22
AllowUsers "a b" c@10.0.0.0/8 !root
KexAlgorithms +diffie-hellman-group14-sha256
Ciphers -aes*-ctr
RekeyLimit 1G 1h30m
PerSourcePenalties authfail:5s max:10m overflow:deny-all
AuthorizedKeysFile %h/.ssh/k "/etc/k/%u"
ForceCommand internal-sftp -R # comment
Subsystem sftp internal-sftp
Match User alice,!bob Address 10.0.0.0/8,::1/128 LocalPort 22
  ChrootDirectory /srv/%u
  SftpDeniedRequests remove,rmdir
  SftpUmask 0027
Match Group g* LocalAddress 127.0.0.1
  DropBox yes
  AtomicUploads auto
Match All
  MaxSessions=3
)";

// Bytes that matter to the grammar, plus a few that should not.
const char kAlphabet[] = "\"'\\#=,!*?/:[]%^+-  \t\n\r0123456789aAzZ.@\x01\x7f\xff";

std::string mutate(std::string s, std::mt19937& rng, const std::vector<std::string>& words) {
  auto pick = [&](size_t n) {
    return n ? std::uniform_int_distribution<size_t>(0, n - 1)(rng) : 0;
  };
  int edits = 1 + static_cast<int>(pick(4));
  for (int e = 0; e < edits; ++e) {
    size_t pos = pick(s.size() + 1);
    switch (pick(7)) {
      case 0:  // delete a run
        if (pos < s.size()) s.erase(pos, 1 + pick(8));
        break;
      case 1:  // insert a grammar byte
        s.insert(pos, 1, kAlphabet[pick(sizeof kAlphabet - 1)]);
        break;
      case 2:  // overwrite a byte
        if (pos < s.size()) s[pos] = kAlphabet[pick(sizeof kAlphabet - 1)];
        break;
      case 3:  // insert a keyword or value word
        s.insert(pos, words[pick(words.size())]);
        break;
      case 4: {  // duplicate a chunk
        size_t len = pick(64);
        if (pos < s.size()) s.insert(pick(s.size()), s.substr(pos, len));
        break;
      }
      case 5:  // truncate
        s.resize(pos);
        break;
      default:  // NUL or a long run
        s.insert(pos, pick(2) ? std::string(1, '\0') : std::string(pick(300), 'x'));
        break;
    }
  }
  return s;
}

const ConnectionInfo kConnections[] = {
    {"alice", {"g1"}, "10.1.2.3", "127.0.0.1", 22},
    {"bob", {}, "::1", "::1", 2222},
    {"", {}, "", "", 0},
};

TEST(Mutation, OnlyConfigErrorAndRoundTrips) {
  std::vector<std::string> seeds = {
      kSeedText, std::string(embedded_default_config()),
      read(std::string(getenv("TEST_SRCDIR")) + "/wharf/conf/examples/wharfd_config")};
  ASSERT_GT(seeds[2].size(), 1000u);
  std::vector<std::string> words = {
      "Match ", "Include ", "All ",         "User ", "Address ", "none ", "yes", "\"",
      "Port ",  "=",        "LocalPort ",   "+",     "-",        "^",     "%u",  "%h",
      "1h",     "0777",     "Compression ", "::",    "/128"};
  std::mt19937 rng(20261121);
  int parsed = 0, rejected = 0;
  for (int i = 0; i < 6000; ++i) {
    std::string text = mutate(seeds[i % seeds.size()], rng, words);
    try {
      Config c = Config::parse_text(text, "/nonexistent-wharf-dir/m.conf", {});
      ++parsed;
      std::vector<Settings> all = {c.global()};
      for (const auto& ci : kConnections) all.push_back(c.for_connection(ci));
      for (const auto& s : all) {
        std::string d = c.dump(s);
        ASSERT_EQ(Config::parse_text(d, "dump", {}).global(), s) << "input:\n"
                                                                 << text << "\ndump:\n"
                                                                 << d;
      }
    } catch (const ConfigError& e) {
      ++rejected;
      std::string what = e.what();
      ASSERT_EQ(what.rfind("/nonexistent-wharf-dir/m.conf:", 0), 0u) << what;
    }
  }
  // The mix must exercise both paths.
  EXPECT_GT(parsed, 300);
  EXPECT_GT(rejected, 300);
}

TEST(Mutation, OverridesOnlyThrowConfigError) {
  std::mt19937 rng(7);
  std::vector<std::string> words = {"Port", "LogLevel", "Match", "=", " ", "\"", "DEBUG", "22"};
  for (int i = 0; i < 2000; ++i) {
    std::string o = mutate("PasswordAuthentication=yes", rng, words);
    try {
      Config c = Config::parse_text("Port 22\n", "x", {o});
      EXPECT_EQ(Config::parse_text(c.dump(c.global()), "dump", {}).global(), c.global());
    } catch (const ConfigError& e) {
      ASSERT_EQ(std::string(e.what()).rfind("command line: ", 0), 0u) << e.what();
    }
  }
}

}  // namespace
}  // namespace wharf::conf
