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
  if (!initialized_ || skip_ > 0 || output_backed_up()) return 0;
  try {
    wire::Reader r(data);
    uint32_t len = r.u32("length");
    if (len > kMaxMessage || r.remaining() >= len) return 0;  // too long, or complete
    if (r.u8("type") != SSH_FXP_WRITE) return 0;
    uint32_t id = r.u32("request id");
    wire::ByteView handle = r.string("handle", 256);
    uint64_t offset = r.u64("write offset");
    uint32_t data_len = r.u32("write data length");
    size_t fields = 1 + 4 + 4 + handle.size() + 8 + 4;
    if (fields + data_len != len) return 0;  // malformed: the buffered path answers it
    if (!permitted("write", true)) return 0;
    fs::File* file = handles_.file(handle);
    if (file == nullptr) return 0;
    stream_ = WriteStream{id, file, offset, data_len, {}};
    return data.size() - r.remaining();
  } catch (const wire::DecodeError&) {
    return 0;  // the fields are not all in yet, or malformed: the buffered path decides
  }
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
