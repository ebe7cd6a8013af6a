// Deterministic mutation test over authorized_keys lines: whatever a line becomes, parsing never
// crashes (run under --config=asan), every key returned is well-formed, and a valid line after
// the mutated one is always found.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "auth/authorized_keys.h"
#include "tests/auth/test_keys.h"

namespace wharf::auth {
namespace {

using namespace testkeys;

const std::string kSeeds[] = {
    std::string(kEd25519) + " plain",
    std::string("restrict,pty,command=\"internal-sftp -d \\\"/x y\\\"\" ") + kEcdsa256 + " c",
    std::string("from=\"10.0.0.0/8,!10.1.0.0/16,::1\",expiry-time=\"20301231235959Z\" ") +
        kEcdsa384,
    std::string("environment=\"A=b\",permitopen=\"h:1\",permitlisten=\"2\",tunnel=\"any\","
                "principals=\"p\",no-touch-required,verify-required ") +
        kEcdsa521 + " x",
    std::string("cert-authority,no-port-forwarding,no-agent-forwarding,no-X11-forwarding,"
                "no-user-rc,no-pty ") +
        kRsa,
};

constexpr char kInteresting[] = {'"',  ',', ' ', '\t', '\\', '=',    '#',    '\r',
                                 '\0', '!', '/', 'A',  '+',  '\xff', '\x80', ':'};

std::string mutate(std::string s, std::mt19937& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    const size_t pos = s.empty() ? 0 : rng() % s.size();
    const char c =
        (rng() % 2) ? kInteresting[rng() % sizeof(kInteresting)] : static_cast<char>(rng() & 0xff);
    switch (rng() % 6) {
      case 0:
        if (!s.empty()) s[pos] = c;
        break;
      case 1:
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos), c);
        break;
      case 2:
        if (!s.empty()) s.erase(pos, 1 + rng() % 8);
        break;
      case 3:
        s.resize(pos);
        break;
      case 4:
        s.insert(pos, s.substr(pos, rng() % 32));  // duplicate a run
        break;
      default:
        if (!s.empty()) s[pos] = static_cast<char>(s[pos] ^ (1u << (rng() % 8)));
        break;
    }
  }
  return s;
}

TEST(AuthorizedKeysMutation, NeverCrashesNeverHidesTheNextLine) {
  std::mt19937 rng(20240521);  // fixed seed: the same cases on every run
  const std::string sentinel = std::string(kEd25519) + " sentinel";
  size_t parsed_keys = 0, diagnostics = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string line = mutate(kSeeds[i % std::size(kSeeds)], rng);
    // Keep the mutated text on one line so the sentinel really is the next line.
    for (char& c : line) {
      if (c == '\n') c = ' ';
    }
    const AuthorizedKeys a = parse_authorized_keys(line + "\n" + sentinel + "\n");
    ASSERT_LE(a.keys.size() + a.diagnostics.size(), 2u);
    ASSERT_FALSE(a.keys.empty()) << "line " << i;
    const AuthorizedKey& last = a.keys.back();
    ASSERT_EQ(last.line_number, 2u) << "mutated line hid the next one: " << line;
    ASSERT_EQ(last.comment, "sentinel");
    for (const AuthorizedKey& k : a.keys) {
      ASSERT_EQ(check_key_blob(k.key_type, k.blob), "");
      if (k.line_number == 1) ++parsed_keys;
    }
    for (const KeysDiagnostic& d : a.diagnostics) {
      ASSERT_EQ(d.line_number, 1u);
      ASSERT_FALSE(d.message.empty());
      ++diagnostics;
    }
    if (!a.keys.empty() && a.keys[0].line_number == 1) {
      (void)evaluate_options(a.keys[0].options, "10.2.3.4", 1700000000);
    }
  }
  // Both outcomes must have been exercised, or the mutator is not doing its job.
  EXPECT_GT(parsed_keys, 500u);
  EXPECT_GT(diagnostics, 1000u);
}

}  // namespace
}  // namespace wharf::auth
