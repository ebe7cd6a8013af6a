// scp::Source in memory, driven by a strict test sink that answers like OpenSSH's.
#include "scp/source.h"

#include <fcntl.h>

#include <set>

#include "scp/records.h"
#include "tests/scp/fixture.h"

namespace wharf::scp::testing {
namespace {

using namespace std::string_literals;

struct Got {
  std::map<std::string, std::string> files;  // path below the sink's target -> contents
  std::map<std::string, mode_t> modes;
  std::map<std::string, std::pair<int64_t, int64_t>> times;  // mtime, atime
  std::vector<std::string> dirs;
  std::vector<std::string> warnings;
  size_t max_output = 0;
  std::string raw;  // everything the source sent
};

// Acts as the client's sink: answers "\0" to every record except files named in `refuse`, takes
// output in pieces of `piece` bytes, and checks the framing as it goes.
Got Download(Source& s, const std::set<std::string>& refuse = {}, size_t piece = SIZE_MAX) {
  Got got;
  std::string buf;
  std::vector<std::string> stack;
  std::optional<std::pair<int64_t, int64_t>> times;
  std::optional<Record> file;  // a file whose data is expected
  auto reply = [&](std::string_view r) { s.feed(wire::as_bytes(r)); };
  auto path = [&](const std::string& name) {
    std::string p;
    for (auto& d : stack) p += d + "/";
    return p + name;
  };
  // Handles one complete item at the front of `buf`; false if more bytes are needed.
  auto step = [&]() -> bool {
    if (file) {
      if (buf.size() < file->size + 1) return false;
      char status = buf[file->size];
      size_t used = file->size + 1;
      if (status == '\0') {
        got.files[path(file->name)] = buf.substr(0, file->size);
        got.modes[path(file->name)] = file->mode;
        if (times) got.times[path(file->name)] = *times;
      } else {
        size_t end = buf.find('\n', used);
        if (end == std::string::npos) return false;
        got.warnings.push_back(buf.substr(used, end - used));
        used = end + 1;
      }
      buf.erase(0, used);
      file.reset();
      times.reset();
      reply("\0"s);
      return true;
    }
    size_t nl = buf.find('\n');
    if (nl == std::string::npos) return false;
    std::string line = buf.substr(0, nl);
    buf.erase(0, nl + 1);
    auto parsed = parse_record(line);
    if (!std::holds_alternative<Record>(parsed)) {
      ADD_FAILURE() << "bad record from the source: " << line;
      return false;
    }
    const Record& rec = std::get<Record>(parsed);
    switch (rec.type) {
      case RecordType::kFile:
        if (refuse.count(rec.name)) {
          times.reset();
          reply("\1refused\n"s);
        } else {
          file = rec;
          reply("\0"s);
        }
        break;
      case RecordType::kTimes:
        times = std::make_pair(rec.mtime, rec.atime);
        reply("\0"s);
        break;
      case RecordType::kDir:
        stack.push_back(rec.name);
        got.dirs.push_back(path(""));
        got.modes[path("")] = rec.mode;
        if (times) got.times[path("")] = *times;
        times.reset();
        reply("\0"s);
        break;
      case RecordType::kEnd:
        if (stack.empty()) ADD_FAILURE() << "E at top level";
        if (!stack.empty()) stack.pop_back();
        reply("\0"s);
        break;
      case RecordType::kWarning:
      case RecordType::kFatal:
        got.warnings.push_back(rec.message);
        break;
    }
    return true;
  };
  reply("\0"s);
  for (int guard = 0; guard < 1000000; ++guard) {
    got.max_output = std::max(got.max_output, s.output_size());
    size_t n = std::min(piece, s.output().size());  // the older piece of the queue first
    std::string chunk(wire::as_text(s.output().first(n)));
    s.consume(n);
    buf += chunk;
    got.raw += chunk;
    while (step()) {
    }
    if (n == 0 && s.output_size() == 0) break;  // done, or waiting for nothing we can give
  }
  EXPECT_TRUE(stack.empty());
  EXPECT_TRUE(buf.empty()) << buf;
  EXPECT_FALSE(file.has_value());
  EXPECT_TRUE(s.finished());
  return got;
}

class SourceTest : public ScpFixture {
 protected:
  void SetUp() override {
    ScpFixture::SetUp();
    Spit(target_ / "a", "hello");
    stdfs::permissions(target_ / "a", stdfs::perms(0640));
  }
  void SetTimes(const stdfs::path& p, int64_t mtime, int64_t atime) {
    struct timespec ts[2] = {{static_cast<time_t>(atime), 0}, {static_cast<time_t>(mtime), 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), ts, AT_SYMLINK_NOFOLLOW), 0);
  }
};

TEST_F(SourceTest, OneFileExactBytes) {
  Source s(*root_, Cmd("scp -f t/a"));
  EXPECT_EQ(s.output_size(), 0u);  // waits for the sink's "\0"
  s.feed(wire::as_bytes("\0"s));
  EXPECT_EQ(Drain(s), "C0640 5 a\n");
  s.feed(wire::as_bytes("\0"s));
  EXPECT_EQ(Drain(s), "hello\0"s);
  EXPECT_FALSE(s.finished());
  s.feed(wire::as_bytes("\0"s));
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.exit_status(), 0);
  EXPECT_EQ(Drain(s), "");
}

TEST_F(SourceTest, TimesWithDashP) {
  SetTimes(target_ / "a", 1234567890, 1111111111);
  Source s(*root_, Cmd("scp -p -f /t/a"));
  Got got = Download(s);
  EXPECT_EQ(got.raw.substr(0, 24), "T1234567890 0 1111111111");
  EXPECT_EQ(got.files["a"], "hello");
  EXPECT_EQ(got.times["a"], std::make_pair(int64_t{1234567890}, int64_t{1111111111}));
  EXPECT_EQ(s.exit_status(), 0);
}

TEST_F(SourceTest, RecursiveTree) {
  stdfs::create_directories(target_ / "sub" / "deeper");
  stdfs::create_directories(target_ / "empty");
  Spit(target_ / "sub" / "x", "X");
  Spit(target_ / "sub" / "deeper" / "y", RandomBytes(300000, 3));
  stdfs::permissions(target_ / "sub", stdfs::perms(0750));
  SetTimes(target_ / "sub", 1500000000, 1500000001);
  Source s(*root_, Cmd("scp -r -p -f t"));
  Got got = Download(s);
  EXPECT_EQ(s.exit_status(), 0);
  EXPECT_EQ(got.files.size(), 3u);
  EXPECT_EQ(got.files["t/a"], "hello");
  EXPECT_EQ(got.files["t/sub/x"], "X");
  EXPECT_EQ(got.files["t/sub/deeper/y"], RandomBytes(300000, 3));
  std::set<std::string> dirs(got.dirs.begin(), got.dirs.end());
  EXPECT_EQ(dirs, (std::set<std::string>{"t/", "t/sub/", "t/sub/deeper/", "t/empty/"}));
  EXPECT_EQ(got.modes["t/sub/"], 0750u);
  EXPECT_EQ(got.times["t/sub/"], std::make_pair(int64_t{1500000000}, int64_t{1500000001}));
}

TEST_F(SourceTest, DirectoryWithoutDashRAndMissingFiles) {
  stdfs::create_directories(target_ / "d");
  Source s(*root_, Cmd("scp -f t/d t/missing t/a"));
  Got got = Download(s);
  EXPECT_EQ(s.exit_status(), 1);
  ASSERT_EQ(got.warnings.size(), 2u);
  EXPECT_EQ(got.warnings[0], "scp: /t/d: not a regular file");
  EXPECT_EQ(got.warnings[1], "scp: /t/missing: No such file or directory");
  EXPECT_EQ(got.files["a"], "hello");  // the rest still arrives
}

TEST_F(SourceTest, NamesAreLiteral) {
  for (const char* name : {"`touch x`", "$(id)", "-oProxyCommand=x", "*", "a;b"}) {
    Spit(target_ / name, name);
  }
  Source s(*root_, Cmd("scp -f -- 't/`touch x`' 't/$(id)' t/-oProxyCommand=x 't/*' t/a;b"));
  Got got = Download(s);
  EXPECT_EQ(s.exit_status(), 0);
  EXPECT_EQ(got.files.size(), 5u);
  for (const char* name : {"`touch x`", "$(id)", "-oProxyCommand=x", "*", "a;b"}) {
    EXPECT_EQ(got.files[name], name);
  }
}

TEST_F(SourceTest, SymlinkLoopEnds) {
  stdfs::create_directories(target_ / "loop");
  stdfs::create_symlink(".", target_ / "loop" / "self");
  Source s(*root_, Cmd("scp -r -f t/loop"));
  Got got = Download(s);
  EXPECT_EQ(s.exit_status(), 1);
  EXPECT_LE(got.dirs.size(), kMaxDepth);  // the kernel's ELOOP or our depth bound, first wins
  EXPECT_EQ(got.warnings.size(), 1u);
}

TEST_F(SourceTest, NestingIsBounded) {
  stdfs::path p = target_;
  for (size_t i = 0; i < kMaxDepth + 10; ++i) p /= "d";
  stdfs::create_directories(p);
  Source s(*root_, Cmd("scp -r -f t/d"));
  Got got = Download(s);
  EXPECT_EQ(s.exit_status(), 1);
  EXPECT_EQ(got.dirs.size(), kMaxDepth);
  ASSERT_EQ(got.warnings.size(), 1u);
  EXPECT_NE(got.warnings[0].find("directories nested too deep"), std::string::npos);
}

TEST_F(SourceTest, LargeFileKeepsOutputBounded) {
  std::string data = RandomBytes(5 * 1024 * 1024 + 3, 4);
  Spit(target_ / "big", data);
  Source s(*root_, Cmd("scp -f t/big"));
  Got got = Download(s, {}, 32 * 1024);
  EXPECT_EQ(got.files["big"], data);
  EXPECT_LE(got.max_output, kOutputHighWater + kDataChunk);
  EXPECT_EQ(s.exit_status(), 0);
}

TEST_F(SourceTest, RefusedFileSendsNoData) {
  Spit(target_ / "b", "bee");
  Source s(*root_, Cmd("scp -f t/a t/b"));
  Got got = Download(s, {"a"});
  EXPECT_EQ(got.files.count("a"), 0u);
  EXPECT_EQ(got.files["b"], "bee");
  EXPECT_EQ(got.raw.find("hello"), std::string::npos);
  EXPECT_EQ(s.exit_status(), 1);
}

TEST_F(SourceTest, DotIsSentUnderItsRealName) {
  fs::Policy p;
  p.home = "/t";
  Open(p);
  Source s(*root_, Cmd("scp -r -f . ~/a"));
  Got got = Download(s);
  EXPECT_EQ(got.files["t/a"], "hello");
  EXPECT_EQ(got.files["a"], "hello");
  EXPECT_EQ(s.exit_status(), 0);
}

TEST_F(SourceTest, DropBoxCannotRead) {
  fs::Policy p;
  p.drop_box = true;
  Open(p);
  Source s(*root_, Cmd("scp -r -f t/a t"));
  Got got = Download(s);
  EXPECT_TRUE(got.files.empty());
  EXPECT_EQ(got.warnings.size(), 2u);
  EXPECT_EQ(s.exit_status(), 1);
}

TEST_F(SourceTest, ReadOnlyCanRead) {
  fs::Policy p;
  p.read_only = true;
  Open(p);
  Source s(*root_, Cmd("scp -f t/a"));
  EXPECT_EQ(Download(s).files["a"], "hello");
  EXPECT_EQ(s.exit_status(), 0);
}

TEST_F(SourceTest, FileThatShrinksIsPaddedAndReported) {
  Spit(target_ / "shrink", std::string(100000, 's'));
  Source s(*root_, Cmd("scp -f t/shrink"));
  s.feed(wire::as_bytes("\0"s));
  EXPECT_EQ(Drain(s), "C0644 100000 shrink\n");
  ::truncate((target_ / "shrink").c_str(), 10);
  s.feed(wire::as_bytes("\0"s));
  std::string out = Drain(s);
  ASSERT_GE(out.size(), 100000u);
  EXPECT_EQ(out.substr(0, 10), std::string(10, 's'));
  EXPECT_EQ(out.substr(10, 100000 - 10), std::string(100000 - 10, '\0'));
  EXPECT_EQ(out.substr(100000), "\1scp: /t/shrink: file changed size\n");
  s.feed(wire::as_bytes("\0"s));
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.exit_status(), 1);
}

TEST_F(SourceTest, UnexpectedInputIsFatal) {
  Spit(target_ / "big", std::string(4 * kOutputHighWater, 'b'));
  Source s(*root_, Cmd("scp -f t/big"));
  s.feed(wire::as_bytes("\0\0"s));  // start, header accepted: data up to the high-water mark
  EXPECT_TRUE(s.output_backed_up());
  s.feed(wire::as_bytes("\0"s));  // nobody asked
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(s.exit_status(), 1);
  std::string out = Drain(s);
  EXPECT_NE(out.find("\2scp: protocol error: unexpected input"), std::string::npos);
}

TEST_F(SourceTest, BadOrFatalRepliesEndTheSession) {
  Source bad(*root_, Cmd("scp -f t/a"));
  bad.feed(wire::as_bytes("\0\7"s));
  EXPECT_TRUE(bad.finished());
  EXPECT_EQ(bad.exit_status(), 1);
  Source fatal(*root_, Cmd("scp -f t/a"));
  fatal.feed(wire::as_bytes("\0\2no space\n"s));
  EXPECT_TRUE(fatal.finished());
  EXPECT_EQ(fatal.exit_status(), 1);
  Source eof(*root_, Cmd("scp -f t/a"));
  eof.feed(wire::as_bytes("\0"s));
  eof.feed_eof();
  EXPECT_TRUE(eof.finished());
  EXPECT_EQ(eof.exit_status(), 1);
}

}  // namespace
}  // namespace wharf::scp::testing
