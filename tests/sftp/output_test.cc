// The sftp output queue: bytes come out in the order they went in, whatever the sizes of the
// replies and of the drained pieces, and a steady download settles without copying.
#include "sftp/output.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace wharf::sftp {
namespace {

// Writes `n` bytes of a running pattern at `at` and records them in `model`.
void put_pattern(uint8_t* at, size_t n, uint8_t& next, std::deque<uint8_t>& model) {
  for (size_t i = 0; i < n; ++i, ++next) {
    at[i] = next;
    model.push_back(next);
  }
}

// Drains up to `n` bytes piece by piece, checking them against the front of `model`.
void drain(OutputBuffer& out, size_t n, std::deque<uint8_t>& model) {
  while (n > 0 && out.size() > 0) {
    wire::ByteView piece = out.view();
    ASSERT_FALSE(piece.empty()) << "the view is empty while " << out.size() << " bytes are queued";
    const size_t take = std::min(n, piece.size());
    for (size_t i = 0; i < take; ++i) {
      ASSERT_EQ(piece[i], model.front()) << "byte " << i << " of a piece";
      model.pop_front();
    }
    out.consume(take);
    n -= take;
  }
}

TEST(OutputBuffer, RandomRepliesAndDrainsKeepTheByteOrder) {
  std::mt19937 rng(11);
  OutputBuffer out;
  std::deque<uint8_t> model;
  uint8_t next = 0;
  for (int step = 0; step < 20000; ++step) {
    if (rng() % 2 == 0) {
      const size_t want = rng() % 3000;
      const size_t used = want == 0 ? 0 : rng() % (want + 1);  // a short pread commits less
      put_pattern(out.reserve(want), used, next, model);
      out.commit(used);
    } else if (rng() % 4 == 0) {  // a drain taken in one consume(), across pieces too
      const size_t n = std::min<size_t>(rng() % 4000, model.size());
      out.consume(n);
      model.erase(model.begin(), model.begin() + static_cast<long>(n));
    } else {
      drain(out, rng() % 4000, model);
      if (HasFatalFailure()) return;
    }
    ASSERT_EQ(out.size(), model.size()) << "step " << step;
    ASSERT_EQ(out.view().empty(), model.empty()) << "step " << step;
  }
  drain(out, model.size(), model);
  EXPECT_TRUE(model.empty());
  EXPECT_EQ(out.size(), 0u);
}

TEST(OutputBuffer, AReplyThatOnlyFitsAtTheFrontComesOutAfterTheOlderOne) {
  OutputBuffer out;
  std::deque<uint8_t> model;
  uint8_t next = 0;
  for (int i = 0; i < 2; ++i) {  // the first reply sizes the storage for two
    put_pattern(out.reserve(1000), 1000, next, model);
    out.commit(1000);
  }
  const size_t capacity = out.capacity();
  ASSERT_EQ(capacity, 2000u);
  drain(out, 1800, model);  // 200 queued at the end of the storage, 1800 free before them
  const uint8_t* older = out.view().data();
  put_pattern(out.reserve(500), 500, next, model);
  out.commit(500);
  EXPECT_EQ(out.capacity(), capacity);
  EXPECT_EQ(out.view().data(), older) << "queued bytes moved";
  EXPECT_EQ(out.view().size(), 200u) << "the older piece first";
  EXPECT_EQ(out.size(), 700u);
  out.consume(250);  // the older piece and 50 bytes of the newer one
  model.erase(model.begin(), model.begin() + 250);
  EXPECT_EQ(out.size(), 450u);
  EXPECT_EQ(out.view().size(), 450u);
  drain(out, 450, model);
  EXPECT_TRUE(model.empty());
}

TEST(OutputBuffer, AppendingWhenNeitherPlaceHasRoomGrowsAndKeepsEverything) {
  OutputBuffer out;
  std::deque<uint8_t> model;
  uint8_t next = 0;
  for (int i = 0; i < 2; ++i) {  // 100 bytes of storage, then 200
    put_pattern(out.reserve(100), 100, next, model);
    out.commit(100);
  }
  ASSERT_EQ(out.capacity(), 200u);
  drain(out, 150, model);
  put_pattern(out.reserve(120), 120, next, model);  // only fits in the drained front
  out.commit(120);
  ASSERT_EQ(out.view().size(), 50u);
  ASSERT_EQ(out.size(), 170u);
  put_pattern(out.reserve(300), 300, next, model);  // fits nowhere, and 170 + 300 > 200
  out.commit(300);
  EXPECT_EQ(out.capacity(), 470u);
  EXPECT_EQ(out.size(), 470u);
  EXPECT_EQ(out.view().size(), 470u) << "one piece after growing";
  drain(out, 470, model);
  EXPECT_TRUE(model.empty());
}

TEST(OutputBuffer, TwoPiecesAreJoinedInPlaceWhenTheStorageIsLargeEnough) {
  OutputBuffer out;
  std::deque<uint8_t> model;
  uint8_t next = 0;
  put_pattern(out.reserve(1000), 1000, next, model);
  out.commit(1000);
  put_pattern(out.reserve(1000), 500, next, model);  // a short read: [0, 1500) of 2000 queued
  out.commit(500);
  ASSERT_EQ(out.capacity(), 2000u);
  drain(out, 1000, model);
  put_pattern(out.reserve(800), 800, next, model);  // 500 free at the end: goes to the front
  out.commit(800);
  ASSERT_EQ(out.view().size(), 500u);
  put_pattern(out.reserve(400), 400, next, model);  // 200 free between the pieces; 1300 + 400 fit
  out.commit(400);
  EXPECT_EQ(out.capacity(), 2000u);
  EXPECT_EQ(out.size(), 1700u);
  EXPECT_EQ(out.view().size(), 1700u) << "one piece after joining";
  drain(out, 1700, model);
  EXPECT_TRUE(model.empty());
}

// After one READ the queue holds one reply's storage, as it did before it became a ring: an idle
// session that has read once keeps no more.
TEST(OutputBuffer, OneReplyTakesOneReplysStorage) {
  OutputBuffer out;
  const size_t reply = (255u << 10) + 13;
  out.reserve(reply);
  out.commit(100);
  out.consume(100);
  EXPECT_EQ(out.capacity(), reply);
}

// The shape of an sftp download: a 255 KiB READ reply is queued whenever fewer than 128 KiB
// are, and the connection drains 32 KiB channel packets.
TEST(OutputBuffer, ASteadyDownloadNeitherCopiesNorGrowsOnceSettled) {
  constexpr size_t kReply = (255u << 10) + 13, kHighWater = 128u << 10, kPacket = 32u << 10;
  OutputBuffer out;
  std::deque<uint8_t> model;
  uint8_t next = 0;
  size_t settled_capacity = 0;
  for (int reply = 0; reply < 200; ++reply) {
    const uint8_t* head_before = out.size() > 0 ? out.view().data() : nullptr;
    put_pattern(out.reserve(kReply), kReply, next, model);
    out.commit(kReply);
    if (reply == 3) settled_capacity = out.capacity();
    if (reply > 3) {
      ASSERT_EQ(out.capacity(), settled_capacity) << "reply " << reply;
      if (head_before) {
        ASSERT_EQ(out.view().data(), head_before) << "reply " << reply;
      }
    }
    while (out.size() >= kHighWater) drain(out, kPacket, model);
    if (HasFatalFailure()) return;
  }
  EXPECT_LE(settled_capacity, 2 * kReply);
  drain(out, model.size(), model);
  EXPECT_TRUE(model.empty());
}

}  // namespace
}  // namespace wharf::sftp
