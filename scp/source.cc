#include "scp/source.h"

#include <fcntl.h>

#include <cstring>
#include <utility>

#include "fs/path.h"

namespace wharf::scp {
namespace {

int64_t wire_time(time_t t) { return t < 0 ? 0 : static_cast<int64_t>(t); }

std::string_view strip_trailing_slashes(std::string_view p) {
  while (p.size() > 1 && p.back() == '/') p.remove_suffix(1);
  return p;
}

}  // namespace

Source::Source(fs::Root& root, Command cmd) : root_(root), cmd_(std::move(cmd)) {}

void Source::warn(std::string_view message) {
  ++errors_;
  out_.append(format_error(message));
}

void Source::protocol_error(std::string_view why) {
  file_.reset();
  dir_.reset();
  stack_.clear();
  sending_ = false;
  out_.append(format_error(std::string("protocol error: ") + std::string(why), /*fatal=*/true));
  finish(1);
}

void Source::feed(wire::ByteView in) {
  while (!in.empty() && !finished()) {
    // The sink speaks only when asked (scp.c sink()); anything else breaks the protocol.
    if (await_ == Await::kNothing) return protocol_error("unexpected input from the sink");
    on_reply(reply_.feed(in));
  }
}

void Source::feed_eof() {
  if (finished()) return;
  file_.reset();
  dir_.reset();
  stack_.clear();
  finish(1);  // the sink went away before everything was sent
}

void Source::on_drained() {
  if (!finished() && output_size() <= kOutputLowWater) pump();
}

void Source::on_reply(ReplyReader::State s) {
  if (s == ReplyReader::State::kNeedMore) return;
  if (s == ReplyReader::State::kBad) return protocol_error("bad reply");
  if (s == ReplyReader::State::kFatal) {
    file_.reset();
    dir_.reset();
    stack_.clear();
    return finish(1);
  }
  bool ok = s == ReplyReader::State::kOk;
  if (!ok) ++errors_;  // the sink refused this item; it has said why on its side
  Await was = std::exchange(await_, Await::kNothing);
  switch (was) {
    case Await::kFileTimes:
    case Await::kDirTimes:
      if (ok) send_header();
      break;
    case Await::kFileHeader:
      if (ok) {
        sending_ = true;
        sent_ = 0;
        read_error_.clear();
      }
      break;
    case Await::kDirHeader:
      if (ok) stack_.push_back(Frame{std::move(*dir_), item_path_});
      break;
    case Await::kNothing:
    case Await::kStart:
    case Await::kFileDone:
    case Await::kDirEnd:
      break;
  }
  if (await_ == Await::kNothing && !sending_) {
    file_.reset();
    dir_.reset();
  }
  pump();
}

void Source::pump() {
  while (!finished() && await_ == Await::kNothing && output_size() < kOutputHighWater) {
    if (sending_) {
      send_data();
    } else if (!next_item()) {
      finish(errors_ ? 1 : 0);
    }
  }
}

// Starts the next directory entry or command-line path; false when there is none.
bool Source::next_item() {
  if (!stack_.empty()) {
    Frame& top = stack_.back();
    auto entry = top.dir.next();
    if (!entry.ok() || !entry->has_value()) {
      if (!entry.ok()) warn(describe(top.path, entry.error()));
      stack_.pop_back();
      out_.append(kEndRecord);
      await_ = Await::kDirEnd;
      return true;
    }
    const std::string& name = (**entry).name;
    if (name == "." || name == "..") return true;
    start_path(join_path(top.path, name), name);
    return true;
  }
  if (next_arg_ == cmd_.paths.size()) return false;
  std::string_view arg = strip_trailing_slashes(cmd_.paths[next_arg_++]);
  std::string path = client_path(root_.policy(), arg);
  std::string name = fs::split_path(arg).name;
  if (name.empty() || name == "." || name == "..") {
    // "dir/.." or ".": send it under its real name (never as "." or "..", which sinks refuse).
    auto real = root_.realpath(path);
    name = real.ok() ? fs::split_path(*real).name : "";
  }
  if (name.empty()) {
    warn(std::string(arg) + ": cannot send the root directory by name");
    return true;
  }
  start_path(path, std::move(name));
  return true;
}

void Source::start_path(const std::string& path, std::string name) {
  const fs::Policy& policy = root_.policy();
  auto st = root_.stat(path, /*follow=*/true);  // before open: never open a device or FIFO
  if (!st) return warn(describe(path, st.error()));
  item_path_ = path;
  item_name_ = std::move(name);
  if (S_ISDIR(st->st_mode)) {
    if (!cmd_.recursive) return warn(path + ": not a regular file");
    if (stack_.size() >= kMaxDepth) return warn(path + ": directories nested too deep");
    if (!policy.allows("opendir") || !policy.allows("readdir")) {
      return warn(describe(path, EACCES));
    }
    auto d = root_.opendir(path);
    if (!d) return warn(describe(path, d.error()));
    dir_.emplace(std::move(*d));
    item_st_ = *st;
  } else if (S_ISREG(st->st_mode)) {
    if (!policy.allows("open") || !policy.allows("read")) return warn(describe(path, EACCES));
    auto f = root_.open(path, O_RDONLY, 0);
    if (!f) return warn(describe(path, f.error()));
    auto fst = f->stat();  // what was opened, not what was looked at
    if (!fst) return warn(describe(path, fst.error()));
    if (!S_ISREG(fst->st_mode)) return warn(path + ": not a regular file");
    file_.emplace(std::move(*f));
    item_st_ = *fst;
  } else {
    return warn(path + ": not a regular file");
  }
  if (cmd_.preserve) {
    out_.append(format_times(wire_time(item_st_.st_mtime), wire_time(item_st_.st_atime)));
    await_ = dir_ ? Await::kDirTimes : Await::kFileTimes;
  } else {
    send_header();
  }
}

void Source::send_header() {
  if (dir_) {
    out_.append(format_dir(item_st_.st_mode, item_name_));
    await_ = Await::kDirHeader;
  } else {
    out_.append(format_file(item_st_.st_mode, static_cast<uint64_t>(item_st_.st_size), item_name_));
    await_ = Await::kFileHeader;
  }
}

// One chunk of file data, read straight into the output buffer. A read error or a file that
// shrank is padded with zeros to the announced size, then reported instead of the "\0" status
// (scp.c source()), so the sink discards the file.
void Source::send_data() {
  uint64_t size = static_cast<uint64_t>(item_st_.st_size);
  if (sent_ == size) {
    if (read_error_.empty()) {
      out_.append(std::string_view("\0", 1));
    } else {
      warn(read_error_);
    }
    sending_ = false;
    await_ = Await::kFileDone;
    return;
  }
  size_t n = static_cast<size_t>(std::min<uint64_t>(size - sent_, kDataChunk));
  uint8_t* p = out_.reserve(n);
  size_t got = 0;
  if (read_error_.empty()) {
    auto r = file_->pread(p, n, sent_);
    if (!r) {
      read_error_ = describe(item_path_, r.error());
    } else if (*r == 0) {
      read_error_ = item_path_ + ": file changed size";
    }
    got = r.ok() ? *r : 0;
  }
  if (!read_error_.empty()) {
    std::memset(p + got, 0, n - got);
    got = n;
  }
  out_.commit(got);
  sent_ += got;
}

}  // namespace wharf::scp
