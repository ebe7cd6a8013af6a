// Fuzzes the legacy SCP record parser and exec command line (scp/records.h, scp/command.h).
//
// Input: [selector byte][rest]. Selector bit 0 clear: the rest is an SCP stream read with
// LineReader (and ReplyReader) in chunks; each line is parsed as a record, and a C, D or T record
// must format back to a line that parses to the same record. Bit 0 set: the rest is an exec
// command line; split_words and parse_command must agree and respect their limits.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "scp/command.h"
#include "scp/records.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using namespace wharf;
using fuzz::check;

void check_record(std::string_view line) {
  auto parsed = scp::parse_record(line);
  if (auto* e = std::get_if<scp::RecordError>(&parsed)) {
    check(!e->message.empty());
    return;
  }
  const scp::Record& r = std::get<scp::Record>(parsed);
  std::string again;
  switch (r.type) {
    case scp::RecordType::kFile:
      check(!scp::check_name(r.name) && (r.mode & ~scp::kModeMask) == 0);
      again = scp::format_file(r.mode, r.size, r.name);
      break;
    case scp::RecordType::kDir:
      check(!scp::check_name(r.name) && (r.mode & ~scp::kModeMask) == 0);
      again = scp::format_dir(r.mode, r.name);
      break;
    case scp::RecordType::kTimes:
      again = scp::format_times(r.mtime, r.atime);
      break;
    default:
      return;
  }
  check(!again.empty() && again.back() == '\n');
  auto reparsed = scp::parse_record(std::string_view(again).substr(0, again.size() - 1));
  const auto* r2 = std::get_if<scp::Record>(&reparsed);
  check(r2 != nullptr);
  check(r2->type == r.type && r2->mode == r.mode && r2->name == r.name && r2->mtime == r.mtime &&
        r2->atime == r.atime);
  if (r.type == scp::RecordType::kFile) check(r2->size == r.size);
}

void fuzz_stream(fuzz::Input& in) {
  const size_t chunk = 1 + in.byte();
  wire::ByteView all = in.rest();
  scp::LineReader lines;
  scp::ReplyReader replies;
  bool replies_bad = false;  // kBad ends a session: the reader is not fed again
  for (size_t off = 0; off < all.size(); off += chunk) {
    wire::ByteView piece = all.subspan(off, std::min(chunk, all.size() - off));
    wire::ByteView for_replies = piece;
    while (!replies_bad && !for_replies.empty()) {
      const size_t before = for_replies.size();
      auto s = replies.feed(for_replies);
      if (s == scp::ReplyReader::State::kNeedMore) break;
      if (s == scp::ReplyReader::State::kBad) {
        replies_bad = true;
        break;
      }
      check(for_replies.size() < before);  // a reply consumed at least its status byte
      check(replies.message().size() <= scp::kMaxLine);
      replies.reset();
    }
    while (!piece.empty()) {
      auto s = lines.feed(piece);
      if (s == scp::LineReader::State::kNeedMore) break;
      if (s == scp::LineReader::State::kLine) {
        check(lines.line().size() <= scp::kMaxLine);
        check_record(lines.line());
        check(scp::printable(lines.line()).find('\n') == std::string::npos);
      }
      lines.reset();
    }
  }
}

void fuzz_command(std::string_view line) {
  std::string error;
  std::vector<bool> tilde;
  auto words = scp::split_words(line, &error, &tilde);
  if (words) {
    check(tilde.size() == words->size());
  } else {
    check(!error.empty());
  }
  scp::CommandParse p = scp::parse_command(line);
  if (!p.command) {
    check(!p.reason.empty());
    return;
  }
  check(p.is_scp && words.has_value());
  check(!p.command->paths.empty());
  if (p.command->mode == scp::Mode::kSink) check(p.command->paths.size() == 1);
  for (const auto& path : p.command->paths) check(path.size() <= scp::kMaxPathArg);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t selector = in.byte();
  if (selector & 1) {
    auto rest = in.rest();
    fuzz_command(std::string_view(reinterpret_cast<const char*>(rest.data()), rest.size()));
  } else {
    fuzz_stream(in);
  }
  return 0;
}
