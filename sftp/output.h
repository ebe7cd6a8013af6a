// The server's outgoing byte queue. Replies are appended at the end and drained from the front
// in pieces of any size. reserve()/commit() let READ's pread(2) write straight into the queue;
// the storage only grows (it is never zero-filled per packet) and is compacted only when a
// partly drained queue needs room at the end.
#pragma once

#include <cstdint>
#include <cstring>

#include "transport/wire.h"

namespace wharf::sftp {

class OutputBuffer {
 public:
  wire::ByteView view() const { return {buf_.data() + begin_, end_ - begin_}; }
  size_t size() const { return end_ - begin_; }

  // Room for `n` more bytes at the end; valid until the next call that changes the buffer.
  uint8_t* reserve(size_t n) {
    if (begin_ == end_) begin_ = end_ = 0;
    if (buf_.size() - end_ < n && begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (buf_.size() - end_ < n) buf_.resize(std::max(buf_.size() * 2, end_ + n));
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
