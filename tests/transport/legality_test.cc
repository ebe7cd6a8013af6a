// The message-legality table, checked for every message number in every state against
// expectations written out independently from the RFCs.
#include "transport/legality.h"

#include <gtest/gtest.h>

#include <set>

namespace wharf::transport {
namespace {

const std::set<int> kConnection = {80, 81, 82, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100};

Verdict v(const LegalityState& s, int m) {
  return check_incoming(s, static_cast<uint8_t>(m)).verdict;
}

TEST(Legality, BeforeFirstKexInit) {
  LegalityState s;
  for (int m = 0; m < 256; ++m) {
    Verdict expected = Verdict::kDisconnect;
    if (m == 20 || m == 1) expected = Verdict::kDispatch;
    if (m == 2 || m == 3 || m == 4) expected = Verdict::kIgnore;
    // Unknown numbers: UNIMPLEMENTED (RFC 4253 section 11.4); a strict KEXINIT later still ends
    // the connection because they came first.
    if (m == 0 || (m >= 8 && m <= 19) || (m >= 22 && m <= 29) || m >= 128) {
      expected = Verdict::kUnimplemented;
    }
    EXPECT_EQ(v(s, m), expected) << m;
  }
}

TEST(Legality, DuringStrictInitialKex) {
  LegalityState s{Phase::kAwaitKexInit, true, true, true, false};
  for (int m = 0; m < 256; ++m) {
    Verdict expected = (m == 1 || (m >= 30 && m <= 49)) ? Verdict::kDispatch : Verdict::kDisconnect;
    EXPECT_EQ(v(s, m), expected) << m;
  }
  s.kex_ready_for_newkeys = true;
  for (int m = 0; m < 256; ++m) {
    Verdict expected = (m == 1 || m == 21) ? Verdict::kDispatch : Verdict::kDisconnect;
    EXPECT_EQ(v(s, m), expected) << m;
  }
}

TEST(Legality, DuringNonStrictKexGenericMessagesPass) {
  LegalityState s{Phase::kPostAuth, true, false, false, false};
  EXPECT_EQ(v(s, 2), Verdict::kIgnore);
  EXPECT_EQ(v(s, 4), Verdict::kIgnore);
  EXPECT_EQ(v(s, 20), Verdict::kDisconnect);  // a second KEXINIT in one exchange
  EXPECT_EQ(v(s, 21), Verdict::kDisconnect);  // NEWKEYS before the method finished
  EXPECT_EQ(v(s, 5), Verdict::kDisconnect);
  // A re-exchange after authentication: the connection protocol goes on, as in OpenSSH (asyncssh
  // sends channel data after its KEXINIT); a late USERAUTH_REQUEST is ignored as after the keys.
  EXPECT_EQ(v(s, 50), Verdict::kIgnore);
  EXPECT_EQ(v(s, 52), Verdict::kDisconnect);  // a forged USERAUTH_SUCCESS
  EXPECT_EQ(v(s, 94), Verdict::kDispatch);
  EXPECT_EQ(v(s, 98), Verdict::kDispatch);
  EXPECT_EQ(v(s, 200), Verdict::kUnimplemented);
  LegalityState initial{Phase::kAwaitKexInit, true, true, false, false};
  EXPECT_EQ(v(initial, 94), Verdict::kDisconnect);  // no connection protocol before the keys
  EXPECT_EQ(v(initial, 50), Verdict::kDisconnect);
  // Unknown numbers in the ranges section 7.1 allows during a key exchange: UNIMPLEMENTED
  // (section 11.4).
  EXPECT_EQ(v(s, 9), Verdict::kUnimplemented);
  EXPECT_EQ(v(s, 25), Verdict::kUnimplemented);
  s.kex_ready_for_newkeys = true;
  EXPECT_EQ(v(s, 19), Verdict::kUnimplemented);
  EXPECT_EQ(v(s, 30), Verdict::kDisconnect);
}

TEST(Legality, PreAuth) {
  LegalityState s{Phase::kPreAuth, false, false, true, false};
  for (int m = 0; m < 256; ++m) {
    Verdict expected;
    if (m == 1 || m == 5 || m == 50) {
      expected = Verdict::kDispatch;
    } else if (m == 2 || m == 3 || m == 4 || m == 7) {
      expected = Verdict::kIgnore;
    } else if (m == 0 || (m >= 8 && m <= 19) || (m >= 22 && m <= 29) || m >= 128) {
      expected = Verdict::kUnimplemented;
    } else {
      expected = Verdict::kDisconnect;  // 6, 20 (no pre-auth rekey), 21, 30-49, 51-127
    }
    EXPECT_EQ(v(s, m), expected) << m;
  }
}

TEST(Legality, PostAuth) {
  LegalityState s{Phase::kPostAuth, false, false, true, false};
  for (int m = 0; m < 256; ++m) {
    Verdict expected;
    if (m == 1 || m == 20 || kConnection.count(m)) {
      expected = Verdict::kDispatch;
    } else if (m == 2 || m == 3 || m == 4 || m == 7 || m == 50) {
      expected = Verdict::kIgnore;
    } else if (m == 0 || (m >= 8 && m <= 19) || (m >= 22 && m <= 29) || (m >= 83 && m <= 89) ||
               m >= 101) {
      expected = Verdict::kUnimplemented;
    } else {
      expected = Verdict::kDisconnect;  // 5, 6, 21, 30-49, forged auth messages 51-79
    }
    EXPECT_EQ(v(s, m), expected) << m;
  }
}

}  // namespace
}  // namespace wharf::transport
