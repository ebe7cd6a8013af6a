// SCP records and replies: a strict parser and the formatters.
//
// The legacy protocol (OpenSSH scp.c, sink() / source() / response()) is line based. The source
// sends one header line per item and waits for a one-byte reply:
//   "C%04o %llu %s\n"  a file: mode, size, name; then `size` data bytes and one status byte
//   "D%04o %llu %s\n"  enter a directory (size ignored, 0 by convention)
//   "E\n"              leave the directory
//   "T%llu %u %llu %u\n"  times (mtime sec usec, atime sec usec) for the next C or D
//   "\1message\n"      a warning: the other side goes on; "\2message\n": fatal
// Replies are "\0" (ok), "\1message\n" (error, the session goes on) or "\2message\n" (fatal).
//
// This parser is stricter than OpenSSH's: mode exactly four octal digits (bits outside 0777
// dropped), sizes and times plain decimal within int64 (no sign, no spaces), exactly one space
// between fields, and a name that can never leave its directory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "transport/wire.h"

namespace wharf::scp {

// One record or reply line, '\n' included. OpenSSH reads at most 2 KiB per line; names are at
// most NAME_MAX (255) bytes here, so 8 KiB leaves room for any honest line.
inline constexpr size_t kMaxLine = 8192;
// Directories entered at once (D records without their E), in the sink and in the source.
inline constexpr size_t kMaxDepth = 64;
// Mode bits a record can set: permissions only, never set-id or sticky bits.
inline constexpr mode_t kModeMask = 0777;

enum class RecordType : char {
  kFile = 'C',
  kDir = 'D',
  kEnd = 'E',
  kTimes = 'T',
  kWarning = '\1',
  kFatal = '\2',
};

struct Record {
  RecordType type = RecordType::kEnd;
  mode_t mode = 0;      // C, D: permission bits, already masked with kModeMask
  uint64_t size = 0;    // C, D: at most INT64_MAX (off_t)
  std::string name;     // C, D: one valid path component (check_name)
  int64_t mtime = 0;    // T
  int64_t atime = 0;    // T
  std::string message;  // \1, \2
};

// Why a line was refused. `fatal` when the line's structure is broken (the stream cannot be
// trusted any more); otherwise the record was understood and refused (a bad name), so the
// session can go on after an error reply, as after a failed mkdir.
struct RecordError {
  bool fatal = true;
  std::string message;
};

// Parses one line, without its '\n'.
std::variant<Record, RecordError> parse_record(std::string_view line);

// Why `name` may not be used as a file or directory name, or std::nullopt if it may: empty,
// ".", "..", or containing '/', NUL or a newline.
std::optional<std::string> check_name(std::string_view name);

// Plain decimal: one or more digits, nothing else, value at most INT64_MAX.
std::optional<int64_t> parse_decimal(std::string_view s);

std::string format_file(mode_t mode, uint64_t size, std::string_view name);
std::string format_dir(mode_t mode, std::string_view name);
std::string format_times(int64_t mtime, int64_t atime);
inline constexpr std::string_view kEndRecord = "E\n";
// "\1scp: <message>\n" with control bytes in the message replaced by '?'.
std::string format_error(std::string_view message, bool fatal = false);
// `text` made safe for one line of an error message.
std::string printable(std::string_view text);

// Gathers one line across feeds, refusing lines longer than kMaxLine without buffering them.
class LineReader {
 public:
  enum class State { kNeedMore, kLine, kTooLong };
  // Consumes bytes of `in` up to and including a '\n'. On kLine, line() is the line without it.
  State feed(wire::ByteView& in);
  const std::string& line() const { return line_; }
  // Nothing of a line has been read (a clean place for the stream to end).
  bool empty() const { return line_.empty() || done_; }
  void reset() {
    line_.clear();
    done_ = false;
  }

 private:
  std::string line_;
  bool done_ = false;
};

// Reads one reply: "\0", or "\1"/"\2" and a message line.
class ReplyReader {
 public:
  enum class State { kNeedMore, kOk, kError, kFatal, kBad };
  State feed(wire::ByteView& in);
  const std::string& message() const { return lines_.line(); }
  bool idle() const { return kind_ == 0; }
  void reset() {
    kind_ = 0;
    lines_.reset();
  }

 private:
  uint8_t kind_ = 0;  // 0: nothing read yet; 1 or 2: reading the message
  LineReader lines_;
};

}  // namespace wharf::scp
