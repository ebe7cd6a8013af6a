// Virtual users file parsing and its errors; system account lookup.
#include "auth/virtual_users.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "auth/users.h"

namespace wharf::auth {
namespace {

constexpr char kArgon[] =
    "$argon2id$v=19$m=4096,t=2,p=1$d2hhcmZzYWx0d2hhcmZzYWx0$"
    "fDdZa52iHGXazZpwxfHbxxxbmoDY0GuXC3l+xS67tiA";
constexpr char kBcrypt[] = "$2b$06$CToWaOzRZ.9Rf56xiG2SZ.hqWADYWW.wakIZe53tdY264hm6aLKQq";

TEST(VirtualUsers, ParsesEntries) {
  const std::string text = std::string("# users\n\n") + "alice:" + kArgon +
                           ":2001:2001:/srv/drop/alice:Alice: from accounting\n" +
                           "bob:" + kBcrypt + ":::/srv/drop/bob\r\n" + "  # indented comment\n" +
                           "carol::0:0:/srv/carol\n";
  const VirtualUsers v = parse_virtual_users(text, "users");
  ASSERT_TRUE(v.errors.empty()) << v.errors[0];
  ASSERT_EQ(v.users.size(), 3u);

  const User* alice = v.find("alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_TRUE(alice->is_virtual);
  EXPECT_TRUE(alice->has_password_hash);
  EXPECT_EQ(alice->password_hash, kArgon);
  EXPECT_TRUE(alice->has_ids);
  EXPECT_EQ(alice->uid, 2001u);
  EXPECT_EQ(alice->gid, 2001u);
  EXPECT_EQ(alice->groups, std::vector<gid_t>{2001});
  EXPECT_EQ(alice->home, "/srv/drop/alice");
  EXPECT_FALSE(alice->is_root());

  const User* bob = v.find("bob");
  ASSERT_NE(bob, nullptr);
  EXPECT_FALSE(bob->has_ids);
  EXPECT_TRUE(bob->groups.empty());
  EXPECT_EQ(bob->home, "/srv/drop/bob");
  EXPECT_EQ(bob->password_hash, kBcrypt);

  const User* carol = v.find("carol");
  ASSERT_NE(carol, nullptr);
  EXPECT_FALSE(carol->has_password_hash);
  EXPECT_TRUE(carol->is_root());
  EXPECT_EQ(carol->group_names, std::vector<std::string>{"root"});  // gid 0 resolved

  EXPECT_EQ(v.find("dave"), nullptr);
  EXPECT_EQ(v.find("alic"), nullptr);
}

TEST(VirtualUsers, ErrorsNameFileAndLine) {
  struct Case {
    std::string line;
    std::string message;
  };
  const Case cases[] = {
      {"alice", "expected name:password-hash"},
      {"alice:x:1:1", "expected name:password-hash"},
      {":" + std::string(kArgon) + ":1:1:/h", "invalid user name"},
      {"-alice::1:1:/h", "invalid user name"},
      {"al ice::1:1:/h", "invalid user name"},
      {"al/ice::1:1:/h", "invalid user name"},
      {std::string(kMaxUserName + 1, 'a') + "::1:1:/h", "invalid user name"},
      {"alice:plaintext:1:1:/h", "unsupported password hash"},
      {"alice:$6$salt$hash:1:1:/h", "unsupported password hash"},
      {"alice:$2b$06$short:1:1:/h", "unsupported password hash"},
      {"alice::1::/h", "uid and gid must be given together"},
      {"alice:::1:/h", "uid and gid must be given together"},
      {"alice::x:1:/h", "invalid uid"},
      {"alice::-1:1:/h", "invalid uid"},
      {"alice::4294967295:1:/h", "invalid uid"},
      {"alice::99999999999:1:/h", "invalid uid"},
      {"alice::1:1x:/h", "invalid gid"},
      {"alice::1:1:relative/home", "home must be an absolute path"},
      {"alice::1:1:", "home must be an absolute path"},
      {std::string(kMaxVirtualUsersLine + 1, '#'), "line too long"},
      {std::string("alice::1:1:/h") + '\0', "NUL"},
  };
  for (const Case& c : cases) {
    const VirtualUsers v =
        parse_virtual_users("ok::1:1:/ok\n" + c.line + "\nok2::1:1:/ok\n", "/etc/wharf/users");
    ASSERT_EQ(v.errors.size(), 1u) << c.line;
    EXPECT_EQ(v.errors[0].rfind("/etc/wharf/users:2: ", 0), 0u) << v.errors[0];
    EXPECT_NE(v.errors[0].find(c.message), std::string::npos) << v.errors[0];
    EXPECT_EQ(v.users.size(), 2u) << c.line;  // the lines around it still parse
  }
}

TEST(VirtualUsers, DuplicatesAndBounds) {
  const VirtualUsers dup = parse_virtual_users("a::1:1:/a\nb::1:1:/b\na::2:2:/c\n", "f");
  ASSERT_EQ(dup.errors.size(), 1u);
  EXPECT_EQ(dup.errors[0], "f:3: duplicate user \"a\"");
  EXPECT_EQ(dup.find("a")->home, "/a");

  const VirtualUsers big = parse_virtual_users(std::string(kMaxVirtualUsersFile + 1, '#'), "f");
  ASSERT_EQ(big.errors.size(), 1u);
  EXPECT_NE(big.errors[0].find("file too large"), std::string::npos);
  EXPECT_TRUE(big.users.empty());

  EXPECT_TRUE(valid_user_name("first.last@example.com"));
  EXPECT_TRUE(valid_user_name("svc_backup-2"));
  EXPECT_FALSE(valid_user_name("a:b"));
  EXPECT_FALSE(valid_user_name(""));
}

TEST(VirtualUsers, LoadFromFile) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  const std::string path = std::string(tmp) + "/users";
  std::ofstream(path) << "alice::5:5:/srv/alice\nbroken line\n";
  const VirtualUsers v = load_virtual_users(path);
  ASSERT_EQ(v.users.size(), 1u);
  ASSERT_EQ(v.errors.size(), 1u);
  EXPECT_EQ(v.errors[0].rfind(path + ":2: ", 0), 0u) << v.errors[0];

  const VirtualUsers missing = load_virtual_users(path + ".missing");
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors[0].find("cannot open"), std::string::npos);
  const VirtualUsers dir = load_virtual_users(tmp);
  ASSERT_EQ(dir.errors.size(), 1u);
  EXPECT_NE(dir.errors[0].find("not a regular file"), std::string::npos);
}

TEST(SystemUsers, LookupRoot) {
  const auto root = lookup_system_user("root");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->uid, 0u);
  EXPECT_EQ(root->gid, 0u);
  EXPECT_TRUE(root->is_root());
  EXPECT_FALSE(root->is_virtual);
  EXPECT_EQ(root->home, "/root");
  ASSERT_FALSE(root->groups.empty());
  EXPECT_EQ(root->groups[0], 0u);
  EXPECT_NE(std::find(root->group_names.begin(), root->group_names.end(), "root"),
            root->group_names.end());
}

TEST(SystemUsers, LookupOtherAccountsAndUnknown) {
  const auto nobody = lookup_system_user("nobody");
  ASSERT_TRUE(nobody.has_value());
  EXPECT_NE(nobody->uid, 0u);
  EXPECT_FALSE(nobody->is_root());
  EXPECT_FALSE(lookup_system_user("no-such-user-wharf-test").has_value());
  EXPECT_FALSE(lookup_system_user("").has_value());
  EXPECT_FALSE(lookup_system_user(std::string("root\0x", 6)).has_value());
  EXPECT_EQ(group_names_of({0}), std::vector<std::string>{"root"});
}

}  // namespace
}  // namespace wharf::auth
