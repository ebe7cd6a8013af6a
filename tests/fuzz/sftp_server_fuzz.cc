// Fuzzes the SFTP v3 server core (sftp/server.h): request decoding and dispatch over a
// throwaway root in a temporary directory, reset before every input.
//
// Input: [flags][rest]. Flags bits 0-1 choose the policy (plain, read-only, drop box, atomic
// uploads); bit 2 sends SSH_FXP_INIT first.
// - Raw mode (bit 3 clear): the rest is the byte stream, fed in chunks of [1 + next byte].
// - Message mode (bit 3 set): the rest is messages [u16 length][type, id, fields...]; the harness
//   adds the uint32 length. Handles are random (sftp/handles.h), so a field that is the string
//   "HND" + n (length 4) is replaced by the n-th handle the server has returned.
// Replies must be well framed (uint32 length, at least type and id). Files are capped at 1 MiB
// (RLIMIT_FSIZE) so that copy and hash requests stay quick. WHARF_FUZZ_TRACE=1 prints each
// reply's id, type and status code (to check what a seed reaches).

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

// Takes the server's replies, checking their framing and remembering handles.
struct Replies {
  wire::Bytes pending;
  std::vector<std::string> handles;
  const bool trace = std::getenv("WHARF_FUZZ_TRACE") != nullptr;  // replies on stderr

  void drain(sftp::Server& s) {
    for (int i = 0; i < 1000 && s.output_size() > 0; ++i) {
      wire::ByteView out = s.output();
      pending.insert(pending.end(), out.begin(), out.end());
      s.consume(out.size());
      parse();
      s.pump();
    }
    check(s.output_size() == 0);
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
      if (trace) {
        const uint32_t code = type == sftp::SSH_FXP_STATUS ? msg.u32("status code") : 0;
        std::fprintf(stderr, "reply id %u type %u status %u\n", id, type, code);
      }
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& dir = fuzz::scratch_dir();
  fuzz::reset_root(dir);
  fuzz::Input in(data, size);
  const uint8_t flags = in.byte();
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
      auto body = in.chunk();
      server.feed(frame(substitute_handles(body, replies.handles)));
      replies.drain(server);
    }
  } else {
    const size_t chunk = 1 + in.byte();
    auto rest = in.rest();
    for (size_t off = 0; off < rest.size(); off += chunk) {
      server.feed(rest.subspan(off, std::min(chunk, rest.size() - off)));
      replies.drain(server);
    }
  }
  check(server.open_handles() <= sftp::kMaxHandles);
  return 0;
}
