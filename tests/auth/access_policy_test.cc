// AllowUsers/DenyUsers/AllowGroups/DenyGroups and PermitRootLogin.
#include "auth/access_policy.h"

#include <gtest/gtest.h>

namespace wharf::auth {
namespace {

User make_user(const std::string& name, uid_t uid, std::vector<std::string> groups) {
  User u;
  u.name = name;
  u.uid = uid;
  u.gid = uid;
  u.home = "/home/" + name;
  u.group_names = std::move(groups);
  return u;
}

const User kAlice = make_user("alice", 1000, {"alice", "staff", "sftp-users"});
const User kBob = make_user("bob", 1001, {"bob"});
const User kRoot = make_user("root", 0, {"root"});

bool allowed(const AccessPolicy& p, const User& u, const std::string& addr = "192.0.2.10") {
  return check_account(p, u, addr).allowed;
}

TEST(AccessPolicy, EmptyPolicyAllowsEveryone) {
  const AccessPolicy p;
  EXPECT_TRUE(allowed(p, kAlice));
  EXPECT_TRUE(allowed(p, kRoot));
  EXPECT_TRUE(check_account(p, kAlice, "::1").reason.empty());
}

TEST(AccessPolicy, AllowUsersPatterns) {
  AccessPolicy p;
  p.allow_users = {"al*", "c?rol"};
  EXPECT_TRUE(allowed(p, kAlice));
  EXPECT_TRUE(allowed(p, make_user("carol", 5, {"x"})));
  const AccessDecision d = check_account(p, kBob, "192.0.2.10");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "user not listed in AllowUsers");
}

TEST(AccessPolicy, DenyUsersWinsOverAllowUsers) {
  AccessPolicy p;
  p.allow_users = {"*"};
  p.deny_users = {"bob"};
  EXPECT_TRUE(allowed(p, kAlice));
  const AccessDecision d = check_account(p, kBob, "192.0.2.10");
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("DenyUsers"), std::string::npos);
}

TEST(AccessPolicy, UserAtHostWithAddressesCidrAndNegation) {
  AccessPolicy p;
  p.allow_users = {"alice@10.0.0.0/8,!10.66.0.0/16", "bob@192.0.2.*", "alice@2001:db8::/32"};
  EXPECT_TRUE(allowed(p, kAlice, "10.1.2.3"));
  EXPECT_FALSE(allowed(p, kAlice, "10.66.1.1"));  // negated network
  EXPECT_FALSE(allowed(p, kAlice, "192.0.2.5"));  // bob's network only
  EXPECT_TRUE(allowed(p, kAlice, "2001:db8::1"));
  EXPECT_TRUE(allowed(p, kAlice, "::ffff:10.1.2.3"));  // IPv4-mapped is unmapped
  EXPECT_TRUE(allowed(p, kBob, "192.0.2.5"));
  EXPECT_FALSE(allowed(p, kBob, "10.1.2.3"));

  AccessPolicy deny;
  deny.deny_users = {"*@198.51.100.0/24"};
  EXPECT_FALSE(allowed(deny, kAlice, "198.51.100.9"));
  EXPECT_TRUE(allowed(deny, kAlice, "203.0.113.9"));
}

TEST(AccessPolicy, MalformedHostPatternFailsClosed) {
  AccessPolicy p;
  p.allow_users = {"alice@10.0.0.1/8"};  // host bits set: invalid, as sshd
  AccessDecision d = check_account(p, kAlice, "10.0.0.1");
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("invalid AllowUsers pattern"), std::string::npos);
  AccessPolicy q;
  q.deny_users = {"bob@10.0.0.0/33"};
  d = check_account(q, kBob, "10.0.0.1");
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.reason.find("invalid DenyUsers pattern"), std::string::npos);
}

TEST(AccessPolicy, Groups) {
  AccessPolicy allow;
  allow.allow_groups = {"sftp-*"};
  EXPECT_TRUE(allowed(allow, kAlice));
  EXPECT_FALSE(allowed(allow, kBob));
  EXPECT_NE(check_account(allow, kBob, "").reason.find("AllowGroups"), std::string::npos);

  AccessPolicy deny;
  deny.deny_groups = {"staff"};
  EXPECT_FALSE(allowed(deny, kAlice));
  EXPECT_TRUE(allowed(deny, kBob));

  AccessPolicy both;
  both.allow_groups = {"sftp-users"};
  both.deny_groups = {"staff"};
  EXPECT_FALSE(allowed(both, kAlice));  // DenyGroups is checked first

  const User groupless = make_user("ghost", 4000, {});
  EXPECT_TRUE(allowed(AccessPolicy{}, groupless));
  const AccessDecision d = check_account(deny, groupless, "");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "user is not in any group");
}

TEST(AccessPolicy, UsersAndGroupsCombine) {
  AccessPolicy p;
  p.allow_users = {"alice", "bob"};
  p.allow_groups = {"staff"};
  EXPECT_TRUE(allowed(p, kAlice));
  EXPECT_FALSE(allowed(p, kBob));  // listed user, but not in an allowed group
}

TEST(AccessPolicy, ExpiredAccountIsRefusedLockedPasswordIsNot) {
  User expired = kAlice;
  expired.expired = true;
  const AccessDecision d = check_account(AccessPolicy{}, expired, "");
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, "account has expired");
  User locked = kAlice;  // "!" password: only password logins fail (see passwords_test)
  locked.locked = true;
  EXPECT_TRUE(check_account(AccessPolicy{}, locked, "").allowed);
}

TEST(PermitRootLogin, Modes) {
  AccessPolicy p;
  const auto root_ok = [&](AuthMethod m, bool forced) {
    return check_root_login(p, kRoot, m, forced).allowed;
  };
  p.permit_root_login = PermitRootLogin::kYes;
  EXPECT_TRUE(root_ok(AuthMethod::kPassword, false));
  EXPECT_TRUE(root_ok(AuthMethod::kPublicKey, false));

  p.permit_root_login = PermitRootLogin::kNo;
  EXPECT_FALSE(root_ok(AuthMethod::kPassword, false));
  EXPECT_FALSE(root_ok(AuthMethod::kPublicKey, true));

  p.permit_root_login = PermitRootLogin::kProhibitPassword;
  EXPECT_FALSE(root_ok(AuthMethod::kPassword, false));
  EXPECT_FALSE(root_ok(AuthMethod::kKeyboardInteractive, false));
  EXPECT_TRUE(root_ok(AuthMethod::kPublicKey, false));

  p.permit_root_login = PermitRootLogin::kForcedCommandsOnly;
  EXPECT_FALSE(root_ok(AuthMethod::kPublicKey, false));
  EXPECT_TRUE(root_ok(AuthMethod::kPublicKey, true));
  EXPECT_FALSE(root_ok(AuthMethod::kPassword, true));

  // Non-root accounts are never affected.
  p.permit_root_login = PermitRootLogin::kNo;
  EXPECT_TRUE(check_root_login(p, kAlice, AuthMethod::kPassword, false).allowed);
  // A virtual user without ids is not root, even with uid field 0.
  User virt = kRoot;
  virt.is_virtual = true;
  virt.has_ids = false;
  EXPECT_TRUE(check_root_login(p, virt, AuthMethod::kPassword, false).allowed);
}

TEST(PermitRootLogin, Parse) {
  PermitRootLogin v = PermitRootLogin::kYes;
  EXPECT_TRUE(parse_permit_root_login("no", v));
  EXPECT_EQ(v, PermitRootLogin::kNo);
  EXPECT_TRUE(parse_permit_root_login("without-password", v));
  EXPECT_EQ(v, PermitRootLogin::kProhibitPassword);
  EXPECT_TRUE(parse_permit_root_login("prohibit-password", v));
  EXPECT_TRUE(parse_permit_root_login("forced-commands-only", v));
  EXPECT_EQ(v, PermitRootLogin::kForcedCommandsOnly);
  EXPECT_TRUE(parse_permit_root_login("yes", v));
  EXPECT_EQ(v, PermitRootLogin::kYes);
  EXPECT_FALSE(parse_permit_root_login("maybe", v));
  EXPECT_EQ(v, PermitRootLogin::kYes);
}

}  // namespace
}  // namespace wharf::auth
