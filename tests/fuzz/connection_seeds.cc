// The seed corpus of connection_fuzz, made reproducibly (fixed cookie, fixed user key, fixed
// session id from the fuzz-only KEX): `WHARF_FUZZ_WRITE_SEEDS=DIR connection_fuzz` (tools/fuzz
// seeds) writes them to DIR. Each seed is run through the harness first and must reach what it
// is for (key exchange, login, SFTP replies with handles, SCP data, the keepalive cut);
// otherwise the writer aborts, so a change that breaks the seeds cannot go unnoticed.
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "sftp/protocol.h"
#include "tests/fuzz/connection_client.h"
#include "tests/fuzz/fuzz_util.h"

namespace wharf::fuzz::conn {
namespace {

namespace msg = transport::msg;

// A seed under construction. In raw mode every record is turned into the bytes the harness
// would have made of it (packets framed, the request signed for the fixed session id, handles
// left as "HND<n>"), all as kRaw records, so that the fuzzer also mutates the framing.
class Seed {
 public:
  explicit Seed(uint8_t flags, bool raw_mode = false) : raw_mode_(raw_mode) {
    input_.push_back(flags);
  }

  Seed& raw(std::string_view text) {
    add_record(input_, kRaw, wire::as_bytes(text));
    return *this;
  }
  Seed& packet(const wire::Writer& w) { return emit(kPacket, w.bytes()); }
  Seed& kex(bool zlib = false) {
    emit(kPacket, client_kexinit(zlib));
    wire::Writer init;
    init.u8(msg::kKexdhInit).string(wire::ByteView(wire::Bytes(32, 0x33)));
    packet(init);
    wire::Writer newkeys;
    return packet(newkeys.u8(msg::kNewKeys));
  }
  Seed& login() {
    wire::Writer service;
    packet(service.u8(msg::kServiceRequest).string(std::string_view("ssh-userauth")));
    wire::Writer none;
    none.u8(msg::kUserauthRequest).string(kUser).string(std::string_view("ssh-connection"));
    packet(none.string(std::string_view("none")));
    return emit(kSignedAuth, wire::as_bytes(kUser));
  }
  Seed& session(std::string_view request, std::string_view argument) {
    wire::Writer open;
    open.u8(msg::kChannelOpen).string(std::string_view("session"));
    packet(open.u32(0).u32(2 << 20).u32(32768));
    wire::Writer req;
    req.u8(msg::kChannelRequest).u32(0).string(request).boolean(true).string(argument);
    return packet(req);
  }
  Seed& sftp(const wire::Writer& body) { return emit(kSftp, body.bytes()); }
  Seed& data(std::string_view bytes) { return emit(kData, wire::as_bytes(bytes)); }
  Seed& tick(uint8_t seconds) {
    add_record(input_, kTick, wire::ByteView(&seconds, 1));
    return *this;
  }
  Seed& close_channel() {
    wire::Writer eof;
    packet(eof.u8(msg::kChannelEof).u32(0));
    wire::Writer close;
    return packet(close.u8(msg::kChannelClose).u32(0));
  }
  const wire::Bytes& bytes() const { return input_; }

 private:
  Seed& emit(Kind kind, wire::ByteView bytes) {
    if (!raw_mode_) {
      add_record(input_, kind, bytes);
      return *this;
    }
    wire::Bytes payload;
    switch (kind) {
      case kSignedAuth:
        payload = signed_userauth(user_key(), wire::as_text(bytes), kex::fuzz_exchange_hash());
        break;
      case kSftp: {
        wire::Writer framed;
        framed.u32(static_cast<uint32_t>(bytes.size())).raw(bytes);
        payload = channel_data(0, framed.bytes());
        break;
      }
      case kData:
        payload = channel_data(0, bytes);
        break;
      default:
        payload.assign(bytes.begin(), bytes.end());
    }
    add_record(input_, kRaw, frame_packet(payload));
    return *this;
  }

  bool raw_mode_;
  wire::Bytes input_;
};

constexpr std::string_view kIdent = "SSH-2.0-WharfFuzzClient_1.0\r\n";

// SFTP request bodies (type, id, fields); "HND<n>" is the n-th handle returned.
wire::Writer req(uint8_t type, uint32_t id) {
  wire::Writer w;
  w.u8(type).u32(id);
  return w;
}
std::string_view hnd(int n) {
  static const char* names[] = {"HND\0", "HND\1", "HND\2", "HND\3"};
  return {names[n], 4};
}

Seed sftp_session(uint8_t flags, bool raw_mode = false) {
  Seed s(flags, raw_mode);
  s.raw(kIdent).kex().login().session("subsystem", "sftp");
  wire::Writer init;
  s.sftp(init.u8(sftp::SSH_FXP_INIT).u32(3));
  s.sftp(req(sftp::SSH_FXP_REALPATH, 1).string(std::string_view(".")));
  const uint32_t wr = sftp::SSH_FXF_WRITE | sftp::SSH_FXF_CREAT | sftp::SSH_FXF_TRUNC;
  s.sftp(req(sftp::SSH_FXP_OPEN, 2).string(std::string_view("new.txt")).u32(wr).u32(0));
  s.sftp(req(sftp::SSH_FXP_WRITE, 3).string(hnd(0)).u64(0).string(std::string_view("fuzz\n")));
  s.sftp(req(sftp::SSH_FXP_CLOSE, 4).string(hnd(0)));
  s.sftp(req(sftp::SSH_FXP_OPEN, 5).string(std::string_view("new.txt")).u32(1).u32(0));
  s.sftp(req(sftp::SSH_FXP_READ, 6).string(hnd(1)).u64(0).u32(100));
  s.sftp(req(sftp::SSH_FXP_FSTAT, 7).string(hnd(1)));
  s.sftp(req(sftp::SSH_FXP_CLOSE, 8).string(hnd(1)));
  s.sftp(req(sftp::SSH_FXP_STAT, 9).string(std::string_view("a.txt")));
  s.sftp(req(sftp::SSH_FXP_LSTAT, 10).string(std::string_view("link")));
  s.sftp(req(sftp::SSH_FXP_OPENDIR, 11).string(std::string_view("/")));
  s.sftp(req(sftp::SSH_FXP_READDIR, 12).string(hnd(2)));
  s.sftp(req(sftp::SSH_FXP_READDIR, 13).string(hnd(2)));
  s.sftp(req(sftp::SSH_FXP_CLOSE, 14).string(hnd(2)));
  s.sftp(req(sftp::SSH_FXP_MKDIR, 15).string(std::string_view("sub")).u32(0));
  s.sftp(req(sftp::SSH_FXP_RENAME, 16)
             .string(std::string_view("new.txt"))
             .string(std::string_view("sub/moved.txt")));
  s.sftp(req(sftp::SSH_FXP_EXTENDED, 17)
             .string(std::string_view("statvfs@openssh.com"))
             .string(std::string_view("/")));
  s.sftp(req(sftp::SSH_FXP_REMOVE, 18).string(std::string_view("sub/moved.txt")));
  s.sftp(req(sftp::SSH_FXP_RMDIR, 19).string(std::string_view("sub")));
  return s.close_channel();
}

struct Named {
  std::string name;
  Seed seed;
  std::function<bool(const Progress&)> reached;
};

std::vector<Named> seeds() {
  std::vector<Named> out;
  auto logged_in = [](const Progress& p) { return p.authenticated && !p.ended; };
  out.push_back({"kex", Seed(0).raw(kIdent).kex(), [](const Progress& p) { return p.kex_done; }});
  out.push_back({"login", Seed(0).raw(kIdent).kex().login(), logged_in});
  out.push_back({"login_zlib", Seed(8).raw(kIdent).kex(true).login(), logged_in});
  for (uint8_t policy = 0; policy < 4; ++policy) {
    out.push_back(
        {"sftp_policy" + std::to_string(policy), sftp_session(policy), [policy](const Progress& p) {
           return p.authenticated && p.sftp_replies >= 20 && p.handles >= (policy ? 1 : 3);
         }});
  }
  // Raw records only: handles stay "HND<n>", so the handle requests fail; the rest succeeds.
  out.push_back({"sftp_raw", sftp_session(0, true), [](const Progress& p) {
                   return p.authenticated && p.sftp_replies >= 20 && p.handles >= 2;
                 }});
  out.push_back({"scp_upload",
                 Seed(0)
                     .raw(kIdent)
                     .kex()
                     .login()
                     .session("exec", "scp -t /")
                     .data("C0644 5 up.txt\n")
                     .data("hello")
                     .data(std::string_view("\0", 1))
                     .close_channel(),
                 [](const Progress& p) { return p.authenticated && p.data_bytes >= 3; }});
  out.push_back({"scp_download",
                 Seed(0)
                     .raw(kIdent)
                     .kex()
                     .login()
                     .session("exec", "scp -f a.txt")
                     .data(std::string_view("\0", 1))
                     .data(std::string_view("\0", 1))
                     .data(std::string_view("\0", 1))
                     .close_channel(),
                 [](const Progress& p) { return p.authenticated && p.data_bytes >= 12; }});
  out.push_back(
      {"rekey", Seed(0).raw(kIdent).kex().login().kex().session("subsystem", "sftp"), logged_in});
  out.push_back({"keepalive_cut",
                 Seed(4)
                     .raw(kIdent)
                     .kex()
                     .login()
                     .session("subsystem", "sftp")
                     .tick(20)
                     .tick(20)
                     .tick(20)
                     .tick(20),
                 [](const Progress& p) { return p.authenticated && p.ended; }});
  out.push_back({"grace_timeout", Seed(0).raw(kIdent).kex().tick(200),
                 [](const Progress& p) { return p.kex_done && p.ended; }});
  return out;
}

}  // namespace

void write_seeds(const std::string& dir) {
  for (const Named& n : seeds()) {
    const wire::Bytes& b = n.seed.bytes();
    if (!n.reached(run_connection(b.data(), b.size()))) {
      std::fprintf(stderr, "seed %s does not reach its goal\n", n.name.c_str());
      std::abort();
    }
    std::ofstream(dir + "/" + n.name, std::ios::binary)
        .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    std::printf("seed %s: %zu bytes\n", n.name.c_str(), b.size());
  }
}

}  // namespace wharf::fuzz::conn
