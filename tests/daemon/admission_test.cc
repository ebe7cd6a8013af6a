// Admission control pieces of the listener: net blocks, MaxStartups drop odds and
// PerSourceMaxStartups, PerSourcePenalties accrual, activation, cap, expiry and overflow, and
// the penalty a child's wait status earns, and PerSourcePenaltyExemptList.
#include "daemon/admission.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daemon/listener.h"
#include "daemon/netblock.h"
#include "daemon/penalties.h"
#include "daemon/startups.h"

namespace wharf::daemon {
namespace {

NetBlock block(const char* addr, conf::NetBlockSize size = {}) {
  auto b = net_block_of(addr, size);
  EXPECT_TRUE(b.has_value()) << addr;
  return b.value_or(NetBlock{});
}

TEST(NetBlock, MasksToPrefix) {
  EXPECT_EQ(block("192.0.2.77").str(), "192.0.2.77/32");
  EXPECT_EQ(block("192.0.2.77", {24, 128}).str(), "192.0.2.0/24");
  EXPECT_EQ(block("192.0.2.77", {0, 128}).str(), "0.0.0.0/0");
  EXPECT_EQ(block("192.0.2.77", {19, 128}).str(), "192.0.0.0/19");
  EXPECT_EQ(block("2001:db8:1:2::5", {32, 48}).str(), "2001:db8:1::/48");
  EXPECT_EQ(block("2001:db8:1:2::5", {32, 127}).str(), "2001:db8:1:2::4/127");
  EXPECT_EQ(block("10.1.2.3", {8, 128}), block("10.200.0.1", {8, 128}));
  EXPECT_NE(block("10.1.2.3"), block("10.1.2.4"));
  EXPECT_FALSE(net_block_of("localhost", {}).has_value());
  EXPECT_FALSE(net_block_of("", {}).has_value());
}

TEST(Startups, DropOddsFollowSshd) {
  Startups s({10, 30, 100}, 0);
  EXPECT_EQ(s.drop_percent(0), 0);
  EXPECT_EQ(s.drop_percent(9), 0);
  EXPECT_EQ(s.drop_percent(10), 30);
  EXPECT_EQ(s.drop_percent(55), 65);  // 30 + 70 * 45 / 90
  EXPECT_EQ(s.drop_percent(99), 99);
  EXPECT_EQ(s.drop_percent(100), 100);
  EXPECT_EQ(s.drop_percent(5000), 100);
  Startups hard({5, 100, 5}, 0);
  EXPECT_EQ(hard.drop_percent(4), 0);
  EXPECT_EQ(hard.drop_percent(5), 100);
}

TEST(Startups, RefusesByRollAndPerSource) {
  Startups s({2, 50, 10}, 2);
  NetBlock a = block("192.0.2.1"), b = block("192.0.2.2");
  EXPECT_FALSE(s.refusal(a, 0));
  s.add(a);
  s.add(a);
  EXPECT_EQ(s.pending(), 2);
  // 2 pending: 50% odds, so roll 49 drops and roll 50 passes MaxStartups...
  ASSERT_TRUE(s.refusal(b, 49));
  EXPECT_NE(s.refusal(b, 49)->find("MaxStartups 2:50:10"), std::string::npos);
  EXPECT_FALSE(s.refusal(b, 50));
  // ...but a third from the same source is over PerSourceMaxStartups.
  ASSERT_TRUE(s.refusal(a, 99));
  EXPECT_NE(s.refusal(a, 99)->find("PerSourceMaxStartups 2 reached for 192.0.2.1/32"),
            std::string::npos);
  s.remove(a);
  EXPECT_EQ(s.pending_from(a), 1);
  EXPECT_FALSE(s.refusal(a, 99));
  s.remove(b);  // never added: ignored
  EXPECT_EQ(s.pending(), 1);
}

conf::Penalties penalties() {
  conf::Penalties p;
  p.enabled = true;
  p.authfail = 5;
  p.noauth = 1;
  p.crash = 90;
  p.min = 15;
  p.max = 60;
  return p;
}

TEST(PenaltyBox, ActivatesPastMinAndExpires) {
  PenaltyBox box(penalties());
  NetBlock a = block("192.0.2.1");
  for (int i = 0; i < 3; ++i) {
    box.penalise(a, Penalty::kAuthFail, 100);
    EXPECT_FALSE(box.check(a, 100)) << i;  // 15 s outstanding is not more than min
  }
  box.penalise(a, Penalty::kAuthFail, 100);
  auto r = box.check(a, 101);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "penalty: authfail");
  EXPECT_DOUBLE_EQ(r->seconds_left, 19);
  EXPECT_TRUE(box.check(a, 119.5));
  EXPECT_FALSE(box.check(a, 120.5));
  EXPECT_EQ(box.size(), 0u);
  EXPECT_FALSE(box.check(block("192.0.2.2"), 101));
}

TEST(PenaltyBox, CappedAtMaxAndLastReasonWins) {
  PenaltyBox box(penalties());
  NetBlock a = block("2001:db8::1");
  box.penalise(a, Penalty::kCrash, 0);
  box.penalise(a, Penalty::kCrash, 0);
  box.penalise(a, Penalty::kNoAuth, 0);
  auto r = box.check(a, 0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "penalty: noauth");
  EXPECT_DOUBLE_EQ(r->seconds_left, 60);
}

TEST(PenaltyBox, OffOrZeroDurationDoesNothing) {
  conf::Penalties off = penalties();
  off.enabled = false;
  PenaltyBox box(off);
  box.penalise(block("192.0.2.1"), Penalty::kCrash, 0);
  EXPECT_EQ(box.size(), 0u);
  conf::Penalties zero = penalties();
  zero.crash = 0;
  PenaltyBox box2(zero);
  box2.penalise(block("192.0.2.1"), Penalty::kCrash, 0);
  box2.penalise(block("192.0.2.1"), Penalty::kNone, 0);
  EXPECT_EQ(box2.size(), 0u);
}

TEST(PenaltyBox, OverflowPermissiveForgetsSoonest) {
  conf::Penalties p = penalties();
  p.max_sources4 = 2;
  PenaltyBox box(p);
  box.penalise(block("192.0.2.1"), Penalty::kCrash, 0);  // expires at 60
  box.penalise(block("192.0.2.2"), Penalty::kCrash, 5);  // 65
  box.penalise(block("2001:db8::1"), Penalty::kCrash, 0);
  box.penalise(block("192.0.2.3"), Penalty::kCrash, 10);  // evicts .1
  EXPECT_EQ(box.size(), 3u);
  EXPECT_FALSE(box.check(block("192.0.2.1"), 11));
  EXPECT_TRUE(box.check(block("192.0.2.2"), 11));
  EXPECT_TRUE(box.check(block("192.0.2.3"), 11));
  EXPECT_TRUE(box.check(block("2001:db8::1"), 11));
}

TEST(PenaltyBox, OverflowDenyAllRefusesEveryone) {
  conf::Penalties p = penalties();
  p.max_sources4 = 1;
  p.overflow_deny_all = true;
  PenaltyBox box(p);
  box.penalise(block("192.0.2.1"), Penalty::kCrash, 0);
  box.penalise(block("192.0.2.2"), Penalty::kCrash, 0);  // table full: not recorded
  EXPECT_EQ(box.size(), 1u);
  auto r = box.check(block("198.51.100.7"), 1);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->reason, "penalty table full");
  EXPECT_FALSE(box.check(block("2001:db8::1"), 1));  // IPv6 has its own table and mode
  EXPECT_FALSE(box.check(block("198.51.100.7"), 91));
}

int exited(int code) { return (code & 0xff) << 8; }  // a wait status, as W* decode it
int killed(int sig) { return sig & 0x7f; }

TEST(PenaltyFor, WaitStatuses) {
  ASSERT_TRUE(WIFEXITED(exited(5)) && WEXITSTATUS(exited(5)) == 5);
  ASSERT_TRUE(WIFSIGNALED(killed(SIGSEGV)) && WTERMSIG(killed(SIGSEGV)) == SIGSEGV);
  EXPECT_EQ(penalty_for(exited(kExitAuthenticated), false), Penalty::kNone);
  EXPECT_EQ(penalty_for(exited(kExitAuthFailed), false), Penalty::kAuthFail);
  EXPECT_EQ(penalty_for(exited(kExitGraceExceeded), false), Penalty::kGraceExceeded);
  EXPECT_EQ(penalty_for(exited(kExitNoAuth), false), Penalty::kNoAuth);
  EXPECT_EQ(penalty_for(exited(kExitInternalError), false), Penalty::kNoAuth);
  EXPECT_EQ(penalty_for(exited(kExitAuthFailed), true), Penalty::kNone);
  for (int sig : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGSYS, SIGTRAP}) {
    EXPECT_EQ(penalty_for(killed(sig), false), Penalty::kCrash) << sig;
    EXPECT_EQ(penalty_for(killed(sig), true), Penalty::kCrash) << sig;
  }
  EXPECT_EQ(penalty_for(killed(SIGTERM), false), Penalty::kNone);
  EXPECT_EQ(penalty_for(killed(SIGKILL), false), Penalty::kNone);
  EXPECT_EQ(penalty_name(Penalty::kGraceExceeded), "grace-exceeded");
}

// Each address fails to log in four times (4 x 5 s > min 15 s): penalised unless exempt.
TEST(Admission, ExemptSourcesAreNeverPenalised) {
  AdmissionLimits limits;
  limits.penalties = penalties();
  limits.penalty_exempt = "192.0.2.0/24,!192.0.2.66,2001:db8::*";
  Admission admission(limits);
  pid_t pid = 1000;
  auto fail_from = [&](const std::string& address) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    ::close(fds[1]);  // the child is gone without authenticating
    PeerInfo peer{address, 50000, "127.0.0.1", 22};
    ASSERT_TRUE(admission.admit(peer, 100));
    admission.started(++pid, peer, fds[0]);
    admission.on_exit(pid, exited(kExitAuthFailed), 100);
  };
  for (const char* address : {"192.0.2.7", "::ffff:192.0.2.8", "2001:db8::5", "192.0.2.66",
                              "198.51.100.1", "2001:db9::5"}) {
    for (int i = 0; i < 4; ++i) fail_from(address);
  }
  PeerInfo probe{"", 50001, "127.0.0.1", 22};
  for (const char* exempt : {"192.0.2.7", "::ffff:192.0.2.8", "2001:db8::5"}) {
    probe.address = exempt;
    EXPECT_TRUE(admission.admit(probe, 101)) << exempt;
  }
  for (const char* penalised : {"192.0.2.66", "198.51.100.1", "2001:db9::5"}) {
    probe.address = penalised;
    EXPECT_FALSE(admission.admit(probe, 101)) << penalised;
  }
  EXPECT_EQ(admission.pending(), 0);
}

}  // namespace
}  // namespace wharf::daemon
