// The fuzz-only key exchange and cleartext cipher (transport/kex/fuzz_kex.h,
// transport/crypto/fuzz_none.h) exist only in fuzz builds (WHARF_FUZZING, tools/fuzz). This
// normal test proves the production build cannot negotiate them: the transport does not know
// the names, wharfd refuses them (and "none") in its configuration, and the wharfd binary does
// not even contain them.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "transport/crypto/algorithms.h"
#include "transport/kex/kex.h"

namespace {

using namespace wharf;

constexpr char kFuzzCipher[] = "none-fuzzing-only@wharf.invalid";
constexpr char kFuzzKex[] = "kex-fuzzing-only@wharf.invalid";

std::string wharfd_path() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return std::string(srcdir ? srcdir : ".") + "/wharf/daemon/wharfd";
}

// Exit status of `wharfd -T -o <option>` (prints the effective configuration or fails).
int wharfd_dump_with(const std::string& option) {
  std::string cmd = wharfd_path() + " -T -o '" + option + "' >/dev/null 2>&1";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

TEST(NoFuzzAlgorithms, TransportDoesNotKnowThem) {
  EXPECT_EQ(transport::crypto::find_cipher(kFuzzCipher), nullptr);
  EXPECT_THROW(transport::crypto::make_opener(kFuzzCipher, "none", {}), std::invalid_argument);
  EXPECT_THROW(transport::crypto::make_sealer(kFuzzCipher, "none", {}), std::invalid_argument);
  EXPECT_EQ(kex::make_server_kex(kFuzzKex, {}, nullptr, nullptr), nullptr);
  for (const auto& m : kex::supported_kex_methods()) EXPECT_NE(m, kFuzzKex);
  // The control: a real method is found by the same calls.
  EXPECT_NE(transport::crypto::find_cipher("aes128-ctr"), nullptr);
}

TEST(NoFuzzAlgorithms, WharfdRefusesThemInItsConfiguration) {
  ASSERT_EQ(wharfd_dump_with("Ciphers=aes128-ctr"), 0) << "control: a real cipher is accepted";
  for (const std::string& option :
       {std::string("Ciphers=") + kFuzzCipher, std::string("Ciphers=+") + kFuzzCipher,
        std::string("Ciphers=^") + kFuzzCipher, std::string("Ciphers=none"),
        std::string("MACs=none"), std::string("KexAlgorithms=") + kFuzzKex,
        std::string("KexAlgorithms=+") + kFuzzKex}) {
    EXPECT_NE(wharfd_dump_with(option), 0) << option;
  }
}

TEST(NoFuzzAlgorithms, WharfdBinaryDoesNotContainThem) {
  std::ifstream f(wharfd_path(), std::ios::binary);
  ASSERT_TRUE(f) << wharfd_path();
  const std::string image((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  ASSERT_NE(image.find("curve25519-sha256"), std::string::npos) << "control: names are visible";
  EXPECT_EQ(image.find("fuzzing-only@wharf.invalid"), std::string::npos);
  EXPECT_EQ(image.find("WHARF_FUZZ"), std::string::npos);
}

}  // namespace
