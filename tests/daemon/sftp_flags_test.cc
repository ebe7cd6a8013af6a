// internal-sftp flags (daemon/sftp_flags.h): the configuration's set the policy as sftp-server's
// flags would; a key's command= may be written by the user it confines, so its flags only narrow.
#include "daemon/sftp_flags.h"

#include <gtest/gtest.h>

namespace wharf::daemon {
namespace {

constexpr auto kKey = SftpFlagSource::kKeyCommand;
constexpr auto kConfig = SftpFlagSource::kConfiguration;

fs::Policy Apply(fs::Policy p, std::vector<std::string> args, SftpFlagSource source = kKey) {
  std::string error;
  EXPECT_TRUE(apply_sftp_flags(args, source, "alice", p, error)) << error;
  return p;
}

TEST(SftpFlags, KeyUmaskOnlyAddsBits) {
  fs::Policy configured;
  configured.umask = 077;
  EXPECT_EQ(Apply(configured, {"-u", "0"}).umask, 077u);
  EXPECT_EQ(Apply(configured, {"-u", "002"}).umask, 077u);
  configured.umask = 022;
  EXPECT_EQ(Apply(configured, {"-u", "007"}).umask, 027u);
}

TEST(SftpFlags, ConfigurationUmaskIsSftpServersUmask) {
  fs::Policy configured;
  configured.umask = 022;
  EXPECT_EQ(Apply(configured, {"-u", "0002"}, kConfig).umask, 02u);
  EXPECT_EQ(Apply(configured, {"-u", "077"}, kConfig).umask, 077u);
  EXPECT_EQ(Apply(configured, {"-R"}, kConfig).umask, 022u);
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
  EXPECT_FALSE(Apply(configured, {"-p", "open"}, kConfig).allows("read"));
}

TEST(SftpFlags, DenyListAndReadOnlyAdd) {
  fs::Policy configured;
  configured.denied_requests = {"remove"};
  for (auto source : {kKey, kConfig}) {
    fs::Policy p = Apply(configured, {"-P", "mkdir", "-R"}, source);
    EXPECT_FALSE(p.allows("remove"));
    EXPECT_FALSE(p.allows("mkdir"));
    EXPECT_TRUE(p.read_only);
  }
}

TEST(SftpFlags, StartDirectoryExpandsHomeAndUser) {
  fs::Policy configured;
  configured.home = "/home/alice";
  EXPECT_EQ(Apply(configured, {}).start_directory, "/");
  EXPECT_EQ(Apply(configured, {"-d", "/upload"}, kConfig).start_directory, "/upload");
  EXPECT_EQ(Apply(configured, {"-d", "%d/in"}, kConfig).start_directory, "/home/alice/in");
  EXPECT_EQ(Apply(configured, {"-d", "/drop/%u/100%%"}).start_directory, "/drop/alice/100%");
  EXPECT_EQ(Apply(configured, {"-d", "upload"}).start_directory, "/upload");  // from the root
}

TEST(SftpFlags, LogLevelInfoOrMoreTurnsOnTheOperationLog) {
  fs::Policy p = Apply(fs::Policy{}, {"-e", "-l", "info", "-f", "AUTH"}, kConfig);
  EXPECT_TRUE(p.log_file_operations);
  EXPECT_EQ(p.umask, fs::Policy{}.umask);
  EXPECT_FALSE(p.read_only);
  EXPECT_TRUE(Apply(fs::Policy{}, {"-l", "DEBUG3"}, kConfig).log_file_operations);
  EXPECT_FALSE(Apply(fs::Policy{}, {"-l", "ERROR"}, kConfig).log_file_operations);
  EXPECT_FALSE(Apply(fs::Policy{}, {"-f", "LOCAL0"}, kConfig).log_file_operations);
  EXPECT_FALSE(Apply(p, {"-l", "QUIET"}, kConfig).log_file_operations);  // the admin's choice
  EXPECT_TRUE(Apply(p, {"-l", "QUIET"}, kKey).log_file_operations);      // a key cannot hide
  EXPECT_TRUE(Apply(fs::Policy{}, {"-l", "VERBOSE"}, kKey).log_file_operations);
}

TEST(SftpFlags, BadValuesAreRefused) {
  fs::Policy p;
  std::string error;
  EXPECT_FALSE(apply_sftp_flags({"-u", "9"}, kKey, "alice", p, error));
  EXPECT_EQ(error, "internal-sftp: bad umask 9");
  EXPECT_FALSE(apply_sftp_flags({"-u"}, kConfig, "alice", p, error));
  EXPECT_EQ(error, "internal-sftp: -u needs a value");
  EXPECT_FALSE(apply_sftp_flags({"-x"}, kKey, "alice", p, error));
  EXPECT_FALSE(apply_sftp_flags({"-d", "/x/%h"}, kConfig, "alice", p, error));
  EXPECT_FALSE(apply_sftp_flags({"-l", "LOUD"}, kConfig, "alice", p, error));
  EXPECT_FALSE(apply_sftp_flags({"-Q", "requests"}, kConfig, "alice", p, error));
  EXPECT_EQ(p.umask, 022u);
  EXPECT_EQ(p.start_directory, "/");
}

}  // namespace
}  // namespace wharf::daemon
