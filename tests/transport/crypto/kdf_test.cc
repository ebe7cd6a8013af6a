// RFC 4253 section 7.2 key derivation: published NIST CAVS vectors and an independent
// computation with Botan's hash.
#include "transport/crypto/kdf.h"

#include <botan/hash.h>
#include <gtest/gtest.h>

#include "tests/transport/crypto/test_keys.h"

namespace wharf::transport::crypto {
namespace {

using testing::hex;
using testing::unhex;

// NIST CAVS 14.1 SSH KDF vectors (SP 800-135), SHA-1, shared secret 1024 bits, first COUNT, as
// carried in OpenSSL's test/recipes/30-test_evp_data/evpkdf_ssh.txt. K is given mpint-encoded.
TEST(Kdf, NistCavsSha1Vector) {
  const auto k = unhex(
      "0000008055bae931c07fd824bf10add1902b6fbc7c665347383498a686929ff5a25f8e40cb6645ea814fb1a5"
      "e0a11f852f86255641e5ed986e83a78bc8269480eac0b0dfd770cab92e7a28dd87ff452466d6ae867cead63b"
      "366b1c286e6c4811a9f14c27aea14c5171d49b78c06e3735d36e6a3be321dd5fc82308f34ee1cb17fba94a59");
  const auto h = unhex("a4ebd45934f56792b5112dcd75a1075fdc889245");
  const auto sid = h;
  struct Case {
    char letter;
    const char* expected;
  };
  const Case cases[] = {
      {'A', "e2f627c0b43f1ac1"},
      {'B', "58471445f342b181"},
      {'C', "1ca9d310f86d51f6cb8e7007cb2b220d55c5281ce680b533"},  // 24 > 20: extended
      {'D', "2c60df8603d34cc1dbb03c11f725a44b44008851c73d6844"},
      {'E', "472eb8a26166ae6aa8e06868e45c3b26e6eeed06"},
      {'F', "e3e2fdb9d7bc21165a3dbe47e1eceb7764390bab"},
  };
  for (const Case& c : cases) {
    const auto want = unhex(c.expected);
    const auto got = derive_key("SHA-1", k, h, c.letter, sid, want.size());
    EXPECT_EQ(hex(got.data(), got.size()), c.expected) << c.letter;
  }
}

// The first SHA-256 COUNT of the same CAVS file (shared secret 1024 bits).
TEST(Kdf, NistCavsSha256Vector) {
  const auto k = unhex(
      "0000008100875c551cef526a4a8be1a7df27e9ed354bac9afb71f53dbae905679d14f9faf2469c53457cf80a"
      "366be278965ba6255276ca2d9f4a97d271f71e50d8a9ec46253a6a906ac2c5e4f48b27a63ce08d80390a492a"
      "a43bad9d882ccac23dac88bcada4b4d426a362083dab6569c54c224dd2d87643aa227693e141ad1630ce1314"
      "4e");
  const auto h = unhex("0e683fc8a9ed7c2ff02def23b2745ebc99b267daa86a4aa7697239088253f642");
  const std::pair<char, std::string> cases[] = {
      {'A', "41ff2ead1683f1e6"},
      {'B', "e619ecfd9edb50cd"},
      {'C', "4a6314d2f7511bf88fad39fb6892f3f218cafd530e72fe43"},
      {'D', "084c15fb7f99c65ff134eeb407cee5d540c341dea45a42a5"},
      {'E', "41ec5a94fecce7707ea156a6ad29239a891621adacbedb8be70675008d6f9274"},
      {'F', "47d3c20aba60981e47b30533623613ff1cacbcf1642fb4ad86ee712f2aed9af8"},
  };
  for (const auto& [letter, expected] : cases) {
    const auto got = derive_key("SHA-256", k, h, letter, h, expected.size() / 2);
    EXPECT_EQ(hex(got.data(), got.size()), expected) << letter;
  }
}

// The same definition computed step by step in the test with Botan's SHA-256 directly.
std::vector<uint8_t> reference(const std::vector<uint8_t>& k, const std::vector<uint8_t>& h,
                               char letter, const std::vector<uint8_t>& sid, size_t n) {
  auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  std::vector<uint8_t> first;
  first.insert(first.end(), k.begin(), k.end());
  first.insert(first.end(), h.begin(), h.end());
  first.push_back(static_cast<uint8_t>(letter));
  first.insert(first.end(), sid.begin(), sid.end());
  const auto k1 = sha->process(first);
  std::vector<uint8_t> second;
  second.insert(second.end(), k.begin(), k.end());
  second.insert(second.end(), h.begin(), h.end());
  second.insert(second.end(), k1.begin(), k1.end());
  const auto k2 = sha->process(second);
  std::vector<uint8_t> third = second;
  third.insert(third.end(), k2.begin(), k2.end());
  const auto k3 = sha->process(third);
  std::vector<uint8_t> out(k1.begin(), k1.end());
  out.insert(out.end(), k2.begin(), k2.end());
  out.insert(out.end(), k3.begin(), k3.end());
  out.resize(n);
  return out;
}

TEST(Kdf, MatchesIndependentSha256ComputationAcrossExtensions) {
  const auto k =
      unhex("0000002100c2f1e35b2b1b88f55e4f4db5d0d5ff7e36e1a2f0d03a4a3f8e0d6b9a2c1b0e7f");
  const auto h = unhex("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
  const auto sid = unhex("60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752");
  for (size_t n : {0, 1, 16, 31, 32, 33, 64, 65, 90}) {
    const auto got = derive_key("SHA-256", k, h, 'C', sid, n);
    const auto want = reference(k, h, 'C', sid, n);
    EXPECT_EQ(hex(got.data(), got.size()), hex(want.data(), want.size())) << n;
  }
  // A longer key is an extension of a shorter one, and letters give unrelated keys.
  const auto short_key = derive_key("SHA-256", k, h, 'D', sid, 20);
  const auto long_key = derive_key("SHA-256", k, h, 'D', sid, 64);
  EXPECT_TRUE(std::equal(short_key.begin(), short_key.end(), long_key.begin()));
  EXPECT_NE(derive_key("SHA-256", k, h, 'C', sid, 32), derive_key("SHA-256", k, h, 'D', sid, 32));
}

TEST(Kdf, SessionKeysUseTheRightLettersAndSizes) {
  const auto k = unhex("00000001 05");
  const auto h = unhex("0102030405060708090a0b0c0d0e0f10");
  const auto sid = unhex("a0a1a2a3");
  const SessionKeys keys =
      derive_session_keys("SHA-512", k, h, sid, "aes256-ctr", "hmac-sha2-512-etm@openssh.com",
                          "chacha20-poly1305@openssh.com", "hmac-sha2-256");
  EXPECT_EQ(keys.client_to_server.iv, derive_key("SHA-512", k, h, 'A', sid, 16));
  EXPECT_EQ(keys.client_to_server.enc_key, derive_key("SHA-512", k, h, 'C', sid, 32));
  EXPECT_EQ(keys.client_to_server.mac_key, derive_key("SHA-512", k, h, 'E', sid, 64));
  EXPECT_TRUE(keys.server_to_client.iv.empty());  // chacha20-poly1305 has no IV
  EXPECT_EQ(keys.server_to_client.enc_key, derive_key("SHA-512", k, h, 'D', sid, 64));
  EXPECT_TRUE(keys.server_to_client.mac_key.empty());  // AEAD: the MAC is not used
  EXPECT_THROW(derive_session_keys("SHA-256", k, h, sid, "aes128-cbc", "hmac-sha1", "none", "none"),
               std::invalid_argument);
}

}  // namespace
}  // namespace wharf::transport::crypto
