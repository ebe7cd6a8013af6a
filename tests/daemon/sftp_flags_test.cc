// internal-sftp flags from a forced command (daemon/sftp_flags.h): they narrow the configured
// policy and never widen it, since a key's command= may be written by the user it confines.
#include "daemon/sftp_flags.h"

#include <gtest/gtest.h>

namespace wharf::daemon {
namespace {

fs::Policy Apply(fs::Policy p, std::vector<std::string> args) {
  std::string error;
  EXPECT_TRUE(apply_sftp_flags(args, p, error)) << error;
  return p;
}

TEST(SftpFlags, UmaskOnlyAddsBits) {
  fs::Policy configured;
  configured.umask = 077;
  EXPECT_EQ(Apply(configured, {"-u", "0"}).umask, 077u);
  EXPECT_EQ(Apply(configured, {"-u", "002"}).umask, 077u);
  configured.umask = 022;
  EXPECT_EQ(Apply(configured, {"-u", "007"}).umask, 027u);
}

TEST(SftpFlags, AllowListKeepsOnlyConfiguredRequests) {
  fs::Policy configured;
  configured.allowed_requests = {"open", "close", "read", "realpath"};
  fs::Policy p = Apply(configured, {"-p", "open,close,write,mkdir"});
  EXPECT_TRUE(p.allows("open"));
  EXPECT_FALSE(p.allows("read"));   // configured, but not in -p
  EXPECT_FALSE(p.allows("mkdir"));  // in -p, but not configured
  EXPECT_FALSE(Apply(configured, {"-p", ","}).allows("open"));
  EXPECT_FALSE(Apply(fs::Policy{}, {"-p", ","}).allows("open"));
  EXPECT_TRUE(Apply(fs::Policy{}, {"-p", "mkdir"}).allows("mkdir"));
}

TEST(SftpFlags, DenyListAndReadOnlyAdd) {
  fs::Policy configured;
  configured.denied_requests = {"remove"};
  fs::Policy p = Apply(configured, {"-P", "mkdir", "-R"});
  EXPECT_FALSE(p.allows("remove"));
  EXPECT_FALSE(p.allows("mkdir"));
  EXPECT_TRUE(p.read_only);
}

TEST(SftpFlags, BadValuesAreRefused) {
  fs::Policy p;
  std::string error;
  EXPECT_FALSE(apply_sftp_flags({"-u", "9"}, p, error));
  EXPECT_FALSE(apply_sftp_flags({"-u"}, p, error));
  EXPECT_FALSE(apply_sftp_flags({"-x"}, p, error));
  EXPECT_EQ(p.umask, 022u);
}

}  // namespace
}  // namespace wharf::daemon
