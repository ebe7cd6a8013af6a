// The SFTP core driven in memory: codec known answers, framing across arbitrary chunk sizes,
// malformed input answered while the session goes on, handle forgery, limits, every extension.
#include "sftp/server.h"

#include <botan/hash.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "sftp/attrs.h"
#include "sftp/names.h"
#include "sftp/status.h"

namespace wharf::sftp {
namespace {

namespace stdfs = std::filesystem;
using wire::Bytes;
using wire::Reader;
using wire::Writer;

struct Reply {
  uint8_t type = 0;
  uint32_t id = 0;
  Bytes body;  // after type and id
  uint32_t status() const {
    Reader r(body);
    return r.u32("code");
  }
};

class Session : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = stdfs::path(tmp ? tmp : "/tmp") /
           ("sftp_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
    Open(fs::Policy{});
  }
  void TearDown() override { stdfs::remove_all(dir_); }
  void Open(fs::Policy policy, ServerOptions options = {}) {
    server_.reset();
    auto r = fs::Root::open(dir_.string(), std::move(policy));
    ASSERT_TRUE(r.ok());
    root_ = std::move(*r);
    server_ = std::make_unique<Server>(*root_, options);
  }

  static Bytes Frame(const Bytes& body) {
    Writer w;
    w.u32(static_cast<uint32_t>(body.size())).raw(wire::ByteView(body));
    return w.take();
  }
  void Send(const Bytes& body) {
    auto f = Frame(body);
    server_->feed(f);
  }
  // Feeds `data` in pieces of chunk() bytes each (the last may be shorter), as a transport would.
  void FeedInPieces(wire::ByteView data, const std::function<size_t()>& chunk) {
    for (size_t pos = 0; pos < data.size();) {
      size_t n = std::min(chunk(), data.size() - pos);
      server_->feed(data.subspan(pos, n));
      pos += n;
    }
  }
  std::string Contents(const std::string& name) {
    std::stringstream s;
    s << std::ifstream(dir_ / name).rdbuf();
    return s.str();
  }
  // Parses every complete reply in the server's output.
  // Drains as a transport would: take the output, then let held-back requests run.
  std::vector<Reply> Replies() {
    std::vector<Reply> out;
    while (server_->output_size() > 0) {
      auto data = server_->output();
      Reader r(data);
      while (!r.empty()) {
        Reader m = r.sub_string("reply", kMaxMessage);
        Reply rep;
        rep.type = m.u8("type");
        rep.id = m.u32("id");
        auto rest = m.rest();
        rep.body.assign(rest.begin(), rest.end());
        out.push_back(std::move(rep));
      }
      server_->consume(data.size());
      server_->pump();
    }
    return out;
  }
  Reply One() {
    auto r = Replies();
    EXPECT_EQ(r.size(), 1u);
    return r.empty() ? Reply{} : r[0];
  }
  void Init() {
    Send(Writer().u8(SSH_FXP_INIT).u32(3).take());
    auto rep = One();
    ASSERT_EQ(rep.type, SSH_FXP_VERSION);
    ASSERT_EQ(rep.id, 3u);  // the version sits where an id would
  }
  Writer Req(uint8_t type, uint32_t id) {
    Writer w;
    w.u8(type).u32(id);
    return w;
  }
  Writer Ext(const char* name, uint32_t id) {
    Writer w = Req(SSH_FXP_EXTENDED, id);
    w.string(std::string_view(name));
    return w;
  }
  std::string OpenHandle(const std::string& path, uint32_t pflags) {
    Send(Req(SSH_FXP_OPEN, 7).string(path).u32(pflags).u32(0).take());
    auto rep = One();
    EXPECT_EQ(rep.type, SSH_FXP_HANDLE) << rep.status();
    Reader r(rep.body);
    return std::string(wire::as_text(r.string("handle")));
  }

  stdfs::path dir_;
  std::unique_ptr<fs::Root> root_;
  std::unique_ptr<Server> server_;
};

TEST(Codec, AttrsKnownAnswer) {
  FileAttrs a;
  a.flags = SSH_FILEXFER_ATTR_SIZE | SSH_FILEXFER_ATTR_PERMISSIONS | SSH_FILEXFER_ATTR_ACMODTIME;
  a.size = 0x0102030405060708;
  a.permissions = 0100644;
  a.atime = 1;
  a.mtime = 2;
  Writer w;
  a.encode(w);
  const Bytes expect = {0, 0, 0,    0x0d, 1, 2, 3, 4, 5, 6, 7, 8,
                        0, 0, 0x81, 0xa4, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_EQ(w.bytes(), expect);
  Reader r(expect);
  FileAttrs b = FileAttrs::decode(r);
  EXPECT_TRUE(r.empty());
  EXPECT_EQ(b.size, a.size);
  EXPECT_EQ(b.permissions, a.permissions);
  EXPECT_EQ(*b.to_fs().mode, 0644u);
  EXPECT_EQ(*b.to_fs().mtime, 2);
  EXPECT_FALSE(b.to_fs().uid.has_value());
}

TEST(Codec, AttrsExtendedPairsSkippedAndBounded) {
  Writer w;
  w.u32(SSH_FILEXFER_ATTR_EXTENDED)
      .u32(1)
      .string(std::string_view("a"))
      .string(std::string_view("b"));
  Reader r(w.bytes());
  FileAttrs::decode(r);
  EXPECT_TRUE(r.empty());
  Writer bad;
  bad.u32(SSH_FILEXFER_ATTR_EXTENDED).u32(0xffffffff);
  Reader r2(bad.bytes());
  EXPECT_THROW(FileAttrs::decode(r2), wire::DecodeError);
}

TEST(Codec, ModeStringAndLongName) {
  EXPECT_EQ(mode_string(S_IFDIR | 0755), "drwxr-xr-x ");
  EXPECT_EQ(mode_string(S_IFREG | 04755), "-rwsr-xr-x ");
  EXPECT_EQ(mode_string(S_IFREG | 02644), "-rw-r-Sr-- ");
  EXPECT_EQ(mode_string(S_IFDIR | 01777), "drwxrwxrwt ");
  EXPECT_EQ(mode_string(S_IFLNK | 0777), "lrwxrwxrwx ");
  struct stat st = {};
  st.st_mode = S_IFREG | 0644;
  st.st_nlink = 1;
  st.st_uid = 4000000;  // no such user: shown as a number
  st.st_gid = 4000000;
  st.st_size = 1234;
  st.st_mtime = 0;
  NameCache names;
  std::string ln = long_name("file", st, names, 100 * 365 * 86400L);
  EXPECT_EQ(ln.substr(0, 43), "-rw-r--r--    1 4000000  4000000      1234 ");
  EXPECT_EQ(ln.substr(ln.size() - 4), "file");
  EXPECT_NE(ln.find("1970"), std::string::npos);  // old: the year, not the time
}

TEST(Codec, ErrnoMapping) {
  EXPECT_EQ(status_from_errno(0), SSH_FX_OK);
  EXPECT_EQ(status_from_errno(ENOENT), SSH_FX_NO_SUCH_FILE);
  EXPECT_EQ(status_from_errno(ELOOP), SSH_FX_NO_SUCH_FILE);
  EXPECT_EQ(status_from_errno(EACCES), SSH_FX_PERMISSION_DENIED);
  EXPECT_EQ(status_from_errno(EPERM), SSH_FX_PERMISSION_DENIED);
  EXPECT_EQ(status_from_errno(EINVAL), SSH_FX_BAD_MESSAGE);
  EXPECT_EQ(status_from_errno(ENOSYS), SSH_FX_OP_UNSUPPORTED);
  EXPECT_EQ(status_from_errno(EEXIST), SSH_FX_FAILURE);
  EXPECT_STREQ(status_message(SSH_FX_NO_SUCH_FILE), "No such file");
}

TEST_F(Session, VersionAdvertisesEveryExtension) {
  Send(Writer().u8(SSH_FXP_INIT).u32(3).take());
  auto rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_VERSION);
  Reader r(rep.body);
  std::set<std::string> names;
  while (!r.empty()) {
    names.insert(std::string(wire::as_text(r.string("name"))));
    r.string("data");
  }
  for (const char* n :
       {"posix-rename@openssh.com", "statvfs@openssh.com", "fstatvfs@openssh.com",
        "hardlink@openssh.com", "fsync@openssh.com", "lsetstat@openssh.com", "limits@openssh.com",
        "expand-path@openssh.com", "copy-data", "home-directory", "users-groups-by-id@openssh.com",
        "check-file-handle", "check-file-name", "copy-file", "space-available"}) {
    EXPECT_TRUE(names.count(n)) << n;
  }
}

TEST_F(Session, RequestsBeforeInitRefused) {
  Send(Req(SSH_FXP_OPENDIR, 9).string(std::string_view("/")).take());
  auto rep = One();
  EXPECT_EQ(rep.type, SSH_FXP_STATUS);
  EXPECT_EQ(rep.id, 9u);
  EXPECT_EQ(rep.status(), SSH_FX_FAILURE);
  EXPECT_EQ(server_->open_handles(), 0u);
  Init();
  Send(Writer().u8(SSH_FXP_INIT).u32(3).take());  // a second INIT
  EXPECT_EQ(One().status(), SSH_FX_BAD_MESSAGE);
}

TEST_F(Session, MalformedRequestsAnsweredAndSessionGoesOn) {
  Init();
  const std::vector<Bytes> bad = {
      Req(SSH_FXP_OPEN, 1).take(),                                         // no path
      Req(SSH_FXP_OPEN, 2).string(std::string_view("x")).u32(1).take(),    // no attrs
      Req(SSH_FXP_STAT, 3).u32(100).take(),                                // short
      Req(SSH_FXP_READ, 4).string(std::string_view("h")).u64(0).take(),    // short
      Req(SSH_FXP_MKDIR, 5).string(std::string("a\0b", 3)).u32(0).take(),  // NUL
      Req(SSH_FXP_SETSTAT, 6).string(std::string_view("a")).u32(0x80000000).u32(5).take(),
      Ext("posix-rename@openssh.com", 7).string(std::string_view("a")).take(),
  };
  for (const auto& b : bad) Send(b);
  auto reps = Replies();
  ASSERT_EQ(reps.size(), bad.size());
  for (size_t i = 0; i < reps.size(); ++i) {
    EXPECT_EQ(reps[i].type, SSH_FXP_STATUS);
    EXPECT_EQ(reps[i].id, i + 1);
    EXPECT_EQ(reps[i].status(), SSH_FX_BAD_MESSAGE) << i;
  }
  EXPECT_FALSE(stdfs::exists(dir_ / "a"));
  Send(Req(99, 10).take());  // unknown type
  EXPECT_EQ(One().status(), SSH_FX_OP_UNSUPPORTED);
  Send(Ext("nonsense@example.com", 11).take());
  EXPECT_EQ(One().status(), SSH_FX_OP_UNSUPPORTED);
  Send(Bytes{});  // an empty message
  EXPECT_EQ(One().status(), SSH_FX_BAD_MESSAGE);
  Send(Req(SSH_FXP_MKDIR, 12).string(std::string_view("ok")).u32(0).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  EXPECT_TRUE(stdfs::is_directory(dir_ / "ok"));
}

TEST_F(Session, OversizedMessageSkippedThenSessionGoesOn) {
  Init();
  Writer w;
  w.u32(kMaxMessage + 1).u8(SSH_FXP_WRITE).u32(77);
  Bytes junk(kMaxMessage + 1 - 5, 0xaa);
  server_->feed(w.bytes());
  for (size_t i = 0; i < junk.size(); i += 1000) {
    server_->feed(wire::ByteView(junk).subspan(i, std::min<size_t>(1000, junk.size() - i)));
  }
  auto rep = One();
  EXPECT_EQ(rep.id, 77u);
  EXPECT_EQ(rep.status(), SSH_FX_BAD_MESSAGE);
  Send(Req(SSH_FXP_MKDIR, 78).string(std::string_view("after")).u32(0).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
}

TEST_F(Session, RandomChunkingGivesSameReplies) {
  Init();
  std::ofstream(dir_ / "f") << std::string(100000, 'z');
  std::string h = OpenHandle("f", SSH_FXF_READ);
  Bytes stream;
  for (uint32_t i = 0; i < 50; ++i) {
    auto f = Frame(Req(SSH_FXP_READ, 100 + i).string(h).u64(i * 2000).u32(3000).take());
    stream.insert(stream.end(), f.begin(), f.end());
  }
  std::mt19937 rng(42);
  FeedInPieces(stream, [&rng] { return 1 + rng() % 97; });
  auto reps = Replies();
  ASSERT_EQ(reps.size(), 50u);
  for (uint32_t i = 0; i < 50; ++i) {
    EXPECT_EQ(reps[i].id, 100 + i);  // in order
    EXPECT_EQ(reps[i].type, SSH_FXP_DATA);
    Reader r(reps[i].body);
    EXPECT_EQ(r.string("data").size(), i * 2000 + 3000 <= 100000 ? 3000u : 100000 - i * 2000);
  }
}

// What an upload left: every reply, in order, and the two files' contents.
struct Upload {
  std::vector<Reply> replies;
  std::string plain, appended;
};

// Data that differs at every offset, so a piece written at the wrong place shows.
std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7919) >> 3);
  return s;
}

class Streaming : public Session {
 protected:
  // Sends one upload's WRITEs (good, refused and malformed) as one stream in pieces of
  // chunk() bytes, into files named after `tag`.
  Upload Run(const std::string& tag, const std::function<size_t()>& chunk) {
    std::string plain = OpenHandle(tag + "p", SSH_FXF_WRITE | SSH_FXF_CREAT);
    std::string app = OpenHandle(tag + "a", SSH_FXF_WRITE | SSH_FXF_CREAT | SSH_FXF_APPEND);
    std::ofstream(dir_ / (tag + "r")) << "r";
    std::string ro = OpenHandle(tag + "r", SSH_FXF_READ);
    std::string d = Pattern(300000);
    auto part = [&d](size_t at, size_t n) { return std::string_view(d).substr(at, n); };
    Bytes stream;
    auto add = [&stream](const Bytes& body) {
      Bytes f = Frame(body);
      stream.insert(stream.end(), f.begin(), f.end());
    };
    add(Req(SSH_FXP_WRITE, 1).string(plain).u64(0).string(part(0, 261000)).take());
    add(Req(SSH_FXP_WRITE, 2).string(plain).u64(400000).string(part(0, 5000)).take());
    add(Req(SSH_FXP_WRITE, 3).string(app).u64(0).string(part(0, 70000)).take());
    add(Req(SSH_FXP_WRITE, 4).string(app).u64(0).string(part(70000, 70000)).take());
    add(Req(SSH_FXP_WRITE, 5).string(ro).u64(0).string(part(0, 90000)).take());
    add(Req(SSH_FXP_WRITE, 6).string(std::string(12, 'x')).u64(0).string(part(0, 90000)).take());
    // Data lengths that disagree with the message length: short (refused), then with bytes left
    // over (ignored, as sftp-server does).
    add(Req(SSH_FXP_WRITE, 7).string(plain).u64(0).u32(100000).raw(part(0, 60000)).take());
    add(Req(SSH_FXP_WRITE, 8).string(plain).u64(0).u32(50000).raw(part(0, 60000)).take());
    add(Req(SSH_FXP_WRITE, 9).string(plain).u64(261000).string(part(261000, 39000)).take());
    add(Req(SSH_FXP_MKDIR, 10).string(tag + "dir").u32(0).take());
    FeedInPieces(stream, chunk);
    return {Replies(), Contents(tag + "p"), Contents(tag + "a")};
  }
};

TEST_F(Streaming, WritesSplitAnywhereGiveTheSameRepliesAndFiles) {
  Init();
  Upload whole = Run("w", [] { return SIZE_MAX; });
  std::string d = Pattern(300000);
  std::string expected = d + std::string(100000, '\0') + d.substr(0, 5000);
  EXPECT_TRUE(whole.plain == expected);
  EXPECT_TRUE(whole.appended == d.substr(0, 140000));
  // EBADF for the read-only handle maps to NO_SUCH_FILE, as in OpenSSH's errno_to_portable().
  const std::vector<uint32_t> codes = {
      SSH_FX_OK,      SSH_FX_OK,          SSH_FX_OK, SSH_FX_OK, SSH_FX_NO_SUCH_FILE,
      SSH_FX_FAILURE, SSH_FX_BAD_MESSAGE, SSH_FX_OK, SSH_FX_OK, SSH_FX_OK};
  ASSERT_EQ(whole.replies.size(), codes.size());
  for (size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(whole.replies[i].id, i + 1);
    EXPECT_EQ(whole.replies[i].status(), codes[i]) << i;
  }
  std::mt19937 rng(7);
  const std::vector<std::pair<std::string, std::function<size_t()>>> splits = {
      {"packets", [] { return size_t{32768}; }},
      {"odd", [] { return size_t{32749}; }},
      {"random", [&rng] { return 1 + rng() % 40000; }},
      {"small", [&rng] { return 1 + rng() % 97; }},
  };
  for (const auto& [tag, chunk] : splits) {
    Upload got = Run(tag, chunk);
    EXPECT_TRUE(got.plain == whole.plain) << tag;
    EXPECT_TRUE(got.appended == whole.appended) << tag;
    ASSERT_EQ(got.replies.size(), whole.replies.size()) << tag;
    for (size_t i = 0; i < got.replies.size(); ++i) {
      EXPECT_EQ(got.replies[i].id, whole.replies[i].id) << tag;
      EXPECT_EQ(got.replies[i].body, whole.replies[i].body) << tag << " reply " << i;
    }
  }
}

TEST_F(Streaming, DataReachesTheFileAsItArrives) {
  Init();
  std::string h = OpenHandle("f", SSH_FXF_WRITE | SSH_FXF_CREAT);
  std::string d = Pattern(200000);
  Bytes msg = Frame(Req(SSH_FXP_WRITE, 1).string(h).u64(0).string(d).take());
  size_t header = msg.size() - d.size();
  server_->feed(wire::ByteView(msg).first(header + 70000));
  EXPECT_EQ(server_->output_size(), 0u);  // no reply before the last byte
  EXPECT_EQ(stdfs::file_size(dir_ / "f"), 70000u);
  server_->feed(wire::ByteView(msg).subspan(header + 70000));
  EXPECT_EQ(One().status(), SSH_FX_OK);
  EXPECT_TRUE(Contents("f") == d);
}

TEST_F(Streaming, DeniedWriteWritesNothing) {
  fs::Policy p;
  p.denied_requests = {"write"};
  Open(p);
  Init();
  std::string h = OpenHandle("f", SSH_FXF_WRITE | SSH_FXF_CREAT);
  Bytes msg = Frame(Req(SSH_FXP_WRITE, 1).string(h).u64(0).string(Pattern(100000)).take());
  FeedInPieces(msg, [] { return size_t{32768}; });
  EXPECT_EQ(One().status(), SSH_FX_PERMISSION_DENIED);
  EXPECT_EQ(stdfs::file_size(dir_ / "f"), 0u);
}

// A write that fails part way (here the file size limit, EFBIG) is answered as the one-shot
// write is, and the next request is answered as after a one-shot failure.
TEST_F(Streaming, FailurePartWayAnsweredAsOneShot) {
  Init();
  std::string d = Pattern(200000);
  struct rlimit old;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  struct rlimit low = old;
  low.rlim_cur = 100000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &low), 0);
  std::vector<uint32_t> codes;
  for (size_t piece : {size_t{SIZE_MAX}, size_t{32768}}) {
    std::string name = piece == SIZE_MAX ? "whole" : "split";
    std::string h = OpenHandle(name, SSH_FXF_WRITE | SSH_FXF_CREAT);
    Bytes msg = Frame(Req(SSH_FXP_WRITE, 1).string(h).u64(0).string(d).take());
    FeedInPieces(msg, [piece] { return piece; });
    codes.push_back(One().status());
    Send(Req(SSH_FXP_WRITE, 2).string(h).u64(150000).string(std::string_view("late")).take());
    codes.push_back(One().status());
    EXPECT_EQ(stdfs::file_size(dir_ / name), 100000u) << name;
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_EQ(codes.size(), 4u);
  EXPECT_NE(codes[0], SSH_FX_OK);
  EXPECT_EQ(codes[2], codes[0]);
  EXPECT_EQ(codes[3], codes[1]);
}

TEST_F(Session, BackpressureHoldsRequestsUntilOutputDrains) {
  Init();
  std::ofstream(dir_ / "f") << std::string(1 << 20, 'b');
  std::string h = OpenHandle("f", SSH_FXF_READ);
  Bytes stream;
  for (uint32_t i = 0; i < 40; ++i) {
    auto f = Frame(Req(SSH_FXP_READ, i).string(h).u64(i * 20000).u32(20000).take());
    stream.insert(stream.end(), f.begin(), f.end());
  }
  server_->feed(stream);  // all of it is taken, but not all answered yet
  EXPECT_TRUE(server_->output_backed_up());
  EXPECT_LT(server_->output_size(), kOutputHighWater + 20000 + 13);
  auto reps = Replies();
  ASSERT_EQ(reps.size(), 40u);
  for (uint32_t i = 0; i < 40; ++i) EXPECT_EQ(reps[i].id, i);
  // A caller that never drains still gets every byte taken (the input buffer grows).
  Bytes many;
  for (uint32_t i = 0; i < 200; ++i) {
    auto f = Frame(Req(SSH_FXP_READ, i).string(h).u64(0).u32(60000).take());
    many.insert(many.end(), f.begin(), f.end());
  }
  for (int round = 0; round < 3; ++round) server_->feed(many);
  EXPECT_EQ(Replies().size(), 600u);
}

TEST_F(Session, ReadClampedAndEof) {
  Init();
  std::ofstream(dir_ / "big") << std::string(600000, 'q');
  std::string h = OpenHandle("big", SSH_FXF_READ);
  Send(Req(SSH_FXP_READ, 1).string(h).u64(0).u32(0xffffffff).take());
  auto rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_DATA);
  Reader r(rep.body);
  EXPECT_EQ(r.string("data", kMaxMessage).size(), kMaxReadLength);
  Send(Req(SSH_FXP_READ, 2).string(h).u64(600000).u32(10).take());
  EXPECT_EQ(One().status(), SSH_FX_EOF);
}

TEST_F(Session, HandlesUnforgeableAndBounded) {
  Init();
  std::ofstream(dir_ / "f") << "x";
  std::string h = OpenHandle("f", SSH_FXF_READ);
  ASSERT_EQ(h.size(), 12u);
  std::string forged = h;
  forged[11] ^= 1;
  Send(Req(SSH_FXP_READ, 1).string(forged).u64(0).u32(1).take());
  EXPECT_EQ(One().status(), SSH_FX_FAILURE);
  Send(Req(SSH_FXP_CLOSE, 2).string(h).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  Send(Req(SSH_FXP_READ, 3).string(h).u64(0).u32(1).take());  // closed: stale
  EXPECT_EQ(One().status(), SSH_FX_FAILURE);
  std::vector<std::string> open;
  for (size_t i = 0; i < kMaxHandles; ++i) open.push_back(OpenHandle("f", SSH_FXF_READ));
  Send(Req(SSH_FXP_OPEN, 4).string(std::string_view("f")).u32(SSH_FXF_READ).u32(0).take());
  EXPECT_EQ(One().status(), SSH_FX_FAILURE);
  std::set<std::string> distinct(open.begin(), open.end());
  EXPECT_EQ(distinct.size(), open.size());
}

TEST_F(Session, WriteReadAndOutputDrainedInPieces) {
  Init();
  std::string h = OpenHandle("w", SSH_FXF_WRITE | SSH_FXF_READ | SSH_FXF_CREAT);
  std::string data(200000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  Send(Req(SSH_FXP_WRITE, 1).string(h).u64(0).string(data).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  Send(Req(SSH_FXP_READ, 2).string(h).u64(0).u32(200000).take());
  Bytes got;
  while (server_->output_size() > 0) {  // drain 777 bytes at a time
    auto out = server_->output();
    size_t n = std::min<size_t>(777, out.size());
    got.insert(got.end(), out.begin(), out.begin() + n);
    server_->consume(n);
  }
  Reader r(got);
  Reader m = r.sub_string("reply", kMaxMessage);
  EXPECT_EQ(m.u8("type"), SSH_FXP_DATA);
  EXPECT_EQ(m.u32("id"), 2u);
  EXPECT_EQ(wire::as_text(m.string("data", kMaxMessage)), data);
}

// sftp-server discards whatever follows a request's fields; rclone 1.60 (pkg/sftp 1.13.5) relies
// on it, sending its whole 32 KiB buffer after a short WRITE's data.
TEST_F(Session, BytesAfterARequestsFieldsAreIgnoredAsSftpServerDoes) {
  Init();
  std::string h = OpenHandle("w", SSH_FXF_WRITE | SSH_FXF_CREAT);
  std::string junk(32768 - 4096, 'j');
  Send(Req(SSH_FXP_WRITE, 1).string(h).u64(0).string(std::string(4096, 'a')).raw(junk).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  // The same, fed in small pieces (the path that writes data as it arrives).
  auto f = Frame(
      Req(SSH_FXP_WRITE, 2).string(h).u64(4096).string(std::string_view("bb")).raw(junk).take());
  FeedInPieces(f, [] { return size_t{1000}; });
  EXPECT_EQ(One().status(), SSH_FX_OK);
  Send(Req(SSH_FXP_CLOSE, 3).string(h).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  EXPECT_EQ(Contents("w"), std::string(4096, 'a') + "bb");
  Send(Req(SSH_FXP_STAT, 4).string(std::string_view("w")).u32(0x1ff).take());  // v4+ flags word
  EXPECT_EQ(One().type, SSH_FXP_ATTRS);
  Send(Req(SSH_FXP_REMOVE, 5).string(std::string_view("w")).u8(0).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  EXPECT_FALSE(stdfs::exists(dir_ / "w"));
}

// check-file hashes at most the session's budget, refusing a request that would pass it whole.
TEST_F(Session, CheckFileStopsAtTheSessionsHashingBudget) {
  ServerOptions options;
  options.check_file_budget = 1000;
  Open(fs::Policy{}, options);
  Init();
  std::ofstream(dir_ / "f") << std::string(600, 'x');
  auto check = [this](uint32_t id, uint64_t length) {
    Send(Ext("check-file-name", id)
             .string(std::string_view("f"))
             .string(std::string_view("sha256"))
             .u64(0)
             .u64(length)
             .u32(0)
             .take());
    return One();
  };
  EXPECT_EQ(check(1, 0).type, SSH_FXP_EXTENDED_REPLY);  // the whole file: 600 of 1000
  auto refused = check(2, 0);                           // 600 more would pass the budget
  EXPECT_EQ(refused.type, SSH_FXP_STATUS);
  EXPECT_EQ(refused.status(), SSH_FX_OP_UNSUPPORTED);
  EXPECT_EQ(check(3, 400).type, SSH_FXP_EXTENDED_REPLY);  // exactly what is left
  EXPECT_EQ(check(4, 1).status(), SSH_FX_OP_UNSUPPORTED);
}

TEST_F(Session, ReadOnlyAndDenyListRefuseBeforeDispatch) {
  fs::Policy p;
  p.read_only = true;
  p.denied_requests = {"readdir"};
  Open(p);
  Init();
  Send(Req(SSH_FXP_MKDIR, 1).string(std::string_view("d")).u32(0).take());
  EXPECT_EQ(One().status(), SSH_FX_PERMISSION_DENIED);
  Send(Ext("posix-rename@openssh.com", 2)
           .string(std::string_view("a"))
           .string(std::string_view("b"))
           .take());
  EXPECT_EQ(One().status(), SSH_FX_PERMISSION_DENIED);
  Send(Req(SSH_FXP_OPEN, 3)
           .string(std::string_view("n"))
           .u32(SSH_FXF_WRITE | SSH_FXF_CREAT)
           .u32(0)
           .take());
  EXPECT_EQ(One().status(), SSH_FX_PERMISSION_DENIED);
  Send(Req(SSH_FXP_OPENDIR, 4).string(std::string_view("/")).take());
  auto rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_HANDLE);
  Reader r(rep.body);
  std::string h(wire::as_text(r.string("h")));
  Send(Req(SSH_FXP_READDIR, 5).string(h).take());
  EXPECT_EQ(One().status(), SSH_FX_PERMISSION_DENIED);
  EXPECT_TRUE(stdfs::is_empty(dir_));
}

TEST_F(Session, Extensions) {
  Init();
  std::ofstream(dir_ / "f") << "abc";
  Send(Ext("limits@openssh.com", 1).take());
  auto rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_EXTENDED_REPLY);
  Reader lim(rep.body);
  EXPECT_EQ(lim.u64("packet"), kMaxMessage);
  EXPECT_EQ(lim.u64("read"), kMaxReadLength);
  EXPECT_EQ(lim.u64("write"), kMaxWriteLength);
  EXPECT_EQ(lim.u64("handles"), kMaxHandles);

  // check-file-name, md5 of "abc" as one block.
  Send(Ext("check-file-name", 2)
           .string(std::string_view("f"))
           .string(std::string_view("foo,md5,sha1"))
           .u64(0)
           .u64(0)
           .u32(0)
           .take());
  rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_EXTENDED_REPLY);
  Reader cf(rep.body);
  EXPECT_EQ(wire::as_text(cf.string("ext")), "check-file");
  EXPECT_EQ(wire::as_text(cf.string("algo")), "md5");
  const Bytes md5_abc = {0x90, 0x01, 0x50, 0x98, 0x3c, 0xd2, 0x4f, 0xb0,
                         0xd6, 0x96, 0x3f, 0x7d, 0x28, 0xe1, 0x7f, 0x72};
  auto digest = cf.rest();
  EXPECT_EQ(Bytes(digest.begin(), digest.end()), md5_abc);

  Send(Ext("copy-file", 3)
           .string(std::string_view("f"))
           .string(std::string_view("g"))
           .boolean(false)
           .take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  Send(Ext("copy-file", 4)
           .string(std::string_view("f"))
           .string(std::string_view("g"))
           .boolean(false)
           .take());
  EXPECT_EQ(One().status(), SSH_FX_FAILURE);  // exists

  std::string a = OpenHandle("f", SSH_FXF_READ);
  std::string b = OpenHandle("h", SSH_FXF_WRITE | SSH_FXF_CREAT);
  Send(Ext("copy-data", 5).string(a).u64(1).u64(0).string(b).u64(0).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  std::ifstream hin(dir_ / "h");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(hin), {}), "bc");

  stdfs::create_directory(dir_ / "x");  // resolved by the kernel: "x/.." needs an "x"
  Send(Ext("expand-path@openssh.com", 6).string(std::string_view("~/x/..")).take());
  rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_NAME);
  Reader ep(rep.body);
  EXPECT_EQ(ep.u32("count"), 1u);
  EXPECT_EQ(wire::as_text(ep.string("name")), "/");

  Send(Ext("space-available", 7).string(std::string_view("/")).take());
  rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_EXTENDED_REPLY);
  EXPECT_EQ(rep.body.size(), 36u);

  Writer ids;
  ids.u32(0).u32(4000000);
  Send(Ext("users-groups-by-id@openssh.com", 8)
           .string(wire::ByteView(ids.bytes()))
           .string(wire::ByteView(Bytes{}))
           .take());
  rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_EXTENDED_REPLY);
  Reader ug(rep.body);
  Reader users = ug.sub_string("users");
  EXPECT_EQ(wire::as_text(users.string("u0")), "root");
  EXPECT_EQ(wire::as_text(users.string("u1")), "");
  EXPECT_TRUE(ug.sub_string("groups").empty());
}

TEST_F(Session, CheckFileBlocksFsyncHomeAndCopyDataOverlap) {
  Init();
  std::string content(3000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 13);
  std::ofstream(dir_ / "f", std::ios::binary) << content;
  std::string h = OpenHandle("f", SSH_FXF_READ | SSH_FXF_WRITE);
  Send(Ext("check-file-handle", 1)
           .string(h)
           .string(std::string_view("sha256"))
           .u64(100)
           .u64(0)
           .u32(1024)
           .take());
  auto rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_EXTENDED_REPLY);
  Reader r(rep.body);
  EXPECT_EQ(wire::as_text(r.string("ext")), "check-file");
  EXPECT_EQ(wire::as_text(r.string("algo")), "sha256");
  auto hashes = r.rest();
  ASSERT_EQ(hashes.size(), 3u * 32);  // 2900 bytes from offset 100 in 1024-byte blocks
  auto sha = Botan::HashFunction::create_or_throw("SHA-256");
  for (size_t b = 0; b < 3; ++b) {
    size_t len = std::min<size_t>(1024, 2900 - b * 1024);
    sha->update(reinterpret_cast<const uint8_t*>(content.data()) + 100 + b * 1024, len);
    auto d = sha->final();
    EXPECT_TRUE(std::equal(d.begin(), d.end(), hashes.begin() + b * 32)) << b;
  }
  Send(Ext("check-file-handle", 2)
           .string(h)
           .string(std::string_view("md5"))
           .u64(0)
           .u64(0)
           .u32(100)
           .take());
  EXPECT_EQ(One().status(), SSH_FX_BAD_MESSAGE);  // blocks under 256 bytes
  Send(Ext("check-file-handle", 3)
           .string(h)
           .string(std::string_view("crc99"))
           .u64(0)
           .u64(0)
           .u32(0)
           .take());
  EXPECT_EQ(One().status(), SSH_FX_OP_UNSUPPORTED);

  Send(Ext("fsync@openssh.com", 4).string(h).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  Send(Ext("copy-data", 5).string(h).u64(0).u64(100).string(h).u64(50).take());
  EXPECT_EQ(One().status(), SSH_FX_FAILURE);  // overlapping ranges of one file
  Send(Ext("copy-data", 6).string(h).u64(0).u64(100).string(h).u64(2900).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  EXPECT_EQ(stdfs::file_size(dir_ / "f"), 3000u);
  // The same file through a second handle: "to the end" would chase its own writes forever.
  std::string h2 = OpenHandle("f", SSH_FXF_WRITE);
  Send(Ext("copy-data", 6).string(h).u64(0).u64(0).string(h2).u64(1000).take());
  EXPECT_EQ(One().status(), SSH_FX_FAILURE);
  Send(Ext("copy-data", 6).string(h).u64(0).u64(100).string(h2).u64(99).take());
  EXPECT_EQ(One().status(), SSH_FX_FAILURE);
  Send(Ext("copy-data", 6).string(h).u64(0).u64(100).string(h2).u64(100).take());
  EXPECT_EQ(One().status(), SSH_FX_OK);
  EXPECT_EQ(stdfs::file_size(dir_ / "f"), 3000u);

  Send(Ext("home-directory", 7).string(std::string_view("anyone")).take());
  rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_NAME);
  Reader hd(rep.body);
  EXPECT_EQ(hd.u32("count"), 1u);
  EXPECT_EQ(wire::as_text(hd.string("name")), "/");

  Send(Ext("fstatvfs@openssh.com", 8).string(h).take());
  rep = One();
  ASSERT_EQ(rep.type, SSH_FXP_EXTENDED_REPLY);
  EXPECT_EQ(rep.body.size(), 11u * 8);
}

}  // namespace
}  // namespace wharf::sftp
