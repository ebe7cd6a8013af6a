// An application's outgoing byte queue (the sftp server's replies, an scp source's records and
// file data). Bytes are appended at the end and drained from the front in pieces of any size;
// reserve()/commit() let pread(2) write file data straight into the queue.
//
// The storage is used as a ring of at most two pieces, so queued bytes are rarely moved to make
// room: a reply that does not fit after the queued ones goes to the start of the storage when
// the drained space there is large enough. view() gives the older piece; once it is drained, the
// newer one. Only when neither place has room is the queue put back into one piece (in place, or
// in storage grown as before: to twice its size). A download's equal READ replies then settle in
// storage of two replies and are never moved.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "transport/wire.h"

namespace wharf::wire {

class OutputQueue {
 public:
  // The oldest queued bytes that lie in one piece; empty only when the whole queue is.
  ByteView view() const { return {buf_.data() + head_begin_, head_end_ - head_begin_}; }
  // Every queued byte, in both pieces.
  size_t size() const { return head_end_ - head_begin_ + tail_end_; }
  size_t capacity() const { return buf_.size(); }

  // Room for `n` more bytes after the queued ones; valid until the next call that changes the
  // buffer. Bytes already queued stay where they are unless neither place has room.
  uint8_t* reserve(size_t n);
  // Queues the first `n` bytes written at the last reserve().
  void commit(size_t n);
  void append(ByteView data);
  void append(std::string_view text) { append(as_bytes(text)); }
  // Drops `n` bytes (at most size()) from the front of the queue.
  void consume(size_t n);

 private:
  void make_room(size_t n);

  Bytes buf_;
  // The older piece [head_begin_, head_end_); while wrapped_, the newer piece [0, tail_end_),
  // which ends at or before head_begin_. The head is empty only when the queue is.
  size_t head_begin_ = 0;
  size_t head_end_ = 0;
  size_t tail_end_ = 0;
  bool wrapped_ = false;
};

}  // namespace wharf::wire
