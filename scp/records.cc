#include "scp/records.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <limits>

namespace wharf::scp {
namespace {

// Splits `s` at the first single space: the field before it, the rest after it.
bool take_field(std::string_view& s, std::string_view* field) {
  size_t sp = s.find(' ');
  if (sp == std::string_view::npos) return false;
  *field = s.substr(0, sp);
  s.remove_prefix(sp + 1);
  return true;
}

RecordError fatal(std::string message) { return RecordError{true, std::move(message)}; }

// "C0644 12 name" / "D0755 0 name" (scp.c sink(): mode, size, name).
std::variant<Record, RecordError> parse_entry(RecordType type, std::string_view rest) {
  Record rec;
  rec.type = type;
  std::string_view mode, size;
  if (!take_field(rest, &mode) || mode.size() != 4) return fatal("bad mode");
  for (char c : mode) {
    if (c < '0' || c > '7') return fatal("bad mode");
    rec.mode = (rec.mode << 3) | static_cast<mode_t>(c - '0');
  }
  rec.mode &= kModeMask;
  if (!take_field(rest, &size)) return fatal("size not delimited");
  auto n = parse_decimal(size);
  if (!n) return fatal("bad size");
  rec.size = static_cast<uint64_t>(*n);
  if (auto why = check_name(rest)) return RecordError{false, *why + ": " + printable(rest)};
  rec.name = std::string(rest);
  return rec;
}

// "T<mtime> <usec> <atime> <usec>"; microseconds 0..999999 (scp.c sink()).
std::variant<Record, RecordError> parse_times(std::string_view rest) {
  Record rec;
  rec.type = RecordType::kTimes;
  std::string_view f[4];
  for (int i = 0; i < 3; ++i) {
    if (!take_field(rest, &f[i])) return fatal("bad times");
  }
  f[3] = rest;
  std::optional<int64_t> v[4];
  for (int i = 0; i < 4; ++i) {
    v[i] = parse_decimal(f[i]);
    if (!v[i]) return fatal("bad times");
  }
  if (*v[1] > 999999 || *v[3] > 999999) return fatal("bad times");
  rec.mtime = *v[0];
  rec.atime = *v[2];
  return rec;
}

}  // namespace

std::optional<int64_t> parse_decimal(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (kMax - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return static_cast<int64_t>(v);
}

std::optional<std::string> check_name(std::string_view name) {
  if (name.empty()) return "empty name";
  if (name == "." || name == "..") return "unexpected filename";
  if (name.find_first_of(std::string_view("/\0\n", 3)) != std::string_view::npos) {
    return "unexpected filename";
  }
  return std::nullopt;
}

std::variant<Record, RecordError> parse_record(std::string_view line) {
  if (line.empty()) return fatal("empty record");
  std::string_view rest = line.substr(1);
  switch (line[0]) {
    case 'C':
      return parse_entry(RecordType::kFile, rest);
    case 'D':
      return parse_entry(RecordType::kDir, rest);
    case 'E':
      if (!rest.empty()) return fatal("bad E record");
      return Record{};
    case 'T':
      return parse_times(rest);
    case '\1':
    case '\2': {
      Record rec;
      rec.type = line[0] == '\1' ? RecordType::kWarning : RecordType::kFatal;
      rec.message = std::string(rest);
      return rec;
    }
    default:
      return fatal("expected control record");
  }
}

namespace {

// A record ends at the first newline, so a name holding one would let the rest of it be read
// as records of its own. Such a name goes out encoded as OpenSSH's scp sends it (strnvis with
// VIS_NL): a newline as \^J and, so that the encoding reads back unambiguously, \ as \\.
std::string record_name(std::string_view name) {
  if (name.find('\n') == std::string_view::npos) return std::string(name);
  std::string out;
  for (char c : name) {
    if (c == '\n') {
      out += "\\^J";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string format_file(mode_t mode, uint64_t size, std::string_view name) {
  char head[48];
  std::snprintf(head, sizeof head, "C%04o %" PRIu64 " ", static_cast<unsigned>(mode & kModeMask),
                size);
  return std::string(head) + record_name(name) + "\n";
}

std::string format_dir(mode_t mode, std::string_view name) {
  char head[16];
  std::snprintf(head, sizeof head, "D%04o 0 ", static_cast<unsigned>(mode & kModeMask));
  return std::string(head) + record_name(name) + "\n";
}

std::string format_times(int64_t mtime, int64_t atime) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "T%" PRId64 " 0 %" PRId64 " 0\n", mtime, atime);
  return buf;
}

std::string printable(std::string_view text) {
  std::string out(text.substr(0, 1024));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string format_error(std::string_view message, bool fatal) {
  return std::string(1, fatal ? '\2' : '\1') + "scp: " + printable(message) + "\n";
}

LineReader::State LineReader::feed(wire::ByteView& in) {
  if (done_) reset();
  if (in.empty()) return State::kNeedMore;
  const void* nl = std::memchr(in.data(), '\n', in.size());
  size_t take = nl ? static_cast<size_t>(static_cast<const uint8_t*>(nl) - in.data()) : in.size();
  if (line_.size() + take > kMaxLine - 1) {
    in = in.subspan(in.size());
    return State::kTooLong;
  }
  line_.append(reinterpret_cast<const char*>(in.data()), take);
  if (!nl) {
    in = in.subspan(in.size());
    return State::kNeedMore;
  }
  in = in.subspan(take + 1);
  done_ = true;
  return State::kLine;
}

ReplyReader::State ReplyReader::feed(wire::ByteView& in) {
  if (in.empty()) return State::kNeedMore;
  if (kind_ == 0) {
    uint8_t b = in[0];
    if (b > 2) return State::kBad;
    in = in.subspan(1);
    if (b == 0) {
      lines_.reset();
      return State::kOk;
    }
    kind_ = b;
    lines_.reset();
  }
  switch (lines_.feed(in)) {
    case LineReader::State::kNeedMore:
      return State::kNeedMore;
    case LineReader::State::kTooLong:
      return State::kBad;
    case LineReader::State::kLine:
      break;
  }
  State s = kind_ == 1 ? State::kError : State::kFatal;
  kind_ = 0;
  return s;
}

}  // namespace wharf::scp
