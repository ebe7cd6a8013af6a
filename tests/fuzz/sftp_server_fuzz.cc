// Fuzzes the SFTP v3 server core (sftp/server.h): request decoding and dispatch over a
// throwaway root in a temporary directory, reset before every input.
//
// Input: [flags][rest]. Flags bits 0-1 choose the policy (plain, read-only, drop box, atomic
// uploads); bit 2 sends SSH_FXP_INIT first.
// - Raw mode (bit 3 clear): the rest is the byte stream, fed in chunks of [1 + next byte].
// - Message mode (bit 3 set): the rest is messages [u16 length][type, id, fields...]; the harness
//   adds the uint32 length. Handles are random (sftp/handles.h), so a field that is the string
//   "HND" + n (length 4) is replaced by the n-th handle the server has returned.
// - Split check (bits 3 and 4 set): the byte after the flags chooses a piece size, and the same
//   messages are run twice, each fed whole, then each fed in pieces of that size as SSH channel
//   packets split them (which sends large WRITEs through sftp/write_stream.cc). Both runs must
//   give the same replies (id, type, status code, and the data READ returns).
// - Drain step (bits 5-7): 0 takes all output after each message or chunk, as before. Otherwise
//   only one piece of that many bytes is taken after each one (and the rest at the end), with a
//   pump() after it as the connection layer does: replies then pile up, requests are held while
//   the output is backed up, and the output queue wraps around (transport/output_queue.h).
// Replies must be well framed (uint32 length, at least type and id). Files are capped at 1 MiB
// (RLIMIT_FSIZE) so that copy and hash requests stay quick. WHARF_FUZZ_TRACE=1 prints each
// reply's id, type and status code (to check what a seed reaches).

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fs/root.h"
#include "sftp/handles.h"
#include "sftp/protocol.h"
#include "sftp/server.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/scratch_root.h"
#include "transport/wire.h"

namespace {

using namespace wharf;
using fuzz::check;

// Every reply's id, type and status code (for DATA, a hash of the data; 0 for other types, whose
// bodies may hold times), in order.
using Seen = std::vector<std::array<uint32_t, 3>>;

uint32_t fnv1a(wire::ByteView data) {
  uint32_t h = 2166136261u;
  for (uint8_t b : data) h = (h ^ b) * 16777619u;
  return h;
}

// Takes the server's replies, checking their framing and remembering handles.
struct Replies {
  wire::Bytes pending;
  std::vector<std::string> handles;
  Seen seen;
  const bool trace = std::getenv("WHARF_FUZZ_TRACE") != nullptr;  // replies on stderr

  // Takes up to `step` bytes (0: all of the first piece), then lets held requests run.
  void take(sftp::Server& s, size_t step) {
    wire::ByteView out = s.output();
    if (step > 0 && out.size() > step) out = out.first(step);
    pending.insert(pending.end(), out.begin(), out.end());
    s.consume(out.size());
    parse();
    s.pump();
  }

  void drain(sftp::Server& s) {
    for (int i = 0; i < 2000 && s.output_size() > 0; ++i) take(s, 0);
    check(s.output_size() == 0);
  }

  // After each message or chunk: everything, or one piece of `step` bytes.
  void after_input(sftp::Server& s, size_t step) {
    if (step == 0) return drain(s);
    if (s.output_size() > 0) take(s, step);
  }

  void parse() {
    size_t off = 0;
    while (pending.size() - off >= 4) {
      wire::Reader r(wire::ByteView(pending).subspan(off));
      const uint32_t len = r.u32("length");
      check(len >= 5 && len <= sftp::kMaxMessage + 1024);
      if (r.remaining() < len) break;
      wire::Reader msg = r.sub(len, "reply");
      const uint8_t type = msg.u8("type");
      const uint32_t id = msg.u32("id");
      const uint32_t code = type == sftp::SSH_FXP_STATUS ? msg.u32("status code")
                            : type == sftp::SSH_FXP_DATA ? fnv1a(msg.string("data", len))
                                                         : 0;
      seen.push_back({id, type, code});
      if (trace) std::fprintf(stderr, "reply id %u type %u status %u\n", id, type, code);
      if (type == sftp::SSH_FXP_HANDLE) {
        auto h = msg.string("handle", 256);
        handles.emplace_back(wire::as_text(h));
      }
      off += 4 + len;
    }
    pending.erase(pending.begin(), pending.begin() + static_cast<long>(off));
  }
};

// Replaces each string "HND<n>" in a request with a handle the server returned.
wire::Bytes substitute_handles(wire::ByteView msg, const std::vector<std::string>& handles) {
  wire::Bytes out;
  wire::Writer w(out);
  size_t i = 0;
  while (i < msg.size()) {
    if (!handles.empty() && msg.size() - i >= 8 && std::memcmp(&msg[i], "\0\0\0\4HND", 7) == 0) {
      w.string(std::string_view(handles[msg[i + 7] % handles.size()]));
      i += 8;
      continue;
    }
    w.u8(msg[i++]);
  }
  return out;
}

wire::Bytes frame(wire::ByteView body) {
  wire::Writer w;
  w.u32(static_cast<uint32_t>(body.size())).raw(body);
  return w.take();
}

// Runs the stream after the flags against a fresh server over a fresh root. In message mode,
// `piece` > 0 feeds each framed message in pieces of that many bytes.
Seen run(uint8_t flags, fuzz::Input in, size_t piece) {
  // Channel-packet-like and odd sizes, up to one large READ reply.
  static constexpr size_t kDrainSteps[8] = {0, 509, 4099, 32768, 65543, 100003, 131072, 261133};
  const size_t step = kDrainSteps[flags >> 5];
  const std::string& dir = fuzz::scratch_dir();
  fuzz::reset_root(dir);
  auto root = fs::Root::open(dir, fuzz::policy_for(flags));
  check(root.ok());
  sftp::Server server(**root);
  Replies replies;
  if (flags & 4) {
    wire::Writer init;
    init.u8(sftp::SSH_FXP_INIT).u32(sftp::kVersion);
    server.feed(frame(init.bytes()));
    replies.drain(server);
  }
  if (flags & 8) {
    while (!in.empty()) {
      wire::Bytes msg = frame(substitute_handles(in.chunk(), replies.handles));
      const size_t each = piece > 0 ? piece : msg.size();
      for (size_t off = 0; off < msg.size(); off += each) {
        server.feed(wire::ByteView(msg).subspan(off, std::min(each, msg.size() - off)));
      }
      replies.after_input(server, step);
    }
  } else {
    const size_t chunk = 1 + in.byte();
    auto rest = in.rest();
    for (size_t off = 0; off < rest.size(); off += chunk) {
      server.feed(rest.subspan(off, std::min(chunk, rest.size() - off)));
      replies.after_input(server, step);
    }
  }
  replies.drain(server);
  check(server.open_handles() <= sftp::kMaxHandles);
  return replies.seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  const uint8_t flags = in.byte();
  if ((flags & 0x18) == 0x18) {
    const size_t piece = 1 + size_t{in.byte()} * 64;
    check(run(flags, in, 0) == run(flags, in, piece));
  } else {
    run(flags, in, 0);
  }
  return 0;
}
