// The server's outgoing byte queue. Replies are appended at the end and drained from the front
// in pieces of any size. reserve()/commit() let READ's pread(2) write straight into the queue;
// the storage only grows (it is never zero-filled per packet) and is compacted only when a
// partly drained queue needs room at the end. It is then kept at least four times what it holds,
// so the pending bytes are moved at most once per three appends of that size (for downloads:
// once per several READ replies, instead of half of every reply).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "transport/wire.h"

namespace wharf::sftp {

class OutputBuffer {
 public:
  wire::ByteView view() const { return {buf_.data() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }
  size_t capacity() const { return buf_.size(); }

  // Room for `n` more bytes at the end; valid until the next call that changes the buffer.
  uint8_t* reserve(size_t n) {
    if (begin_ == end_) begin_ = end_ = 0;
    if (buf_.size() - end_ >= n) return buf_.data() + end_;
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    // The first reply gets exactly what it needs (small sessions stay small); later growth
    // keeps four times the held bytes plus the new ones.
    const size_t want = buf_.empty() ? n : 4 * (end_ + n);
    if (buf_.size() < want) buf_.resize(std::max(buf_.size() * 2, want));
    return buf_.data() + end_;
  }
  void commit(size_t n) { end_ += n; }
  void append(wire::ByteView data) {
    std::memcpy(reserve(data.size()), data.data(), data.size());
    commit(data.size());
  }
  void consume(size_t n) {
    begin_ += std::min(n, size());
    if (begin_ == end_) begin_ = end_ = 0;
  }

 private:
  wire::Bytes buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
};

}  // namespace wharf::sftp
