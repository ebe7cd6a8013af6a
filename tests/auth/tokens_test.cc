// %-token expansion for ChrootDirectory and AuthorizedKeysFile.
#include "auth/tokens.h"

#include <gtest/gtest.h>

namespace wharf::auth {
namespace {

User alice() {
  User u;
  u.name = "alice";
  u.uid = 1234;
  u.gid = 1234;
  u.home = "/home/alice";
  return u;
}

std::string ok(std::string_view templ, const User& u = alice()) {
  const Expansion e = expand_tokens(templ, u);
  EXPECT_TRUE(e.value.has_value()) << templ << ": " << e.error;
  return e.value.value_or("");
}

TEST(Tokens, Expands) {
  EXPECT_EQ(ok("/srv/sftp/%u"), "/srv/sftp/alice");
  EXPECT_EQ(ok("%h/.ssh/authorized_keys"), "/home/alice/.ssh/authorized_keys");
  EXPECT_EQ(ok("/etc/keys/%U"), "/etc/keys/1234");
  EXPECT_EQ(ok("/a/100%%/%u%u"), "/a/100%/alicealice");
  EXPECT_EQ(ok("%%u"), "%u");  // %% first, then a plain 'u'
  EXPECT_EQ(ok("no tokens"), "no tokens");
  EXPECT_EQ(ok(""), "");
}

TEST(Tokens, Errors) {
  for (const char* bad : {"%d", "/x/%", "%", "%i/x", "%%%", "%H"}) {
    const Expansion e = expand_tokens(bad, alice());
    EXPECT_FALSE(e.value.has_value()) << bad;
    EXPECT_FALSE(e.error.empty());
  }
  User virt = alice();
  virt.has_ids = false;
  EXPECT_FALSE(expand_tokens("/k/%U", virt).value.has_value());
  EXPECT_EQ(expand_tokens("/k/%u", virt).value, "/k/alice");

  User longname = alice();
  longname.name = std::string(3000, 'n');
  EXPECT_FALSE(expand_tokens("%u/%u", longname).value.has_value());
}

TEST(Tokens, AuthorizedKeysFileRelativeToHome) {
  EXPECT_EQ(authorized_keys_path(".ssh/authorized_keys", alice()).value,
            "/home/alice/.ssh/authorized_keys");
  EXPECT_EQ(authorized_keys_path("/etc/ssh/keys/%u", alice()).value, "/etc/ssh/keys/alice");
  EXPECT_EQ(authorized_keys_path("%h/.ssh/authorized_keys2", alice()).value,
            "/home/alice/.ssh/authorized_keys2");
  User slash = alice();
  slash.home = "/";
  EXPECT_EQ(authorized_keys_path("keys", slash).value, "/keys");
  User nohome = alice();
  nohome.home = "";
  EXPECT_FALSE(authorized_keys_path("keys", nohome).value.has_value());
  EXPECT_FALSE(authorized_keys_path("%q", alice()).value.has_value());
}

}  // namespace
}  // namespace wharf::auth
