// The SFTP server's output queue: bytes come out as they went in, whatever the drain pattern,
// and a download's steady state (a READ reply appended while part of the last one is pending)
// neither moves most of every reply nor grows without bound.
#include <gtest/gtest.h>

#include <random>

#include "sftp/output.h"

namespace wharf::sftp {
namespace {

TEST(OutputBuffer, BytesComeOutInOrderWhateverTheDrainPattern) {
  std::mt19937 rng(1);
  OutputBuffer out;
  uint8_t next_in = 0, next_out = 0;
  for (int round = 0; round < 2000; ++round) {
    size_t n = rng() % 70000;
    uint8_t* p = out.reserve(n);
    for (size_t i = 0; i < n; ++i) p[i] = next_in++;
    out.commit(n);
    size_t take = rng() % (out.size() + 1);
    wire::ByteView v = out.view();
    for (size_t i = 0; i < take; ++i) ASSERT_EQ(v[i], next_out++);
    out.consume(take);
  }
}

TEST(OutputBuffer, DownloadSteadyStateIsBoundedAndRarelyCompacts) {
  constexpr size_t kReply = (255u << 10) + 13;  // a READ reply of OpenSSH's read length
  constexpr size_t kHighWater = 128u << 10;     // the server appends only below this
  OutputBuffer out;
  size_t compactions = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint8_t* before = out.view().data();
    const size_t pending = out.size();
    out.reserve(kReply);
    if (pending > 0 && out.view().data() != before) ++compactions;
    out.commit(kReply);
    while (out.size() >= kHighWater) out.consume(32768);  // the peer's packets drain it
  }
  EXPECT_LE(out.capacity(), size_t{8} << 20);
  EXPECT_LT(compactions, 1000u / 3);  // was one per reply
}

}  // namespace
}  // namespace wharf::sftp
