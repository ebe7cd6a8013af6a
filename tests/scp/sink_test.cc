// scp::Sink in memory: uploads, -r/-p/-d, policies, and every malicious record of issue 6.
#include "scp/sink.h"

#include "tests/scp/fixture.h"

namespace wharf::scp::testing {
namespace {

using namespace std::string_literals;

class SinkTest : public ScpFixture {
 protected:
  // Runs `in` through a sink for `command` and returns its output.
  std::string Upload(std::string_view command, std::string_view in, size_t chunk = SIZE_MAX,
                     int want_status = 0) {
    Sink sink(*root_, Cmd(command));
    std::string out = Run(sink, in, chunk);
    EXPECT_TRUE(sink.finished());
    EXPECT_EQ(sink.exit_status(), want_status) << Printable(out);
    return out;
  }
  static std::string Printable(std::string s) {
    for (char& c : s) {
      if (c == '\0') c = '0';
      if (c == '\1') c = '1';
      if (c == '\2') c = '2';
    }
    return s;
  }
  static size_t Count(const std::string& s, std::string_view what) {
    size_t n = 0;
    for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
    return n;
  }
};

TEST_F(SinkTest, OneFile) {
  std::string out = Upload("scp -t t", "C0644 5 hello\nhello\0"s);
  EXPECT_EQ(out, "\0\0\0"s);
  EXPECT_EQ(Slurp(target_ / "hello"), "hello");
  EXPECT_EQ(stdfs::status(target_ / "hello").permissions(), stdfs::perms(0644));
  EXPECT_EQ(Snapshot(target_).tree.size(), 1u);  // no temporary file left behind
}

TEST_F(SinkTest, ChunkingDoesNotMatter) {
  std::string data = RandomBytes(3 * 1024 * 1024 + 17, 1);
  std::string in = "C0600 " + std::to_string(data.size()) + " big\n" + data + Nul();
  for (size_t chunk : {size_t{1} << 20, size_t{32768}, size_t{4093}}) {
    Upload("scp -t t", in, chunk);
    EXPECT_EQ(Slurp(target_ / "big"), data) << chunk;
  }
  std::string small = RandomBytes(3000, 2);
  Upload("scp -t t", "C0600 3000 one\n" + small + Nul(), 1);  // one byte per feed
  EXPECT_EQ(Slurp(target_ / "one"), small);
}

TEST_F(SinkTest, SizesZeroAndOne) {
  std::string out = Upload("scp -t /t", "C0644 0 empty\n\0C0644 1 one\nx\0"s);
  EXPECT_EQ(out, "\0\0\0\0\0"s);
  EXPECT_EQ(Slurp(target_ / "empty"), "");
  EXPECT_EQ(Slurp(target_ / "one"), "x");
}

TEST_F(SinkTest, TargetMayNameTheFile) {
  Upload("scp -t t/renamed", "C0644 2 orig\nab\0"s);
  EXPECT_EQ(Slurp(target_ / "renamed"), "ab");
  EXPECT_FALSE(stdfs::exists(target_ / "orig"));
  Spit(target_ / "renamed", "old contents, longer");
  Upload("scp -t t/renamed", "C0644 2 orig\ncd\0"s);
  EXPECT_EQ(Slurp(target_ / "renamed"), "cd");
}

TEST_F(SinkTest, RelativePathsStartAtHome) {
  fs::Policy p;
  p.home = "/t";
  Open(p);
  Upload("scp -t .", "C0644 1 a\nA\0"s);
  Upload("scp -t ~/", "C0644 1 b\nB\0"s);
  EXPECT_EQ(Slurp(target_ / "a"), "A");
  EXPECT_EQ(Slurp(target_ / "b"), "B");
}

TEST_F(SinkTest, DirectoryTargetRequired) {
  Spit(target_ / "file", "x");
  DirState before = Snapshot(target_);
  std::string out = Upload("scp -d -t t/file", "C0644 1 a\nA\0"s, SIZE_MAX, 1);
  EXPECT_EQ(out, "\1scp: t/file: Not a directory\n"s);
  out = Upload("scp -d -t t/missing", "C0644 1 a\nA\0"s, SIZE_MAX, 1);
  EXPECT_EQ(out, "\1scp: t/missing: No such file or directory\n"s);
  EXPECT_TRUE(Snapshot(target_) == before);
  Upload("scp -d -t t", "C0644 1 a\nA\0C0644 1 b\nB\0"s);
  EXPECT_EQ(Slurp(target_ / "b"), "B");
}

TEST_F(SinkTest, MaliciousNamesAreRefusedAndTheSessionGoesOn) {
  stdfs::create_directories(target_ / "a");  // so that "a/b" would have somewhere to go
  for (std::string name :
       {"../x"s, "/abs"s, "a/b"s, "."s, ".."s, ""s, "a\0b"s, "../../outside/secret"s}) {
    for (std::string kind : {"C0644 1 "s, "D0755 0 "s}) {
      SCOPED_TRACE(Printable(kind + name));
      DirState before = Snapshot(target_);
      DirState root_before = Snapshot(root_dir_);
      // Times first, as `scp -p` sends them: they must not reach the target either.
      std::string in = "T1 0 1 0\n"s + kind + name + "\n";
      std::string out = Upload("scp -r -p -t t", in, SIZE_MAX, 1);
      EXPECT_EQ(out.substr(0, 3), "\0\0\1"s);  // ready, T accepted, name refused
      EXPECT_EQ(out.find('\2'), std::string::npos);
      EXPECT_EQ(out.back(), '\n');
      EXPECT_TRUE(Snapshot(target_) == before);
      EXPECT_TRUE(Snapshot(root_dir_) == root_before);

      // The session goes on after the refusal: the next file arrives.
      out = Upload("scp -r -p -t t", in + "C0644 2 ok\nOK\0"s, SIZE_MAX, 1);
      EXPECT_EQ(out.substr(out.size() - 3), "\n\0\0"s);
      EXPECT_EQ(Slurp(target_ / "ok"), "OK");
      stdfs::remove(target_ / "ok");
      EXPECT_TRUE(Snapshot(target_).same_except_mtime(before));

      // A client that sends the data of a refused file anyway breaks the protocol.
      if (kind[0] == 'C') {
        out = Upload("scp -r -p -t t", in + "X\0C0644 2 ok\nOK\0"s, SIZE_MAX, 1);
        EXPECT_NE(out.find("\2scp: protocol error"), std::string::npos);
        EXPECT_TRUE(Snapshot(target_).same_except_mtime(before));
      }
    }
  }
}

TEST_F(SinkTest, NewlineEndsTheNameOnTheWire) {
  // "a\nb" cannot be one name: "a" is a (valid) name and "b" a broken record, which ends the
  // session before any file data is committed.
  DirState before = Snapshot(target_);
  std::string out = Upload("scp -p -t t", "T1 0 1 0\nC0644 1 a\nb\n"s, SIZE_MAX, 1);
  EXPECT_NE(out.find("\2scp: protocol error"), std::string::npos);
  EXPECT_TRUE(Snapshot(target_).same_except_mtime(before));
  out = Upload("scp -r -p -t t", "T1 0 1 0\nD0000 0 a\nb\n"s, SIZE_MAX, 1);
  EXPECT_NE(out.find("\2scp: protocol error"), std::string::npos);
  EXPECT_EQ(Snapshot(target_).tree.size(), 1u);
  EXPECT_TRUE(stdfs::is_empty(target_ / "a"));
}

TEST_F(SinkTest, DotDirectoryCannotChangeTheTarget) {
  DirState before = Snapshot(target_);
  // CVE-2018-20685: "D0000 0 ." made OpenSSH's client chmod its target directory.
  std::string out = Upload("scp -r -p -t t", "T1 0 1 0\nD0000 0 .\nE\n"s, SIZE_MAX, 1);
  EXPECT_EQ(out.substr(0, 3), "\0\0\1"s);
  EXPECT_TRUE(Snapshot(target_) == before);
  struct stat st;
  ASSERT_EQ(::stat(target_.c_str(), &st), 0);
  EXPECT_NE(st.st_mtime, 1);
}

TEST_F(SinkTest, BadSizesEndTheSession) {
  DirState before = Snapshot(target_);
  for (const char* size :
       {"-1", "9223372036854775808", "18446744073709551615", "+5", " 5", "5x", "0x10", ""}) {
    std::string out =
        Upload("scp -t t", "C0644 "s + size + " f\nhello\0C0644 1 g\nG\0"s, SIZE_MAX, 1);
    SCOPED_TRACE(size);
    EXPECT_EQ(out.substr(0, 2), "\0\2"s);
    EXPECT_NE(out.find("protocol error"), std::string::npos);
    EXPECT_EQ(out.find('\0', 1), std::string::npos);  // nothing more was accepted
    EXPECT_TRUE(Snapshot(target_) == before);
  }
}

TEST_F(SinkTest, ModeBitsOutside0777AreDropped) {
  Upload("scp -p -t t", "C4755 1 suid\nx\0C7777 1 all\nx\0"s);
  EXPECT_EQ(stdfs::status(target_ / "suid").permissions(), stdfs::perms(0755));
  EXPECT_EQ(stdfs::status(target_ / "all").permissions(), stdfs::perms(0777));
  Upload("scp -t t", "C6777 1 plain\nx\0"s);  // without -p the umask applies as well
  EXPECT_EQ(stdfs::status(target_ / "plain").permissions(), stdfs::perms(0755));
  Upload("scp -r -p -t t", "D4700 0 dir\nE\n"s);
  EXPECT_EQ(stdfs::status(target_ / "dir").permissions(), stdfs::perms(0700));
}

TEST_F(SinkTest, HugeHeaderLineIsRefusedEarly) {
  DirState before = Snapshot(target_);
  Sink sink(*root_, Cmd("scp -t t"));
  std::string line = "C0644 1 " + std::string(1 << 20, 'n') + "\nx\0"s;
  std::string out = Run(sink, line, 64 * 1024);
  EXPECT_EQ(out.substr(0, 2), "\0\2"s);
  EXPECT_NE(out.find("record line too long"), std::string::npos);
  EXPECT_EQ(sink.exit_status(), 1);
  EXPECT_TRUE(Snapshot(target_) == before);
}

TEST_F(SinkTest, NestingIsBounded) {
  std::string in;
  for (int i = 0; i < 10000; ++i) in += "D0755 0 d\n";
  for (int i = 0; i < 10000; ++i) in += "E\n";
  std::string out = Upload("scp -r -t t", in, SIZE_MAX, 1);
  // 64 directories entered, the rest refused, 64 left, then an E too many ends the session.
  EXPECT_EQ(Count(out, "nested too deep"), 10000u - kMaxDepth);
  EXPECT_NE(out.find("unexpected E record"), std::string::npos);
  size_t depth = 0;
  for (stdfs::path p = target_ / "d"; stdfs::is_directory(p); p /= "d") ++depth;
  EXPECT_EQ(depth, kMaxDepth);
}

TEST_F(SinkTest, ShortDataLeavesNoFile) {
  for (bool atomic : {false, true}) {
    fs::Policy p;
    p.atomic_uploads = atomic;
    Open(p);
    Spit(target_ / "existing", "keep me");
    DirState before = Snapshot(target_);
    // No file and no temporary file remain, but a temporary name existed for a while (it is
    // made when the record arrives), so the directory's mtime moved.
    Upload("scp -t t", "C0644 10 f\nhello"s, SIZE_MAX, 1);
    Upload("scp -t t", "C0644 10 existing\nhello"s, SIZE_MAX, 1);
    Upload("scp -t t", "C0644 1000000 big\n"s + std::string(999999, 'b'), 4096, 1);
    EXPECT_TRUE(Snapshot(target_).same_except_mtime(before)) << atomic;
    Upload("scp -t t", "C0644 3000000 huge\n"s + std::string(2999999, 'h'), 65536, 1);
    EXPECT_TRUE(Snapshot(target_).same_except_mtime(before)) << atomic;
    EXPECT_EQ(Slurp(target_ / "existing"), "keep me");
  }
}

TEST_F(SinkTest, LongDataLeavesNoFile) {
  Spit(target_ / "existing", "keep me");
  DirState before = Snapshot(target_);
  std::string out = Upload("scp -t t", "C0644 5 f\nhelloEXTRA"s, SIZE_MAX, 1);
  EXPECT_EQ(out.substr(0, 2), "\0\0"s);
  EXPECT_NE(out.find("\2scp: protocol error: bad status after file data"), std::string::npos);
  Upload("scp -t t", "C0644 2 existing\nhelloEXTRA\0"s, SIZE_MAX, 1);
  EXPECT_TRUE(Snapshot(target_).same_except_mtime(before));
  std::string big = "C0644 2000000 existing\n" + std::string(2000000, 'x') + "EXTRA\0"s;
  Upload("scp -t t", big, 1 << 20, 1);
  EXPECT_TRUE(Snapshot(target_).same_except_mtime(before));
  EXPECT_EQ(Slurp(target_ / "existing"), "keep me");
}

// libssh2's scp_send (curl, PHP's ssh2_scp_send) closes its side right after the data, without
// the status byte. The file is complete, so it is kept, as OpenSSH's sink keeps it.
TEST_F(SinkTest, EofRightAfterCompleteDataKeepsTheFile) {
  std::string large = RandomBytes(kBufferedUpload + 5, 3);
  for (bool atomic : {false, true}) {
    fs::Policy p;
    p.atomic_uploads = atomic;
    Open(p);
    Spit(target_ / "existing", "old");
    EXPECT_EQ(Upload("scp -t t", "C0644 5 f\nhello"s), "\0\0\0"s);
    EXPECT_EQ(Slurp(target_ / "f"), "hello");
    Upload("scp -t t/existing", "C0644 " + std::to_string(large.size()) + " x\n" + large, 65536);
    EXPECT_EQ(Slurp(target_ / "existing"), large) << atomic;
    EXPECT_EQ(Snapshot(target_).tree.size(), 2u) << atomic;  // no temporary file left
    // Inside a directory the session is unfinished (exit 1), but the file itself is complete.
    Upload("scp -r -t t", "D0755 0 d\nC0644 2 g\nhi"s, SIZE_MAX, 1);
    EXPECT_EQ(Slurp(target_ / "d" / "g"), "hi") << atomic;
    // A status line begun and cut off is not a confirmation.
    Upload("scp -t t", "C0644 2 h\nhi\1scp: h: rea"s, SIZE_MAX, 1);
    EXPECT_FALSE(stdfs::exists(target_ / "h")) << atomic;
    stdfs::remove_all(target_ / "d");
    stdfs::remove(target_ / "f");
  }
}

TEST_F(SinkTest, SourceErrorAfterDataDiscardsTheFile) {
  std::string out =
      Upload("scp -t t", "C0644 5 f\nhello\1scp: f: read error\nC0644 1 g\nG\0"s, SIZE_MAX, 1);
  EXPECT_EQ(out.substr(0, 3), "\0\0\1"s);
  EXPECT_FALSE(stdfs::exists(target_ / "f"));
  EXPECT_EQ(Slurp(target_ / "g"), "G");
  EXPECT_EQ(Snapshot(target_).tree.size(), 1u);
}

TEST_F(SinkTest, RecursiveWithTimesAndModes) {
  std::string in =
      "T1000000000 0 1000000001 0\nD0555 0 top\n"
      "T1200000000 0 1200000001 0\nC0640 3 a\nabc\0"
      "D0700 0 sub\nC0600 0 empty\n\0E\n"
      "E\n"s;
  std::string out = Upload("scp -r -p -t t", in);
  EXPECT_EQ(out.find_first_not_of('\0'), std::string::npos) << Printable(out);
  stdfs::path top = target_ / "top";
  struct stat st;
  ASSERT_EQ(::stat((top / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1200000000);
  EXPECT_EQ(st.st_atime, 1200000001);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  ASSERT_EQ(::stat(top.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1000000000);  // set after the contents arrived
  EXPECT_EQ(st.st_mode & 07777, 0555u);
  ASSERT_EQ(::stat((top / "sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  EXPECT_EQ(Slurp(top / "a"), "abc");
  EXPECT_EQ(Slurp(top / "sub" / "empty"), "");
}

// scp.c's sink applies a T record's times with or without -p; python's scp module (paramiko)
// sends T records without -p when asked to preserve times. -p only makes the mode exact.
TEST_F(SinkTest, TimesApplyWithoutDashPAsInOpenSSH) {
  Upload("scp -r -t t",
         "T1000000000 0 1000000001 0\nC0666 1 f\nx\0"
         "T1100000000 0 1100000000 0\nD0777 0 d\nC0644 1 g\ny\0E\n"s);
  struct stat st;
  ASSERT_EQ(::stat((target_ / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1000000000);
  EXPECT_EQ(st.st_atime, 1000000001);
  EXPECT_EQ(st.st_mode & 07777, 0666u & ~root_->policy().umask);  // without -p, masked
  ASSERT_EQ(::stat((target_ / "d").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1100000000);
  ASSERT_EQ(::stat((target_ / "d" / "g").c_str(), &st), 0);
  EXPECT_GT(st.st_mtime, 1100000000);  // no T record of its own
}

TEST_F(SinkTest, DirectoryWithoutDashRIsAProtocolError) {
  std::string out = Upload("scp -t t", "D0755 0 d\nE\n"s, SIZE_MAX, 1);
  EXPECT_NE(out.find("\2scp: protocol error: received directory without -r"), std::string::npos);
  EXPECT_FALSE(stdfs::exists(target_ / "d"));
}

TEST_F(SinkTest, EndAtTopLevelIsAProtocolError) {
  std::string out = Upload("scp -r -t t", "E\n"s, SIZE_MAX, 1);
  EXPECT_NE(out.find("unexpected E record"), std::string::npos);
}

TEST_F(SinkTest, WarningsAndFatalFromTheSource) {
  std::string out = Upload("scp -t t", "\1scp: x: No such file\nC0644 1 f\nx\0"s, SIZE_MAX, 1);
  EXPECT_EQ(out, "\0\0\0"s);  // warnings are not answered; the exit status records them
  EXPECT_EQ(Slurp(target_ / "f"), "x");
  Sink sink(*root_, Cmd("scp -t t"));
  Run(sink, "\2scp: giving up\nC0644 1 g\nx\0"s, SIZE_MAX, /*eof=*/false);
  EXPECT_TRUE(sink.finished());
  EXPECT_EQ(sink.exit_status(), 1);
  EXPECT_FALSE(stdfs::exists(target_ / "g"));
}

TEST_F(SinkTest, EofInsideADirectoryOrLineFails) {
  Upload("scp -r -t t", "D0755 0 d\n"s, SIZE_MAX, 1);
  Upload("scp -t t", "C0644 1"s, SIZE_MAX, 1);
  Upload("scp -t t", ""s, SIZE_MAX, 0);
}

TEST_F(SinkTest, ExistingDirectoryUnderTheName) {
  stdfs::create_directories(target_ / "d");
  std::string out = Upload("scp -t t", "C0644 1 d\nC0644 1 e\nx\0"s, SIZE_MAX, 1);
  EXPECT_EQ(out.substr(0, 2), "\0\1"s);
  EXPECT_NE(out.find("t/d: Is a directory"), std::string::npos);
  EXPECT_TRUE(stdfs::is_directory(target_ / "d"));
  EXPECT_EQ(Slurp(target_ / "e"), "x");
  Spit(target_ / "f", "file");
  out = Upload("scp -r -t t", "D0755 0 f\nE\n"s, SIZE_MAX, 1);
  EXPECT_NE(out.find("t/f: Not a directory"), std::string::npos);
}

TEST_F(SinkTest, SymlinksStayInsideTheRoot) {
  stdfs::create_symlink(outside_, target_ / "abs");
  stdfs::create_symlink("../../outside", target_ / "rel");
  // Writing "abs" replaces the link itself; entering "rel" resolves inside the root.
  Upload("scp -r -t t", "C0644 1 abs\nx\0D0755 0 rel\nC0644 1 secret\ny\0E\n"s, SIZE_MAX, 1);
  EXPECT_EQ(Slurp(outside_ / "secret"), "OUTSIDE");  // and TearDown compares the whole tree
  Upload("scp -t t/rel/secret", "C0644 1 x\nz\0"s, SIZE_MAX, 1);
  EXPECT_EQ(Slurp(outside_ / "secret"), "OUTSIDE");
}

TEST_F(SinkTest, ReadOnlyPolicy) {
  fs::Policy p;
  p.read_only = true;
  Open(p);
  DirState before = Snapshot(root_dir_);
  std::string out = Upload("scp -r -t t", "C0644 1 f\nD0755 0 d\nC0644 1 g\n"s, SIZE_MAX, 1);
  EXPECT_EQ(Count(out, "Permission denied"), 3u);
  EXPECT_TRUE(Snapshot(root_dir_) == before);
}

TEST_F(SinkTest, DropBoxPolicy) {
  fs::Policy p;
  p.drop_box = true;
  Open(p);
  std::string out = Upload("scp -p -t t", "T1 0 1 0\nC0644 3 f\nabc\0"s);
  EXPECT_EQ(Slurp(target_ / "f"), "abc");
  // No overwrite: refused at the record, whatever the size (the source then sends no data).
  out = Upload("scp -t t", "C0644 3 f\nC0644 1 g\ng\0"s, SIZE_MAX, 1);
  EXPECT_EQ(out.substr(0, 2), "\0\1"s);
  EXPECT_NE(out.find("t/f: Permission denied"), std::string::npos);
  std::string big = "C0644 2000000 f\n"s;
  out = Upload("scp -t t", big, SIZE_MAX, 1);  // a large one at once
  EXPECT_EQ(out.substr(0, 2), "\0\1"s);
  EXPECT_EQ(Slurp(target_ / "f"), "abc");
  EXPECT_EQ(Slurp(target_ / "g"), "g");
}

TEST_F(SinkTest, DeniedRequests) {
  fs::Policy p;
  p.denied_requests = {"mkdir", "write"};
  Open(p);
  std::string out = Upload("scp -r -t t", "C0644 1 f\nD0755 0 d\n"s, SIZE_MAX, 1);
  EXPECT_EQ(Count(out, "Permission denied"), 2u);
  EXPECT_TRUE(Snapshot(target_).tree.empty());
}

TEST_F(SinkTest, AbandonedUploadIsRemoved) {
  for (bool atomic : {false, true}) {
    fs::Policy p;
    p.atomic_uploads = atomic;
    Open(p);
    {
      Sink sink(*root_, Cmd("scp -t t"));
      Run(sink, "C0644 2000000 f\nhel"s, SIZE_MAX, /*eof=*/false);
      EXPECT_FALSE(sink.finished());
      EXPECT_EQ(Snapshot(target_).tree.size(), 1u);  // the temporary file
    }
    EXPECT_TRUE(Snapshot(target_).tree.empty()) << atomic;
  }
}

TEST_F(SinkTest, TemporaryFileOfAKilledProcessIsSwept) {
  // SIGKILL (the OOM killer, a crash) runs no destructor: the temporary file stays, unlocked.
  // It used to be named .f.scp-<hex>, which nothing ever swept; the next upload into the
  // directory now removes it, with any policy.
  for (bool atomic : {false, true}) {
    fs::Policy p;
    p.atomic_uploads = atomic;
    Open(p);
    std::ofstream(target_ / ".f.wharf-0123456789abcdef") << "partial";
    Sink sink(*root_, Cmd("scp -t t"));
    Run(sink, "C0644 5 g\nhello\0"s);
    EXPECT_TRUE(sink.finished());
    EXPECT_EQ(Snapshot(target_).tree.size(), 1u) << atomic;  // g only
    EXPECT_TRUE(stdfs::exists(target_ / "g"));
    stdfs::remove(target_ / "g");
  }
}

TEST_F(SinkTest, SmallAndLargeFilesInOneSession) {
  std::string small = RandomBytes(kBufferedUpload, 8), large = RandomBytes(kBufferedUpload + 1, 9);
  std::string in = "C0600 " + std::to_string(small.size()) + " small\n" + small + Nul() + "C0600 " +
                   std::to_string(large.size()) + " large\n" + large + Nul();
  for (size_t chunk : {size_t{32768}, size_t{1} << 20}) {
    Upload("scp -p -t t", in, chunk);
    EXPECT_EQ(Slurp(target_ / "small"), small);
    EXPECT_EQ(Slurp(target_ / "large"), large);
    EXPECT_EQ(stdfs::status(target_ / "small").permissions(), stdfs::perms(0600));
    EXPECT_EQ(Snapshot(target_).tree.size(), 2u);
  }
}

// A refusal answers the C record, as in scp.c, whatever the file's size: libssh2 (curl, PHP,
// Net::SSH2) reads no status after the data, so a later one would never reach it.
TEST_F(SinkTest, SmallFileInAMissingDirectoryFailsAtItsRecord) {
  std::string out = Upload("scp -t t/missing/f", "C0644 3 f\n"s, SIZE_MAX, 1);
  EXPECT_EQ(out.substr(0, 2), "\0\1"s);
  EXPECT_NE(out.find("No such file or directory"), std::string::npos);
  EXPECT_TRUE(Snapshot(target_).tree.empty());
}

// libssh2 ends an upload with EOF instead of the status byte (see above); scp.c has no
// status, so it never sets the T record's times (and PHP sends them swapped).
TEST_F(SinkTest, TimesOfAnEofTerminatedUploadAreDropped) {
  Upload("scp -p -t t", "T1000000000 0 1000000000 0\nC0644 2 f\nhi"s);  // libssh2: EOF, no \0
  struct stat st;
  ASSERT_EQ(::stat((target_ / "f").c_str(), &st), 0);
  EXPECT_EQ(Slurp(target_ / "f"), "hi");
  EXPECT_GT(st.st_mtime, 1000000000);  // scp.c sets times only after the status byte
}

}  // namespace
}  // namespace wharf::scp::testing

namespace wharf::scp::testing {
namespace {

// Mutated honest sessions: whatever the bytes, the sink ends in an orderly way, never writes
// outside the root, and never leaves a temporary file behind.
TEST_F(SinkTest, MutatedSessions) {
  const std::string honest =
      "T1000000000 0 1000000001 0\nD0755 0 top\nC0640 3 a\nabc\0D0700 0 sub\n"
      "T1 0 2 0\nC0600 5 b\nhello\0E\nE\nC0644 0 empty\n\0"s;
  std::mt19937 gen(20261121);
  for (int i = 0; i < 400; ++i) {
    std::string in = honest;
    int edits = 1 + static_cast<int>(gen() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = gen() % in.size();
      switch (gen() % 4) {
        case 0:
          in[pos] = static_cast<char>(gen());
          break;
        case 1:
          in.erase(pos, 1 + gen() % 8);
          break;
        case 2:
          in.insert(pos, std::string(1 + gen() % 4, "/.\n\0 9-"[gen() % 7]));
          break;
        case 3:
          in.resize(pos);
          break;
      }
      if (in.empty()) in = "C";
    }
    stdfs::path dir = target_ / std::to_string(i);
    stdfs::create_directories(dir);
    Sink sink(*root_, Cmd("scp -r -p -t t/" + std::to_string(i)));
    Run(sink, in, 1 + gen() % 64);
    EXPECT_TRUE(sink.finished());
    for (auto& e : stdfs::recursive_directory_iterator(dir)) {
      // No temporary file of an upload is left (fs/atomic.h's marker).
      EXPECT_EQ(e.path().filename().string().find(".wharf-"), std::string::npos) << e.path();
    }
  }
}

}  // namespace
}  // namespace wharf::scp::testing
