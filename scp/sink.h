// wharf::scp::Sink — `scp -t target`: the client uploads (OpenSSH scp.c sink()).
//
// Files are written through fs::Root, so the root, read-only, drop-box and atomic-upload
// policies apply. Every file is received into a temporary name, created when its C record
// arrives (a refusal answers the record, as in scp.c), and appears under its final name only
// once all its declared bytes arrived and the source confirmed them, or closed its side right
// after them as libssh2 does (fs's atomic upload when the policy asks for it, otherwise a
// hidden temporary file renamed over the final name; files up to kBufferedUpload are kept in
// memory and written at once): data shorter or longer than declared never leaves a partial
// file. Error replies are "\1scp: ...\n" and the session goes on where the protocol allows it
// (a refused name, a failed open or mkdir, a failed write); a broken record ends it with
// "\2scp: protocol error: ...\n".
//
// Differences from OpenSSH's sink, by design: an existing file is replaced by rename (a symlink
// under the final name is replaced, not followed; a file the user may not write is refused, as
// scp.c's open() refuses it; without -p the new file's mode comes from the record and the
// umask), and while a file arrives its temporary name exists in the directory (so the
// directory's mtime changes even if the upload is discarded).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scp/records.h"
#include "scp/session.h"

namespace wharf::scp {

// Files up to this size are received in memory and created when complete.
inline constexpr uint64_t kBufferedUpload = 1u << 20;

class Sink : public Session {
 public:
  Sink(fs::Root& root, Command cmd);
  ~Sink() override;

  void feed(wire::ByteView in) override;
  void feed_eof() override;

 private:
  struct Times {
    int64_t mtime;
    int64_t atime;
  };
  // A directory entered with D, left with E: its attributes are set when it is left.
  struct Level {
    std::string path;
    mode_t mode;
    bool created;
    std::optional<Times> times;
  };
  // The file being received.
  struct Upload {
    std::optional<fs::File> file;
    std::string path;  // final client path
    mode_t mode = 0;
    std::optional<Times> times;
    uint64_t remaining = 0;
    uint64_t offset = 0;
    int error = 0;          // first write error; the rest of the data is read and dropped
    bool buffered = false;  // a small file, kept in `data` until it is complete
    wire::Bytes data;
  };
  enum class State { kRecord, kData, kStatus };

  void on_line(std::string_view line);
  void on_file(const Record& rec);
  void on_dir(const Record& rec);
  void on_end();
  void take_data(wire::ByteView& in);
  void write_data(wire::ByteView data);
  void flush_data();
  void on_status(ReplyReader::State s);
  fs::Status open_upload();
  fs::Status commit_upload();
  void abort_upload();
  std::string child_path(std::string_view name) const;

  void reply_ok() { out_.append(std::string_view("\0", 1)); }
  void reply_error(std::string_view message);
  void protocol_error(std::string_view why);

  fs::Root& root_;
  Command cmd_;
  std::string target_;
  bool target_is_dir_ = false;
  std::vector<Level> levels_;
  std::optional<Times> pending_times_;
  State state_ = State::kRecord;
  LineReader line_;
  ReplyReader reply_;
  Upload up_;
  wire::Bytes wbuf_;  // small pieces of data gathered into large writes
  int errors_ = 0;
};

}  // namespace wharf::scp
