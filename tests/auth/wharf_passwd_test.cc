// wharf-passwd: the hash it prints for a password on stdin verifies, and bad input is refused.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "auth/passwords.h"

namespace wharf::auth {
namespace {

std::string tool() {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return std::string(srcdir ? srcdir : ".") + "/wharf/auth/wharf-passwd";
}

// Runs wharf-passwd with `input` (a printf format: no % or quote) on stdin; returns its stdout
// and sets `status`.
std::string run_tool(const std::string& input, const std::string& args, int& status) {
  const std::string cmd = "printf '" + input + "' | " + tool() + args + " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
  status = ::pclose(p);
  return out;
}

TEST(WharfPasswd, PrintsAnArgon2idHashThatVerifies) {
  int status = -1;
  const std::string out = run_tool("s3cret pass\\n", "", status);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_FALSE(out.empty());
  ASSERT_EQ(out.back(), '\n');
  const std::string hash = out.substr(0, out.size() - 1);
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(verify_password_hash(hash, "s3cret pass"));
  EXPECT_FALSE(verify_password_hash(hash, "s3cret pass\n"));
  // Without a trailing newline the whole input is the password.
  const std::string again = run_tool("abc", "", status);
  EXPECT_TRUE(verify_password_hash(again.substr(0, again.size() - 1), "abc"));
}

TEST(WharfPasswd, RefusesEmptyAndOverlongPasswordsAndArguments) {
  int status = -1;
  EXPECT_EQ(run_tool("", "", status), "");
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(run_tool(std::string(kMaxPasswordLength + 1, 'a'), "", status), "");
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_EQ(run_tool("x", " --bogus", status), "");
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

}  // namespace
}  // namespace wharf::auth
