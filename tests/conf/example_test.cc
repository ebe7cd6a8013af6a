// conf/examples/wharfd_config parses, shows every keyword, and its Match blocks work.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "conf/config.h"
#include "conf/keywords.h"
#include "conf/values.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // {.user = "alice"}

namespace wharf::conf {
namespace {

std::string example_path() {
  return std::string(getenv("TEST_SRCDIR")) + "/wharf/conf/examples/wharfd_config";
}

TEST(Example, ParsesAndShowsEveryKeyword) {
  Config c = Config::load(example_path(), {});
  std::ifstream in(example_path());
  std::set<std::string> seen;
  for (std::string line; std::getline(in, line);) {
    auto parsed = split_config_line(line);
    if (parsed) seen.insert(to_lower(parsed->keyword));
  }
  for (const auto& k : keyword_table()) EXPECT_TRUE(seen.count(to_lower(k.name))) << k.name;
  EXPECT_TRUE(seen.count("match"));
  EXPECT_TRUE(seen.count("include"));

  const Settings& g = c.global();
  EXPECT_EQ(g.ports, std::vector<int>{2222});
  EXPECT_EQ(g.listen_addresses.size(), 2u);
  EXPECT_EQ(g.permit_root_login, PermitRootLogin::kNo);
  EXPECT_EQ(g.kex_algorithms.size(), algorithms::kKexDefault.size() + 1);
  EXPECT_EQ(g.kex_algorithms.back(), "ecdh-sha2-nistp256");
  EXPECT_EQ(g.macs.front(), "hmac-sha2-512-etm@openssh.com");
  EXPECT_EQ(g.pubkey_accepted_algorithms.back(), "ssh-rsa");
  EXPECT_EQ(g.sftp_umask, 022u);
}

TEST(Example, MatchBlocks) {
  Config c = Config::load(example_path(), {});
  Settings partner = c.for_connection({.user = "p1", .groups = {"partners"}});
  EXPECT_TRUE(partner.drop_box);
  EXPECT_TRUE(atomic_uploads_enabled(partner));
  EXPECT_EQ(partner.chroot_directory, "/srv/drop/%u");
  EXPECT_EQ(partner.force_command, "internal-sftp");
  Settings alice = c.for_connection({.user = "alice", .address = "10.1.2.3"});
  EXPECT_TRUE(alice.password_authentication);
  EXPECT_EQ(alice.authentication_methods, std::vector<std::string>{"publickey,password"});
  EXPECT_EQ(alice.sftp_umask, 077u);
  EXPECT_FALSE(c.for_connection({.user = "alice", .address = "10.66.2.3"}).sftp_read_only);
  Settings local = c.for_connection({.local_address = "127.0.0.1", .local_port = 2222});
  EXPECT_EQ(local.log_level, LogLevel::kVerbose);
  EXPECT_EQ(local.max_sessions, 4);
  for (const Settings* s : std::vector<const Settings*>{&c.global(), &partner, &alice, &local}) {
    EXPECT_EQ(Config::parse_text(c.dump(*s), "dump", {}).global(), *s);
  }
}

}  // namespace
}  // namespace wharf::conf
