// WRITE requests written as their data arrives. Over SSH a 255 KiB WRITE comes in eight channel
// packets of 32 KiB (OpenSSH's client maximum packet); gathering them into one buffer before a
// single pwrite(2) cost a copy of every uploaded byte. Once a WRITE's fields up to its data are
// in and the request would run anyway, each piece of data is written where it lies, and the
// status goes out after the last piece, in request order like every reply. Anything unusual (a
// malformed or refused request, a stale handle, output backed up) takes the buffered path, whose
// answers are the same.
#include <algorithm>

#include "sftp/server.h"

namespace wharf::sftp {

// If `data` starts with an incomplete WRITE that may run now, takes everything up to its data
// (the framing and the fields, draft-ietf-secsh-filexfer-02 section 6.4) and returns how many
// bytes that was; otherwise returns 0 and takes nothing.
size_t Server::start_write_stream(wire::ByteView data) {
  // Sizes are checked before decoding: this runs for every piece of input, and most are not the
  // start of a WRITE, so a decode error (an exception) must not be the usual way out.
  constexpr size_t kFixed = 4 + 1 + 4 + 4 + 8 + 4;  // the fields around the handle
  if (data.size() < kFixed || data[4] != SSH_FXP_WRITE) return 0;
  if (!initialized_ || skip_ > 0 || output_backed_up()) return 0;
  wire::Reader r(data);
  uint32_t len = r.u32("length");
  r.u8("type");
  uint32_t id = r.u32("request id");
  uint32_t handle_len = r.u32("handle length");
  if (len > kMaxMessage || data.size() - 4 >= len) return 0;            // too long, or complete
  if (handle_len > 256 || data.size() < kFixed + handle_len) return 0;  // fields not all in
  wire::ByteView handle = r.raw(handle_len, "handle");
  uint64_t offset = r.u64("write offset");
  uint32_t data_len = r.u32("write data length");
  // Malformed, or with bytes after the data: the buffered path answers.
  if (kFixed - 4 + handle_len + data_len != len) return 0;
  const Request* write = request_for(SSH_FXP_WRITE);  // its policy name and does-write flag
  if (!permitted(write->name, write->does_write)) return 0;
  fs::File* file = handles_.file(handle);
  if (file == nullptr) return 0;
  stream_ = WriteStream{id, file, offset, data_len, {}};
  return kFixed + handle_len;
}

// Writes the front of `data` that belongs to the current WRITE; returns how much that was. The
// status is sent once the last byte is in.
size_t Server::continue_write_stream(wire::ByteView data) {
  size_t n = std::min<size_t>(stream_->left, data.size());
  if (n > 0 && stream_->status.ok()) {
    stream_->status = stream_->file->pwrite(data.data(), n, stream_->offset);
  }
  stream_->offset += n;
  stream_->left -= static_cast<uint32_t>(n);
  if (stream_->left == 0) {
    WriteStream done = *stream_;
    stream_.reset();
    send_status(done.id, done.status);
  }
  return n;
}

// A WRITE whose fields were split between two pieces of input is buffered at first; once they
// are all in, the rest of it streams like any other.
void Server::stream_buffered_write() {
  if (stream_ || in_begin_ == in_end_) return;
  size_t taken = start_write_stream({in_.data() + in_begin_, in_end_ - in_begin_});
  if (taken == 0) return;
  in_begin_ += taken;
  in_begin_ += continue_write_stream({in_.data() + in_begin_, in_end_ - in_begin_});
  if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
}

}  // namespace wharf::sftp
