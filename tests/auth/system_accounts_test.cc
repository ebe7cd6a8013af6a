// System accounts end to end through the real passwd/group/shadow lookups: a child process
// enters a private mount namespace and bind-mounts test copies of /etc/passwd, /etc/group and
// /etc/shadow over the real ones (the host's files are never touched), then reports what
// lookup_system_user, check_account and check_password say. Needs root (visible skip if not).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "auth/access_policy.h"
#include "auth/passwords.h"
#include "auth/users.h"

namespace wharf::auth {
namespace {

// openssl passwd -6 -salt wharfsalt hunter2
constexpr char kSha512[] =
    "$6$wharfsalt$.2nNznm9cVlFJjvSzri.qArlBeBlQqAZz/ph/eQOb58yp03RNfjSVWfoyxknw9MiiLxJiPv4Pi6Xw"
    "I/j36Azj0";

const std::string kPasswd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "wpw:x:4301:4301::/home/wpw:/bin/sh\n"
    "wlocked:x:4302:4302::/home/wlocked:/bin/sh\n"
    "wexpired:x:4303:4303::/home/wexpired:/bin/sh\n"
    "wnopw:x:4304:4304::/home/wnopw:/bin/sh\n";
const std::string kGroup =
    "root:x:0:\n"
    "wpw:x:4301:\n"
    "wlocked:x:4302:\n"
    "wexpired:x:4303:\n"
    "wnopw:x:4304:\n"
    "sftp-users:x:4400:wpw,wlocked\n";
const std::string kShadow = std::string("root:*:19000:0:99999:7:::\n") + "wpw:" + kSha512 +
                            ":19000:0:99999:7:::\n" + "wlocked:!" + kSha512 +
                            ":19000:0:99999:7:::\n" + "wexpired:" + kSha512 +
                            ":19000:0:99999:7::1:\n" + "wnopw:*:19000:0:99999:7:::\n";

bool bind_file(const std::string& dir, const char* name, const std::string& content,
               const char* target) {
  const std::string path = dir + "/" + name;
  std::ofstream(path) << content;
  return ::mount(path.c_str(), target, nullptr, MS_BIND, nullptr) == 0;
}

// Runs in the child: one "key=value" line per observation.
std::string observe(const std::string& dir) {
  if (::unshare(CLONE_NEWNS) != 0) return "setup=unshare failed\n";
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return "setup=private mounts failed\n";
  }
  if (!bind_file(dir, "passwd", kPasswd, "/etc/passwd") ||
      !bind_file(dir, "group", kGroup, "/etc/group") ||
      !bind_file(dir, "shadow", kShadow, "/etc/shadow")) {
    return "setup=bind mounts failed\n";
  }
  std::ostringstream out;
  AccessPolicy sftp_only;
  sftp_only.allow_groups = {"sftp-users"};
  for (const char* name : {"wpw", "wlocked", "wexpired", "wnopw"}) {
    const auto u = lookup_system_user(name);
    if (!u) {
      out << name << ".found=0\n";
      continue;
    }
    std::string groups;
    for (const std::string& g : u->group_names) groups += g + ",";
    out << name << ".uid=" << u->uid << "\n"
        << name << ".home=" << u->home << "\n"
        << name << ".groups=" << groups << "\n"
        << name << ".locked=" << u->locked << "\n"
        << name << ".expired=" << u->expired << "\n"
        << name << ".account=" << check_account(AccessPolicy{}, *u, "10.0.0.1").allowed << "\n"
        << name << ".sftp_only=" << check_account(sftp_only, *u, "10.0.0.1").allowed << "\n"
        << name << ".right_pw=" << check_password(&*u, "hunter2", DummyShape::kSystemCrypt).ok
        << "\n"
        << name << ".wrong_pw=" << check_password(&*u, "hunter3", DummyShape::kSystemCrypt).ok
        << "\n";
  }
  return out.str();
}

std::map<std::string, std::string> run_in_namespace(const std::string& dir) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    const std::string report = observe(dir);
    (void)!::write(fds[1], report.data(), report.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string report;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) report.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::map<std::string, std::string> kv;
  std::istringstream in(report);
  for (std::string line; std::getline(in, line);) {
    const size_t eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return kv;
}

TEST(SystemAccounts, ShadowLockExpiryGroupsAndPasswords) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (mount namespace and shadow)";
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  auto kv = run_in_namespace(tmp);
  if (kv.count("setup")) GTEST_SKIP() << "cannot build the test namespace: " << kv["setup"];

  EXPECT_EQ(kv["wpw.uid"], "4301");
  EXPECT_EQ(kv["wpw.home"], "/home/wpw");
  EXPECT_EQ(kv["wpw.groups"], "wpw,sftp-users,");
  EXPECT_EQ(kv["wpw.locked"], "0");
  EXPECT_EQ(kv["wpw.expired"], "0");
  EXPECT_EQ(kv["wpw.account"], "1");
  EXPECT_EQ(kv["wpw.sftp_only"], "1");
  EXPECT_EQ(kv["wpw.right_pw"], "1");
  EXPECT_EQ(kv["wpw.wrong_pw"], "0");

  // "!" locks the password only: the account itself may still log in with a key.
  EXPECT_EQ(kv["wlocked.locked"], "1");
  EXPECT_EQ(kv["wlocked.account"], "1");
  EXPECT_EQ(kv["wlocked.sftp_only"], "1");
  EXPECT_EQ(kv["wlocked.right_pw"], "0");

  // An expiry date in the past refuses the account, whatever the method.
  EXPECT_EQ(kv["wexpired.expired"], "1");
  EXPECT_EQ(kv["wexpired.account"], "0");
  EXPECT_EQ(kv["wexpired.right_pw"], "1");  // the password is right; check_account refuses

  EXPECT_EQ(kv["wnopw.locked"], "0");
  EXPECT_EQ(kv["wnopw.account"], "1");
  EXPECT_EQ(kv["wnopw.sftp_only"], "0");  // not in sftp-users
  EXPECT_EQ(kv["wnopw.right_pw"], "0");
}

}  // namespace
}  // namespace wharf::auth
