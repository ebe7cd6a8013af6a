// Fuzzes SCP sessions (scp/session.h): the sink (scp -t, an upload) and the source (scp -f, a
// download) over a throwaway root, reset before every input (tests/fuzz/scratch_root.h).
//
// Input: [flags][u16 length][command line][chunk size][stream...]. Flags bits 0-1 choose the
// policy. The command line is parsed with parse_command; when it is not a valid SCP server
// command, flags bit 2 picks a fixed one (bit 3: `scp -r -p -d -t /d` else `scp -r -p -f a.txt
// d`). The stream is fed in chunks of [1 + chunk size] bytes, output drained after each, then
// EOF. A finished session must stop producing output, and the exit status is 0 or 1.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fs/root.h"
#include "scp/command.h"
#include "scp/session.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/scratch_root.h"
#include "transport/wire.h"

namespace {

using namespace wharf;
using fuzz::check;

scp::Command command_for(uint8_t flags, std::string_view line) {
  scp::CommandParse p = scp::parse_command(line);
  if (p.command) return *p.command;
  p = scp::parse_command((flags & 8) ? "scp -r -p -d -t /d" : "scp -r -p -f a.txt d");
  check(p.command.has_value());
  return *p.command;
}

void drain(scp::Session& s) {
  for (int i = 0; i < 10000 && s.output_size() > 0; ++i) s.consume(s.output_size());
  check(s.output_size() == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& dir = fuzz::scratch_dir();
  fuzz::reset_root(dir);
  fuzz::Input in(data, size);
  const uint8_t flags = in.byte();
  auto line = in.chunk();
  const scp::Command cmd = command_for(flags, wire::as_text(line));
  auto root = fs::Root::open(dir, fuzz::policy_for(flags));
  check(root.ok());
  {
    std::unique_ptr<scp::Session> s = scp::make_session(**root, cmd);
    check(s != nullptr);
    const size_t chunk = 1 + in.byte();
    drain(*s);
    auto rest = in.rest();
    for (size_t off = 0; off < rest.size() && !s->finished(); off += chunk) {
      s->feed(rest.subspan(off, std::min(chunk, rest.size() - off)));
      drain(*s);
    }
    if (!s->finished()) s->feed_eof();
    drain(*s);
    if (s->finished()) {
      s->feed(wire::as_bytes("\0C0644 1 x\nx\0"));  // ignored after the end
      check(s->output_size() == 0);
      check(s->exit_status() == 0 || s->exit_status() == 1);
    }
  }  // destroying a session mid-file removes the partial upload
  return 0;
}
