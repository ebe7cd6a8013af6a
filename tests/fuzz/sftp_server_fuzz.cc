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
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

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
#include "transport/wire.h"

namespace {

using namespace wharf;
using fuzz::check;

int remove_entry(const char* path, const struct stat*, int, struct FTW* ftw);
void remove_scratch();

const std::string& scratch_dir() {
  static const std::string* dir = [] {
    char templ[] = "/tmp/wharf-sftp-fuzz-XXXXXX";
    check(::mkdtemp(templ) != nullptr);
    struct rlimit lim {
      1 << 20, 1 << 20
    };
    ::setrlimit(RLIMIT_FSIZE, &lim);
    ::signal(SIGXFSZ, SIG_IGN);  // writes past the cap fail with EFBIG instead
    std::atexit(remove_scratch);
    return new std::string(templ);
  }();
  return *dir;
}

int remove_entry(const char* path, const struct stat*, int, struct FTW* ftw) {
  if (ftw->level > 0) ::remove(path);
  return 0;
}

void remove_scratch() {
  const std::string& dir = scratch_dir();
  ::chmod(dir.c_str(), 0755);
  ::nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  ::rmdir(dir.c_str());
}

// Empties the root and puts back a small tree: a file, a directory with a file, a symlink.
void reset_root(const std::string& dir) {
  ::chmod(dir.c_str(), 0755);
  ::nftw(dir.c_str(), remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  auto write = [&](const std::string& name, std::string_view text) {
    int fd = ::open((dir + "/" + name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return;
    (void)!::write(fd, text.data(), text.size());
    ::close(fd);
  };
  write("a.txt", "hello, fuzz\n");
  ::mkdir((dir + "/d").c_str(), 0755);
  write("d/b.bin", std::string(300, 'b'));
  (void)!::symlink("a.txt", (dir + "/link").c_str());
}

fs::Policy policy_for(uint8_t flags) {
  fs::Policy p;
  switch (flags & 3) {
    case 1:
      p.read_only = true;
      break;
    case 2:
      p.drop_box = true;
      break;
    case 3:
      p.atomic_uploads = true;
      break;
    default:
      break;
  }
  return p;
}

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
  const std::string& dir = scratch_dir();
  reset_root(dir);
  fuzz::Input in(data, size);
  const uint8_t flags = in.byte();
  auto root = fs::Root::open(dir, policy_for(flags));
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
