#include "transport/kex/moduli.h"

#include <botan/dl_group.h>
#include <botan/numthry.h>
#include <botan/system_rng.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/transport/kex/kex_test_util.h"

namespace wharf::kex {
namespace {

// RFC 3526 section 2 (1536 bits is too small for us) written as a moduli(5) line.
std::string line_for(const std::string& group, int type = 2, int tests = 6, int size_delta = -1,
                     int generator = 2) {
  Botan::DL_Group g(group);
  std::string hex = Botan::BigInt::encode(g.get_p()).empty() ? "" : g.get_p().to_hex_string();
  return "20260101000000 " + std::to_string(type) + " " + std::to_string(tests) + " 100 " +
         std::to_string(static_cast<int>(g.get_p().bits()) + size_delta) + " " +
         std::to_string(generator) + " " + hex + "\n";
}

TEST(Moduli, ShippedFileHoldsTheRfc3526Groups) {
  const Moduli& m = testing::shipped_moduli();
  ASSERT_EQ(m.groups().size(), 4u);
  EXPECT_EQ(m.skipped(), 0u);
  size_t i = 0;
  for (size_t bits : {3072, 4096, 6144, 8192}) {
    const ModuliGroup& g = m.groups()[i++];
    EXPECT_EQ(g.bits, bits);
    EXPECT_EQ(g.p, Botan::DL_Group("modp/ietf/" + std::to_string(bits)).get_p());
    EXPECT_EQ(g.g, 2);
  }
}

TEST(Moduli, ShippedSmallestGroupIsASafePrime) {
  const ModuliGroup& g = testing::shipped_moduli().groups().at(0);
  auto& rng = Botan::system_rng();
  EXPECT_TRUE(Botan::is_prime(g.p, rng, 64, true));
  EXPECT_TRUE(Botan::is_prime((g.p - 1) / 2, rng, 64, true));
}

TEST(Moduli, SkipsGroupsThatMustNotBeUsed) {
  std::string text = "# comment\n\n   \n";
  text += line_for("modp/ietf/2048");               // too small
  text += line_for("modp/ietf/3072", 1);            // not a safe prime
  text += line_for("modp/ietf/3072", 2, 7);         // marked composite
  text += line_for("modp/ietf/3072", 2, 0);         // never tested
  text += line_for("modp/ietf/3072", 2, 6, -1, 1);  // generator 1
  text += line_for("modp/ietf/4096");               // fine
  Moduli m = Moduli::parse(text);
  ASSERT_EQ(m.groups().size(), 1u);
  EXPECT_EQ(m.groups()[0].bits, 4096u);
  EXPECT_EQ(m.skipped(), 5u);
  EXPECT_EQ(m.choose(3072, 3072, 3072), nullptr);
  EXPECT_EQ(m.choose(2048, 2048, 4096)->bits, 4096u);
}

TEST(Moduli, MalformedLinesNameTheLine) {
  const std::string good = line_for("modp/ietf/3072");
  auto error_of = [](const std::string& text) {
    try {
      Moduli::parse(text);
    } catch (const ModuliError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of(good + "1 2 3\n").find("line 2"), std::string::npos);
  EXPECT_NE(error_of(good + line_for("modp/ietf/4096", 2, 6, 0)).find("size"), std::string::npos);
  EXPECT_NE(error_of("x 2 6 100 3071 2 ABCD\n").find("time"), std::string::npos);
  EXPECT_NE(error_of("1 2 6 100 3071 2 XYZ\n").find("modulus"), std::string::npos);
  EXPECT_NE(error_of("1 2 6 100 3071 2 ABCD extra\n").find("7 fields"), std::string::npos);
  EXPECT_NE(error_of("1 -2 6 100 3071 2 ABCD\n").find("type"), std::string::npos);
  EXPECT_EQ(error_of(good), "no error");
  EXPECT_NE(error_of("# only small groups\n" + line_for("modp/ietf/2048")).find("no usable"),
            std::string::npos);
  EXPECT_NE(error_of("").find("no usable"), std::string::npos);
  EXPECT_THROW(Moduli::load("/nonexistent/moduli"), ModuliError);
}

TEST(Moduli, ChooseFollowsRfc4419) {
  const Moduli& m = testing::shipped_moduli();
  auto bits = [&](uint32_t min, uint32_t n, uint32_t max) -> size_t {
    const ModuliGroup* g = m.choose(min, n, max);
    return g ? g->bits : 0;
  };
  EXPECT_EQ(bits(3072, 3072, 8192), 3072u);
  EXPECT_EQ(bits(3072, 4000, 8192), 4096u);
  EXPECT_EQ(bits(3072, 6144, 8192), 6144u);
  EXPECT_EQ(bits(3072, 7680, 8192), 8192u);
  EXPECT_EQ(bits(3072, 8192, 8192), 8192u);
  EXPECT_EQ(bits(3072, 7000, 7000), 6144u);  // none >= n within max: largest below
  EXPECT_EQ(bits(5000, 5000, 6000), 0u);     // nothing within [min, max]
  EXPECT_EQ(bits(4096, 3072, 8192), 0u);     // min > n
  EXPECT_EQ(bits(1024, 2048, 2048), 0u);
}

}  // namespace
}  // namespace wharf::kex

namespace wharf::kex {
namespace {

// OpenSSH's own moduli file, when installed: every group of 3072 bits and up is read, the
// 2048-bit ones are left out.
TEST(Moduli, ReadsOpensshModuliFile) {
  std::ifstream in("/etc/ssh/moduli");
  if (!in) GTEST_SKIP() << "no /etc/ssh/moduli on this machine";
  size_t usable = 0, small = 0;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string time, type, tests, tries, size;
    if (line.empty() || line[0] == '#' || !(fields >> time >> type >> tests >> tries >> size)) {
      continue;
    }
    (std::stoul(size) + 1 >= Moduli::kMinBits ? usable : small)++;
  }
  Moduli m = Moduli::load("/etc/ssh/moduli");
  EXPECT_EQ(m.groups().size(), usable);
  EXPECT_EQ(m.skipped(), small);
  EXPECT_GT(usable, 0u);
  for (const auto& g : m.groups()) EXPECT_GE(g.p.bits(), Moduli::kMinBits);
  EXPECT_EQ(m.choose(3072, 3072, 8192)->bits, 3072u);
}

}  // namespace
}  // namespace wharf::kex
