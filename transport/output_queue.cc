#include "transport/output_queue.h"

#include <algorithm>
#include <cstring>

namespace wharf::wire {

uint8_t* OutputQueue::reserve(size_t n) {
  if (size() == 0) {
    head_begin_ = head_end_ = tail_end_ = 0;
    wrapped_ = false;
  }
  if (wrapped_) {
    if (head_begin_ - tail_end_ >= n) return buf_.data() + tail_end_;
  } else {
    if (buf_.size() - head_end_ >= n) return buf_.data() + head_end_;
    if (head_begin_ >= n) {  // the drained front has room: start the newer piece there
      wrapped_ = true;
      return buf_.data();
    }
  }
  make_room(n);
  return buf_.data() + head_end_;
}

void OutputQueue::commit(size_t n) {
  if (wrapped_) {
    tail_end_ += n;
  } else {
    head_end_ += n;
  }
}

void OutputQueue::append(ByteView data) {
  if (data.empty()) return;  // memcpy must not see the null pointer of empty storage
  std::memcpy(reserve(data.size()), data.data(), data.size());
  commit(data.size());
}

void OutputQueue::consume(size_t n) {
  n = std::min(n, size());
  const size_t from_head = std::min(n, head_end_ - head_begin_);
  head_begin_ += from_head;
  if (head_begin_ == head_end_) {  // the older piece is drained: the newer one is now the head
    head_begin_ = 0;
    head_end_ = wrapped_ ? tail_end_ : 0;
    tail_end_ = 0;
    wrapped_ = false;
    head_begin_ += n - from_head;
  }
}

// Puts the queue in one piece at the start of the storage with room for `n` after it: in place
// when the storage is large enough, else in storage grown to twice its size (or to queue + n).
// A steady stream of equal replies settles at twice a reply and never comes here again.
void OutputQueue::make_room(size_t n) {
  const size_t queued = size();
  if (buf_.size() >= queued + n) {
    if (wrapped_) {  // [newer][gap][older] becomes [older][newer][gap]
      std::rotate(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(head_begin_),
                  buf_.begin() + static_cast<std::ptrdiff_t>(head_end_));
    } else {
      std::memmove(buf_.data(), buf_.data() + head_begin_, queued);
    }
  } else {
    Bytes grown(std::max(2 * buf_.size(), queued + n));
    const ByteView head = view();  // std::copy: the storage may still be empty (null)
    auto end = std::copy(head.begin(), head.end(), grown.begin());
    if (wrapped_) {
      std::copy(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(tail_end_), end);
    }
    buf_.swap(grown);
  }
  head_begin_ = 0;
  head_end_ = queued;
  tail_end_ = 0;
  wrapped_ = false;
}

}  // namespace wharf::wire
