#include "sftp/output.h"

#include <algorithm>
#include <cstring>

namespace wharf::sftp {

uint8_t* OutputBuffer::reserve(size_t n) {
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
  reallocate(n);
  return buf_.data() + head_end_;
}

void OutputBuffer::commit(size_t n) {
  if (wrapped_) {
    tail_end_ += n;
  } else {
    head_end_ += n;
  }
}

void OutputBuffer::append(wire::ByteView data) {
  std::memcpy(reserve(data.size()), data.data(), data.size());
  commit(data.size());
}

void OutputBuffer::consume(size_t n) {
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

// Copies the queue into one piece at the start of new storage with room for `n` after it. Twice
// (queue + n) leaves room, for the same traffic, at one end or the other from then on.
void OutputBuffer::reallocate(size_t n) {
  const size_t queued = size();
  wire::Bytes fresh(std::max(buf_.size(), 2 * (queued + n)));
  const wire::ByteView head = view();
  std::memcpy(fresh.data(), head.data(), head.size());
  if (wrapped_) std::memcpy(fresh.data() + head.size(), buf_.data(), tail_end_);
  buf_.swap(fresh);
  head_begin_ = 0;
  head_end_ = queued;
  tail_end_ = 0;
  wrapped_ = false;
}

}  // namespace wharf::sftp
