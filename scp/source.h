// wharf::scp::Source — `scp -f path...`: the client downloads (OpenSSH scp.c source(),
// rsource()).
//
// Paths are taken literally (no globbing) and read through fs::Root. Each file is announced
// ("T" with -p, then "C"), and its data is sent once the sink accepts; directories ("D" ... "E")
// only with -r, nested at most kMaxDepth deep (a symlink loop ends there). Problems with one path
// are reported to the sink as "\1scp: ...\n" and the next path follows. Data is read with pread
// straight into the output buffer, in kDataChunk pieces, while the output is below its high-water
// mark; consume() refills it.
#pragma once

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "scp/records.h"
#include "scp/session.h"

namespace wharf::scp {

class Source : public Session {
 public:
  Source(fs::Root& root, Command cmd);

  void feed(wire::ByteView in) override;
  void feed_eof() override;

 private:
  // What the next reply from the sink answers.
  enum class Await {
    kNothing,
    kStart,       // the sink's first "\0"
    kFileTimes,   // T before C
    kFileHeader,  // C
    kFileDone,    // data and status byte
    kDirTimes,    // T before D
    kDirHeader,   // D
    kDirEnd,      // E
  };
  struct Frame {
    fs::Dir dir;
    std::string path;
  };

  void on_drained() override;
  void on_reply(ReplyReader::State s);
  void pump();
  bool next_item();
  void start_path(const std::string& path, std::string name);
  void send_header();
  void send_data();
  void warn(std::string_view message);
  void protocol_error(std::string_view why);

  fs::Root& root_;
  Command cmd_;
  size_t next_arg_ = 0;
  std::vector<Frame> stack_;
  Await await_ = Await::kStart;
  ReplyReader reply_;
  int errors_ = 0;

  // The item being sent: a file (file_) or a directory about to be entered (dir_).
  std::string item_path_;
  std::string item_name_;
  struct stat item_st_ = {};
  std::optional<fs::File> file_;
  std::optional<fs::Dir> dir_;
  bool sending_ = false;
  uint64_t sent_ = 0;
  std::string read_error_;  // set when reading failed; the rest is padded with zeros
};

}  // namespace wharf::scp
