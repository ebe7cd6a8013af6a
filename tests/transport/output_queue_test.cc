// The output queue of sftp and scp: bytes come out in the order they went in, whatever the sizes of
// the replies and of the drained pieces, and a steady download settles without copying.
#include "transport/output_queue.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace wharf::wire {
namespace {

// An OutputQueue and the bytes it must give back, in order.
class Queue : public ::testing::Test {
 protected:
  // Reserves `want` bytes and commits the first `used` of them (a short pread commits less),
  // filled with a running pattern.
  void add(size_t want, size_t used) {
    uint8_t* at = out.reserve(want);
    for (size_t i = 0; i < used; ++i, ++next_) {
      at[i] = next_;
      model.push_back(next_);
    }
    out.commit(used);
  }
  void add(size_t n) { add(n, n); }

  // Drains up to `n` bytes piece by piece, checking each byte.
  void drain(size_t n) {
    while (n > 0 && out.size() > 0) {
      ByteView piece = out.view();
      ASSERT_FALSE(piece.empty()) << "the view is empty while " << out.size() << " are queued";
      const size_t take = std::min(n, piece.size());
      for (size_t i = 0; i < take; ++i) {
        ASSERT_EQ(piece[i], model.front()) << "byte " << i << " of a piece";
        model.pop_front();
      }
      out.consume(take);
      n -= take;
    }
  }

  // Drains everything and checks that nothing is missing.
  void drain_all() {
    drain(model.size());
    EXPECT_TRUE(model.empty());
    EXPECT_EQ(out.size(), 0u);
  }

  OutputQueue out;
  std::deque<uint8_t> model;

 private:
  uint8_t next_ = 0;
};

TEST_F(Queue, RandomRepliesAndDrainsKeepTheByteOrder) {
  std::mt19937 rng(11);
  for (int step = 0; step < 20000; ++step) {
    if (rng() % 2 == 0) {
      const size_t want = rng() % 3000;
      add(want, want == 0 ? 0 : rng() % (want + 1));
    } else if (rng() % 4 == 0) {  // a drain taken in one consume(), across pieces too
      const size_t n = std::min<size_t>(rng() % 4000, model.size());
      out.consume(n);
      model.erase(model.begin(), model.begin() + static_cast<long>(n));
    } else {
      drain(rng() % 4000);
      if (HasFatalFailure()) return;
    }
    ASSERT_EQ(out.size(), model.size()) << "step " << step;
    ASSERT_EQ(out.view().empty(), model.empty()) << "step " << step;
  }
  drain_all();
}

TEST_F(Queue, AReplyThatOnlyFitsAtTheFrontComesOutAfterTheOlderOne) {
  add(1000);
  add(1000);  // the first reply sized the storage for two
  ASSERT_EQ(out.capacity(), 2000u);
  drain(1800);  // 200 queued at the end of the storage, 1800 free before them
  const uint8_t* older = out.view().data();
  add(500);
  EXPECT_EQ(out.capacity(), 2000u);
  EXPECT_EQ(out.view().data(), older) << "queued bytes moved";
  EXPECT_EQ(out.view().size(), 200u) << "the older piece first";
  EXPECT_EQ(out.size(), 700u);
  out.consume(250);  // the older piece and 50 bytes of the newer one
  model.erase(model.begin(), model.begin() + 250);
  EXPECT_EQ(out.view().size(), 450u);
  drain_all();
}

TEST_F(Queue, AppendingWhenNeitherPlaceHasRoomGrowsAndKeepsEverything) {
  add(100);
  add(100);  // 100 bytes of storage, then 200
  ASSERT_EQ(out.capacity(), 200u);
  drain(150);
  add(120);  // only fits in the drained front
  ASSERT_EQ(out.view().size(), 50u);
  add(300);  // fits nowhere, and 170 + 300 > 200
  EXPECT_EQ(out.capacity(), 470u);
  EXPECT_EQ(out.view().size(), 470u) << "one piece after growing";
  drain_all();
}

TEST_F(Queue, TwoPiecesAreJoinedInPlaceWhenTheStorageIsLargeEnough) {
  add(1000);
  add(1000, 500);  // a short read: [0, 1500) of 2000 queued
  ASSERT_EQ(out.capacity(), 2000u);
  drain(1000);
  add(800);  // 500 free at the end: goes to the front
  ASSERT_EQ(out.view().size(), 500u);
  add(400);  // 200 free between the pieces, but 1300 + 400 fit in the storage
  EXPECT_EQ(out.capacity(), 2000u);
  EXPECT_EQ(out.view().size(), 1700u) << "one piece after joining";
  drain_all();
}

// After one READ the queue holds one reply's storage, as it did before it became a ring: an idle
// session that has read once keeps no more.
TEST_F(Queue, OneReplyTakesOneReplysStorage) {
  const size_t reply = (255u << 10) + 13;
  add(reply, 100);
  drain_all();
  EXPECT_EQ(out.capacity(), reply);
}

// The shape of an sftp download: a 255 KiB READ reply is queued whenever fewer than 128 KiB
// are, and the connection drains 32 KiB channel packets.
TEST_F(Queue, ASteadyDownloadNeitherCopiesNorGrowsOnceSettled) {
  constexpr size_t kReply = (255u << 10) + 13, kHighWater = 128u << 10, kPacket = 32u << 10;
  size_t settled_capacity = 0;
  for (int reply = 0; reply < 200; ++reply) {
    const uint8_t* head_before = out.size() > 0 ? out.view().data() : nullptr;
    add(kReply);
    if (reply == 3) settled_capacity = out.capacity();
    if (reply > 3) {
      ASSERT_EQ(out.capacity(), settled_capacity) << "reply " << reply;
      if (head_before) {
        ASSERT_EQ(out.view().data(), head_before) << "reply " << reply;
      }
    }
    while (out.size() >= kHighWater) drain(kPacket);
    if (HasFatalFailure()) return;
  }
  EXPECT_LE(settled_capacity, 2 * kReply);
  drain_all();
}

}  // namespace
}  // namespace wharf::wire
