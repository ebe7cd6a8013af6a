#include "scp/sink.h"

#include <fcntl.h>

#include <utility>

namespace wharf::scp {

Sink::Sink(fs::Root& root, Command cmd) : root_(root), cmd_(std::move(cmd)) {
  target_ = client_path(root_.policy(), cmd_.paths.at(0));
  auto st = root_.stat(target_, /*follow=*/true);
  target_is_dir_ = st.ok() && S_ISDIR(st->st_mode);
  if (cmd_.target_is_dir && !target_is_dir_) {
    // -d: several files are coming and must not overwrite each other (scp.c verifydir()).
    out_.append(format_error(describe(cmd_.paths[0], st.ok() ? ENOTDIR : st.error())));
    finish(1);
    return;
  }
  reply_ok();  // ready for the first record
}

Sink::~Sink() { abort_upload(); }

void Sink::reply_error(std::string_view message) {
  ++errors_;
  out_.append(format_error(message));
}

void Sink::protocol_error(std::string_view why) {
  abort_upload();
  out_.append(format_error(std::string("protocol error: ") + std::string(why), /*fatal=*/true));
  finish(1);
}

std::string Sink::child_path(std::string_view name) const {
  if (!levels_.empty()) return join_path(levels_.back().path, name);
  return target_is_dir_ ? join_path(target_, name) : target_;
}

void Sink::feed(wire::ByteView in) {
  while (!in.empty() && !finished()) {
    switch (state_) {
      case State::kRecord:
        switch (line_.feed(in)) {
          case LineReader::State::kNeedMore:
            break;
          case LineReader::State::kTooLong:
            protocol_error("record line too long");
            break;
          case LineReader::State::kLine:
            on_line(line_.line());
            break;
        }
        break;
      case State::kData:
        take_data(in);
        break;
      case State::kStatus:
        on_status(reply_.feed(in));
        break;
    }
  }
}

void Sink::feed_eof() {
  if (finished()) return;
  if (state_ == State::kStatus && reply_.idle()) {
    // Every declared byte arrived, then the channel's EOF instead of the source's status byte.
    // libssh2's scp_send (curl, PHP's ssh2_scp_send) never sends that byte; OpenSSH's sink has
    // written the file in place by then and keeps it. The file is complete, so it is kept here
    // too, unless a write failed. scp.c sets a T record's times only after that byte, so they
    // are dropped here as well (PHP sends its two times swapped).
    up_.times.reset();
    on_status(ReplyReader::State::kOk);
  }
  if (state_ == State::kRecord && line_.empty() && levels_.empty()) {
    finish(errors_ ? 1 : 0);
    return;
  }
  abort_upload();  // the client went away mid-file, mid-line or inside a directory
  finish(1);
}

void Sink::on_line(std::string_view line) {
  auto parsed = parse_record(line);
  if (auto* err = std::get_if<RecordError>(&parsed)) {
    if (err->fatal) return protocol_error(err->message);
    pending_times_.reset();
    return reply_error(err->message);
  }
  const Record& rec = std::get<Record>(parsed);
  switch (rec.type) {
    case RecordType::kWarning:  // the source reports a problem and goes on; no reply
      ++errors_;
      return;
    case RecordType::kFatal:
      abort_upload();
      return finish(1);
    case RecordType::kTimes:
      pending_times_ = Times{rec.mtime, rec.atime};
      return reply_ok();
    case RecordType::kFile:
      return on_file(rec);
    case RecordType::kDir:
      return on_dir(rec);
    case RecordType::kEnd:
      return on_end();
  }
}

void Sink::on_file(const Record& rec) {
  std::optional<Times> times = std::exchange(pending_times_, std::nullopt);
  std::string path = child_path(rec.name);
  const fs::Policy& policy = root_.policy();
  if (!policy.allows("open") || !policy.allows("write")) return reply_error(describe(path, EACCES));
  if (auto st = root_.stat(path, true); st.ok() && S_ISDIR(st->st_mode)) {
    return reply_error(describe(path, EISDIR));
  }
  if (policy.read_only) return reply_error(describe(path, EACCES));
  up_ = Upload{};
  up_.path = path;
  up_.mode = rec.mode;
  up_.times = times;  // a T record's times apply with or without -p, as in scp.c's sink()
  up_.remaining = rec.size;
  // Small files are kept in memory and written at once when complete. Every file is created
  // (under its temporary name) before the record is answered: a refusal must answer the record,
  // as in scp.c, because libssh2 (curl, PHP, Net::SSH2) reads no status after the data.
  up_.buffered = rec.size <= kBufferedUpload;
  if (up_.buffered) up_.data.reserve(static_cast<size_t>(rec.size));
  if (auto s = open_upload(); !s) return reply_error(describe(path, s.error()));
  reply_ok();
  state_ = up_.remaining == 0 ? State::kStatus : State::kData;
}

// Creates the file under a temporary name that a clean close() renames over the final name
// (never written through a symlink there, never seen half written), with any policy. fs sweeps
// the temporary files a killed connection process leaves.
fs::Status Sink::open_upload() {
  auto f = root_.create_replacing(up_.path, up_.mode);
  if (!f) return f.status();
  up_.file.emplace(std::move(*f));
  return {};
}

void Sink::take_data(wire::ByteView& in) {
  size_t n = static_cast<size_t>(std::min<uint64_t>(up_.remaining, in.size()));
  if (up_.buffered) {
    up_.data.insert(up_.data.end(), in.begin(), in.begin() + static_cast<ptrdiff_t>(n));
  } else if (up_.error == 0) {
    write_data(in.first(n));
  }
  in = in.subspan(n);
  up_.remaining -= n;
  if (up_.remaining == 0) {
    flush_data();
    state_ = State::kStatus;
  }
}

// Large pieces go straight to pwrite; small ones (SSH channel packets) are gathered first.
void Sink::write_data(wire::ByteView data) {
  if (wbuf_.empty() && data.size() >= kDataChunk) {
    if (auto s = up_.file->pwrite(data.data(), data.size(), up_.offset); !s) up_.error = s.error();
    up_.offset += data.size();
    return;
  }
  wbuf_.insert(wbuf_.end(), data.begin(), data.end());
  if (wbuf_.size() >= kDataChunk) flush_data();
}

void Sink::flush_data() {
  if (wbuf_.empty()) return;
  if (up_.error == 0) {
    if (auto s = up_.file->pwrite(wbuf_.data(), wbuf_.size(), up_.offset); !s) {
      up_.error = s.error();
    }
  }
  up_.offset += wbuf_.size();
  wbuf_.clear();
}

// After the data the source sends one status byte: "\0", or an error line if it failed to read
// the file (it then padded the data). Then the sink answers (scp.c sink(), response()).
void Sink::on_status(ReplyReader::State s) {
  switch (s) {
    case ReplyReader::State::kNeedMore:
      return;
    case ReplyReader::State::kBad:
      return protocol_error("bad status after file data");
    case ReplyReader::State::kFatal:
      abort_upload();
      return finish(1);
    case ReplyReader::State::kError:
      abort_upload();
      state_ = State::kRecord;
      return reply_error(up_.path + ": not received completely, discarded");
    case ReplyReader::State::kOk:
      break;
  }
  state_ = State::kRecord;
  if (up_.error != 0) {
    int err = up_.error;
    abort_upload();
    return reply_error(describe(up_.path, err));
  }
  if (auto st = commit_upload(); !st) return reply_error(describe(up_.path, st.error()));
  reply_ok();
}

fs::Status Sink::commit_upload() {
  if (up_.buffered) {
    if (auto s = up_.file->pwrite(up_.data.data(), up_.data.size(), 0); !s) {
      abort_upload();
      return s;
    }
  }
  fs::File& f = *up_.file;
  fs::Attrs attrs;
  if (cmd_.preserve) attrs.mode = up_.mode;  // -p: the exact mode, not masked by the umask
  if (up_.times) {
    attrs.mtime = up_.times->mtime;
    attrs.atime = up_.times->atime;
  }
  if ((attrs.mode || attrs.mtime) && root_.policy().allows("setstat")) {
    if (auto s = f.setstat(attrs); !s) {
      abort_upload();
      return s;
    }
  }
  fs::Status closed = f.close();  // renamed into place here
  up_.file.reset();
  if (!closed) abort_upload();
  return closed;
}

void Sink::abort_upload() {
  wbuf_.clear();
  up_.data = wire::Bytes();
  up_.file.reset();  // removes the temporary file of an unfinished upload
}

void Sink::on_dir(const Record& rec) {
  std::optional<Times> times = std::exchange(pending_times_, std::nullopt);
  if (!cmd_.recursive) return protocol_error("received directory without -r");
  std::string path = child_path(rec.name);
  if (levels_.size() >= kMaxDepth) return reply_error(path + ": directories nested too deep");
  bool created = false;
  auto st = root_.stat(path, /*follow=*/true);
  if (st.ok()) {
    if (!S_ISDIR(st->st_mode)) return reply_error(describe(path, ENOTDIR));
  } else if (st.error() == ENOENT) {
    if (!root_.policy().allows("mkdir")) return reply_error(describe(path, EACCES));
    // Owner rwx while the contents arrive; the record's mode is set on E (scp.c does the same).
    if (auto s = root_.mkdir(path, rec.mode | S_IRWXU); !s) {
      return reply_error(describe(path, s.error()));
    }
    created = true;
  } else {
    return reply_error(describe(path, st.error()));
  }
  levels_.push_back(Level{std::move(path), rec.mode, created, times});
  reply_ok();
}

void Sink::on_end() {
  pending_times_.reset();
  if (levels_.empty()) return protocol_error("unexpected E record");
  Level level = std::move(levels_.back());
  levels_.pop_back();
  fs::Attrs attrs;
  if (cmd_.preserve) {
    attrs.mode = level.mode;
  } else if (level.created && (level.mode & S_IRWXU) != S_IRWXU) {
    attrs.mode = level.mode & ~root_.policy().umask;
  }
  if (level.times) {
    attrs.mtime = level.times->mtime;
    attrs.atime = level.times->atime;
  }
  if ((attrs.mode || attrs.mtime) && root_.policy().allows("setstat")) {
    (void)root_.setstat(level.path, attrs, /*follow=*/true);  // best effort, as scp.c
  }
  reply_ok();
}

}  // namespace wharf::scp
