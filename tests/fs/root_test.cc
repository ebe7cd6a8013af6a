// fs::Root behaviour: operations, policies, atomic uploads. Confinement vectors are in
// confinement_test.cc.
#include <fcntl.h>

#include <cstring>

#include "fs/fdops.h"
#include "fs/path.h"
#include "tests/fs/fixture.h"

namespace wharf::fs::testing {
namespace {

Attrs ModeAttrs(mode_t mode, int64_t time = -1) {
  Attrs a;
  a.mode = mode;
  if (time >= 0) a.atime = a.mtime = time;
  return a;
}

TEST(Path, SplitAndNormalize) {
  EXPECT_EQ(split_path("/a/b").parent, "/a");
  EXPECT_EQ(split_path("/a/b").name, "b");
  EXPECT_EQ(split_path("b").parent, ".");
  EXPECT_EQ(split_path("/b/").name, "b");
  EXPECT_EQ(split_path("/").name, "");
  EXPECT_EQ(split_path("a/..").name, "");
  EXPECT_EQ(split_path("a/..").parent, "a/..");
  EXPECT_EQ(normalize("../../a//./b/"), "/a/b");
  EXPECT_EQ(normalize(""), "/");
  EXPECT_EQ(normalize("/a/../../.."), "/");
  EXPECT_TRUE(target_stays_inside("/a/b", "../c"));
  EXPECT_TRUE(target_stays_inside("/a", "../c"));
  EXPECT_FALSE(target_stays_inside("/a", "../../c"));
  EXPECT_FALSE(target_stays_inside("/", "x/../../etc"));
  EXPECT_FALSE(target_stays_inside("/", ""));
  EXPECT_TRUE(climbs(".."));
  EXPECT_TRUE(climbs("a/../b"));
  EXPECT_TRUE(climbs("a//..//"));
  EXPECT_FALSE(climbs("a/..b/c.."));
  EXPECT_FALSE(climbs("./a/b"));
}

TEST_F(RootFixture, WriteReadStatRoundTrip) {
  auto f = root_->open("/new", O_WRONLY | O_CREAT | O_TRUNC, 0640);
  ASSERT_TRUE(f.ok()) << std::strerror(f.error());
  ASSERT_TRUE(f->pwrite("hello", 5, 0).ok());
  ASSERT_TRUE(f->close().ok());
  EXPECT_EQ(slurp(root_dir_ / "new"), "hello");
  auto st = root_->stat("new", true);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->st_size, 5);
  EXPECT_EQ(st->st_mode & 0777, 0640u);
  auto r = root_->open("new", O_RDONLY, 0);
  ASSERT_TRUE(r.ok());
  char buf[16];
  auto n = r->pread(buf, sizeof buf, 1);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "ello");
  EXPECT_FALSE(r->pwrite("x", 1, 0).ok());
}

TEST_F(RootFixture, RealpathIsClientView) {
  stdfs::create_directories(root_dir_ / "a" / "b");
  stdfs::create_directory_symlink("a/b", root_dir_ / "lnk");
  EXPECT_EQ(*root_->realpath("."), "/");
  EXPECT_EQ(*root_->realpath(""), "/");
  EXPECT_EQ(*root_->realpath("../../.."), "/");
  EXPECT_EQ(*root_->realpath("a/./b/.."), "/a");
  EXPECT_EQ(*root_->realpath("lnk"), "/a/b");
  EXPECT_EQ(*root_->realpath("a/missing"), "/a/missing");
  EXPECT_EQ(root_->realpath("missing/x").error(), ENOENT);
  // ".." after a symlink is the parent of its target, as for every other request (and for
  // realpath(3)); it once was the link's own directory, read as text.
  EXPECT_EQ(*root_->realpath("lnk/.."), "/a");
  EXPECT_EQ(*root_->realpath("lnk/../missing"), "/a/missing");
  EXPECT_EQ(root_->realpath("missing/../a").error(), ENOENT);
  EXPECT_EQ(root_->realpath("missing/..").error(), ENOENT);
}

// realpath() walks the path itself (a chrooted session has no /proc for the kernel's answer),
// and must answer as OpenSSH's sftp_realpath() does.
TEST_F(RootFixture, RealpathFollowsLinksAsSftpServerDoes) {
  stdfs::create_directories(root_dir_ / "a" / "b" / "c");
  stdfs::create_directory_symlink("a/b", root_dir_ / "lnk");
  stdfs::create_directory_symlink("/a/b/c", root_dir_ / "a" / "abs");  // read from the root
  stdfs::create_directory_symlink("../lnk/c", root_dir_ / "a" / "chain");
  stdfs::create_symlink("loop2", root_dir_ / "loop1");
  stdfs::create_symlink("loop1", root_dir_ / "loop2");
  stdfs::create_symlink("nowhere", root_dir_ / "dangling");
  std::ofstream(root_dir_ / "a" / "f") << "x";
  const std::pair<const char*, const char*> found[] = {
      {"a/abs", "/a/b/c"},      {"a/abs/..", "/a/b"},    {"a/chain", "/a/b/c"},
      {"a/chain/..", "/a/b"},   {"a/chain/../..", "/a"}, {"/a//b/", "/a/b"},
      {"dangling", "/nowhere"}, {"a/f", "/a/f"},         {"lnk/c/../../b", "/a/b"}};
  for (const auto& [path, want] : found) {
    auto got = root_->realpath(path);
    ASSERT_TRUE(got.ok()) << path;
    EXPECT_EQ(*got, want) << path;
  }
  EXPECT_EQ(root_->realpath("loop1").error(), ELOOP);
  EXPECT_EQ(root_->realpath("a/f/x").error(), ENOTDIR);
}

TEST_F(RootFixture, DirectoryOps) {
  ASSERT_TRUE(root_->mkdir("d", 0755).ok());
  EXPECT_EQ(root_->mkdir("d", 0755).error(), EEXIST);
  spit(root_dir_ / "d" / "f", "x");
  auto dir = root_->opendir("/d");
  ASSERT_TRUE(dir.ok());
  std::set<std::string> names;
  for (;;) {
    auto e = dir->next();
    ASSERT_TRUE(e.ok());
    if (!*e) break;
    names.insert((*e)->name);
  }
  EXPECT_EQ(names, (std::set<std::string>{".", "..", "f"}));
  EXPECT_EQ(root_->rmdir("d").error(), ENOTEMPTY);
  ASSERT_TRUE(root_->remove("d/f").ok());
  ASSERT_TRUE(root_->rmdir("d").ok());
  EXPECT_FALSE(stdfs::exists(root_dir_ / "d"));
}

TEST_F(RootFixture, RootDotDotListsTheRootItself) {
  auto dir = root_->opendir("/");
  ASSERT_TRUE(dir.ok());
  struct stat root_st;
  ASSERT_EQ(::stat(root_dir_.c_str(), &root_st), 0);
  bool saw = false;
  for (auto e = dir->next(); e.ok() && *e; e = dir->next()) {
    if ((*e)->name == "..") {
      saw = true;
      EXPECT_EQ((*e)->st.st_ino, root_st.st_ino);
    }
  }
  EXPECT_TRUE(saw);
}

TEST_F(RootFixture, RenameLinkSymlinkReadlink) {
  spit(root_dir_ / "a", "A");
  spit(root_dir_ / "b", "B");
  EXPECT_EQ(root_->rename("a", "b", false).error(), EEXIST);
  ASSERT_TRUE(root_->rename("a", "b", true).ok());
  EXPECT_EQ(slurp(root_dir_ / "b"), "A");
  ASSERT_TRUE(root_->link("b", "c").ok());
  EXPECT_EQ(stdfs::hard_link_count(root_dir_ / "b"), 2u);
  ASSERT_TRUE(root_->symlink("b", "s").ok());
  EXPECT_EQ(*root_->readlink("s"), "b");
  EXPECT_TRUE(S_ISLNK(root_->stat("s", false)->st_mode));
  EXPECT_TRUE(S_ISREG(root_->stat("s", true)->st_mode));
  EXPECT_EQ(root_->symlink("../outside", "s2").error(), EPERM);
  EXPECT_EQ(root_->symlink(outside_.string(), "s3").error(), EPERM);
  EXPECT_FALSE(stdfs::is_symlink(root_dir_ / "s2"));
  EXPECT_FALSE(stdfs::is_symlink(root_dir_ / "s3"));
}

TEST_F(RootFixture, SymlinkTargetsNeverClimbSoMovingThemCannotEscape) {
  // Lexically inside at its depth, with "x" missing; once moved to the top and "x" made, it
  // would name <root>/../../etc/passwd for any host process that follows it.
  ASSERT_TRUE(root_->mkdir("a", 0755).ok());
  ASSERT_TRUE(root_->mkdir("a/b", 0755).ok());
  EXPECT_EQ(root_->symlink("x/../../../etc/passwd", "a/b/l").error(), EPERM);
  EXPECT_EQ(root_->symlink("../f", "a/b/l").error(), EPERM);  // inside today, not after a move
  EXPECT_EQ(root_->symlink("./../f", "a/l").error(), EPERM);
  ASSERT_TRUE(root_->symlink("b/c", "a/l").ok());  // descends: inside wherever it goes
  ASSERT_TRUE(root_->rename("a/l", "top", false).ok());
  EXPECT_EQ(*root_->readlink("top"), "b/c");
  EXPECT_FALSE(stdfs::is_symlink(root_dir_ / "a" / "b" / "l"));
}

TEST_F(RootFixture, ChrootedSessionRefusesAbsoluteSymlinkTargets) {
  // Chrooted, the root is opened as "/", but "/etc/passwd" still names the host's file for
  // every process outside the chroot.
  Policy p;
  p.chrooted = true;
  auto chrooted = Root::open(root_dir_.string(), p);
  ASSERT_TRUE(chrooted.ok());
  EXPECT_EQ((*chrooted)->symlink("/etc/passwd", "abs").error(), EPERM);
  EXPECT_EQ((*chrooted)->symlink("/inside", "abs").error(), EPERM);
  EXPECT_FALSE(stdfs::is_symlink(root_dir_ / "abs"));
  EXPECT_TRUE((*chrooted)->symlink("inside", "rel").ok());
}

// Debian 12's own kernel (6.1) has no fchmodat2, and a chrooted session has no /proc: SETSTAT
// must still change a file's and a directory's mode and times (they used to fail with ENOENT).
TEST_F(RootFixture, SetstatWorksWithoutFchmodat2AndProc) {
  spit(root_dir_ / "f", "12345");
  stdfs::create_directory(root_dir_ / "d");
  struct Knob {
    Knob() { fdops::testing::pre_6_6_chroot = true; }
    ~Knob() { fdops::testing::pre_6_6_chroot = false; }
  } knob;
  Attrs a;
  a.mode = 0640;
  a.atime = 1000;
  a.mtime = 2000;
  for (const char* name : {"f", "d"}) {
    ASSERT_TRUE(root_->setstat(name, a, true).ok()) << name;
    struct stat st;
    ASSERT_EQ(::stat((root_dir_ / name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0640u) << name;
    EXPECT_EQ(st.st_mtime, 2000) << name;
    EXPECT_EQ(st.st_atime, 1000) << name;
  }
}

TEST_F(RootFixture, SetstatFollowsInsideAndLsetstatDoesNot) {
  spit(root_dir_ / "f", "12345");
  stdfs::create_symlink("f", root_dir_ / "l");
  Attrs a;
  a.size = 2;
  a.mode = 0600;
  a.atime = 1000;
  a.mtime = 2000;
  ASSERT_TRUE(root_->setstat("l", a, true).ok());
  struct stat st;
  ASSERT_EQ(::stat((root_dir_ / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_size, 2);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_mtime, 2000);
  Attrs t;
  t.atime = 5;
  t.mtime = 6;
  ASSERT_TRUE(root_->setstat("l", t, false).ok());
  ASSERT_EQ(::lstat((root_dir_ / "l").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 6);
  ASSERT_EQ(::stat((root_dir_ / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 2000);
}

TEST_F(RootFixture, ReadOnlyPolicyRefusesEveryChange) {
  Policy p;
  p.read_only = true;
  Reopen(p);
  EXPECT_EQ(root_->open("n", O_WRONLY | O_CREAT, 0644).error(), EACCES);
  EXPECT_EQ(root_->open("inside", O_WRONLY, 0).error(), EACCES);
  EXPECT_EQ(root_->mkdir("d", 0755).error(), EACCES);
  EXPECT_EQ(root_->remove("inside").error(), EACCES);
  EXPECT_EQ(root_->rename("inside", "x", true).error(), EACCES);
  EXPECT_EQ(root_->symlink("inside", "x").error(), EACCES);
  EXPECT_EQ(root_->link("inside", "x").error(), EACCES);
  EXPECT_EQ(root_->setstat("inside", ModeAttrs(0600), true).error(), EACCES);
  EXPECT_TRUE(root_->open("inside", O_RDONLY, 0).ok());
  EXPECT_EQ(slurp(root_dir_ / "inside"), "INSIDE");
  EXPECT_EQ(std::distance(stdfs::directory_iterator(root_dir_), {}), 1);
}

TEST_F(RootFixture, DropBoxUploadsOnly) {
  Policy p;
  p.drop_box = true;
  Reopen(p);
  auto f = root_->open("up", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->pwrite("data", 4, 0).ok());
  EXPECT_FALSE(stdfs::exists(root_dir_ / "up"));  // atomic: not there before close
  ASSERT_TRUE(f->close().ok());
  EXPECT_EQ(slurp(root_dir_ / "up"), "data");
  EXPECT_TRUE(root_->stat("up", true).ok());               // what it wrote
  EXPECT_EQ(root_->stat("inside", true).error(), EACCES);  // what it did not
  EXPECT_TRUE(root_->stat("/", true).ok());                // directories
  EXPECT_TRUE(root_->setstat("up", ModeAttrs(0600, 1), true).ok());
  EXPECT_EQ(stdfs::status(root_dir_ / "up").permissions(), stdfs::perms(0644));
  EXPECT_EQ(root_->open("up", O_WRONLY | O_CREAT | O_TRUNC, 0644).error(), EACCES);
  // O_APPEND must not open a way around the refusal of existing files (it once skipped it).
  EXPECT_EQ(root_->open("up", O_WRONLY | O_CREAT | O_APPEND, 0644).error(), EACCES);
  EXPECT_EQ(root_->open("up", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644).error(), EACCES);
  EXPECT_EQ(root_->open("inside", O_WRONLY | O_CREAT | O_APPEND, 0644).error(), EACCES);
  EXPECT_EQ(root_->open("inside", O_RDONLY, 0).error(), EACCES);
  EXPECT_EQ(root_->opendir("/").error(), EACCES);
  EXPECT_EQ(root_->remove("up").error(), EACCES);
  EXPECT_EQ(root_->rename("up", "x", true).error(), EACCES);
  EXPECT_EQ(slurp(root_dir_ / "up"), "data");
  EXPECT_EQ(slurp(root_dir_ / "inside"), "INSIDE");
  // A new file may still be uploaded with O_APPEND: atomically, each write at its end.
  auto a = root_->open("appended", O_WRONLY | O_CREAT | O_APPEND, 0644);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->pwrite("one", 3, 100).ok());
  ASSERT_TRUE(a->pwrite("two", 3, 0).ok());
  EXPECT_FALSE(stdfs::exists(root_dir_ / "appended"));
  ASSERT_TRUE(a->close().ok());
  EXPECT_EQ(slurp(root_dir_ / "appended"), "onetwo");
}

TEST_F(RootFixture, AtomicUploadAbandonedLeavesPreviousFile) {
  Policy p;
  p.atomic_uploads = true;
  Reopen(p);
  {
    auto f = root_->open("inside", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->pwrite("PARTIAL", 7, 0).ok());
    EXPECT_EQ(std::distance(stdfs::directory_iterator(root_dir_), {}), 2);  // + hidden temp
  }                                                                         // dropped without close
  EXPECT_EQ(slurp(root_dir_ / "inside"), "INSIDE");
  EXPECT_EQ(std::distance(stdfs::directory_iterator(root_dir_), {}), 1);
  auto f = root_->open("inside", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(f->pwrite("NEW", 3, 0).ok());
  ASSERT_TRUE(f->close().ok());
  EXPECT_EQ(slurp(root_dir_ / "inside"), "NEW");
  EXPECT_EQ(std::distance(stdfs::directory_iterator(root_dir_), {}), 1);
}

TEST_F(RootFixture, AtomicUploadHandlesOfOneNameShareOneFile) {
  // Two handles on one name once made two temporary files, and the last close won: "AAAAA" at
  // 0 through one and "BBBBB" at 5 through the other left 01234BBBBB, all replies OK.
  Policy p;
  p.atomic_uploads = true;
  Reopen(p);
  spit(root_dir_ / "g", "0123456789");
  auto a = root_->open("g", O_WRONLY | O_CREAT, 0644);
  auto b = root_->open("./g", O_RDWR | O_CREAT, 0644);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(a->pwrite("AAAAA", 5, 0).ok());
  ASSERT_TRUE(b->pwrite("BBBBB", 5, 5).ok());
  char buf[10];
  ASSERT_EQ(*b->pread(buf, sizeof buf, 0), 10u);  // reads back what both wrote
  EXPECT_EQ(std::string(buf, 10), "AAAAABBBBB");
  ASSERT_TRUE(a->close().ok());
  EXPECT_EQ(slurp(root_dir_ / "g"), "0123456789");  // b is still open: not committed yet
  ASSERT_TRUE(b->close().ok());
  EXPECT_EQ(slurp(root_dir_ / "g"), "AAAAABBBBB");
  EXPECT_EQ(std::distance(stdfs::directory_iterator(root_dir_), {}), 2);  // inside, g
  // O_EXCL: the name is taken while this session uploads it.
  auto c = root_->open("h", O_WRONLY | O_CREAT | O_EXCL, 0644);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(root_->open("h", O_WRONLY | O_CREAT | O_EXCL, 0644).error(), EEXIST);
  // O_TRUNC through a second handle truncates the shared file, as it would the real one.
  ASSERT_TRUE(c->pwrite("long text", 9, 0).ok());
  auto d = root_->open("h", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(d.ok());
  ASSERT_TRUE(d->pwrite("hi", 2, 0).ok());
  ASSERT_TRUE(d->close().ok());
  ASSERT_TRUE(c->close().ok());
  EXPECT_EQ(slurp(root_dir_ / "h"), "hi");
  // Handles dropped without close (a lost connection): nothing committed, nothing left.
  {
    auto e = root_->open("k", O_WRONLY | O_CREAT, 0644);
    auto f = root_->open("k", O_WRONLY | O_CREAT, 0644);
    ASSERT_TRUE(e->pwrite("E", 1, 0).ok());
    ASSERT_TRUE(f->close().ok());  // not the last handle: e is still open
    EXPECT_FALSE(stdfs::exists(root_dir_ / "k"));
  }
  EXPECT_FALSE(stdfs::exists(root_dir_ / "k"));
  EXPECT_EQ(std::distance(stdfs::directory_iterator(root_dir_), {}), 3);  // inside, g, h
}

TEST_F(RootFixture, UmaskAndForcedModes) {
  Policy p;
  p.umask = 027;
  Reopen(p);
  ASSERT_TRUE(root_->open("a", O_WRONLY | O_CREAT, 0666)->close().ok());
  EXPECT_EQ(stdfs::status(root_dir_ / "a").permissions(), stdfs::perms(0640));
  p.file_mode = 0604;
  p.dir_mode = 02711;
  Reopen(p);
  ASSERT_TRUE(root_->open("b", O_WRONLY | O_CREAT, 0777)->close().ok());
  EXPECT_EQ(stdfs::status(root_dir_ / "b").permissions(), stdfs::perms(0604));
  ASSERT_TRUE(root_->mkdir("d", 0700).ok());
  struct stat st;
  ASSERT_EQ(::stat((root_dir_ / "d").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 02711u);
  ASSERT_TRUE(root_->setstat("b", ModeAttrs(0777), true).ok());  // forced: ignored
  EXPECT_EQ(stdfs::status(root_dir_ / "b").permissions(), stdfs::perms(0604));
}

TEST_F(RootFixture, CopyFileAndRange) {
  std::string big(3 << 20, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  spit(root_dir_ / "src", big);
  ASSERT_TRUE(root_->copy_file("src", "dst", false).ok());
  EXPECT_EQ(slurp(root_dir_ / "dst"), big);
  EXPECT_EQ(root_->copy_file("src", "dst", false).error(), EEXIST);
  auto a = root_->open("src", O_RDONLY, 0);
  auto b = root_->open("part", O_RDWR | O_CREAT, 0644);
  ASSERT_TRUE(Root::copy_range(*a, 10, 100, *b, 5).ok());
  EXPECT_EQ(slurp(root_dir_ / "part"), std::string(5, '\0') + big.substr(10, 100));
  EXPECT_EQ(Root::copy_range(*a, big.size() - 1, 10, *b, 0).error(), ENODATA);
  // Onto itself: refused before anything is truncated, by name and through another link.
  ASSERT_EQ(::link((root_dir_ / "src").c_str(), (root_dir_ / "src-link").c_str()), 0);
  EXPECT_EQ(root_->copy_file("src", "src", true).error(), EDEADLK);
  EXPECT_EQ(root_->copy_file("src", "src-link", true).error(), EDEADLK);
  EXPECT_EQ(slurp(root_dir_ / "src"), big);
  // Two handles of one file: an overlap, or "to the end" (which would never end), is refused.
  auto w = root_->open("src", O_WRONLY, 0);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(Root::copy_range(*a, 0, 0, *w, big.size()).error(), EDEADLK);
  EXPECT_EQ(Root::copy_range(*a, 0, 100, *w, 50).error(), EDEADLK);
  EXPECT_EQ(Root::copy_range(*a, 100, 100, *w, 150).error(), EDEADLK);
  EXPECT_TRUE(Root::copy_range(*a, 0, 100, *w, 100).ok());
  EXPECT_EQ(stdfs::file_size(root_dir_ / "src"), big.size());
}

// Holes of the source stay holes where the destination has nothing yet, and are zeros where it
// had data: a sparse file of any apparent size must not fill the disk when copied.
TEST_F(RootFixture, CopyKeepsHolesPastTheDestinationsEnd) {
  constexpr off_t kSize = 64 << 20;
  {
    int fd = ::open((root_dir_ / "sparse").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::pwrite(fd, "beg", 3, 0), 3);
    ASSERT_EQ(::pwrite(fd, "end", 3, kSize - 3), 3);
    ::close(fd);
  }
  auto blocks_of = [this](const char* name) {
    struct stat st {};
    EXPECT_EQ(::stat((root_dir_ / name).c_str(), &st), 0);
    return std::pair<off_t, off_t>(st.st_size, st.st_blocks * 512);
  };
  ASSERT_LT(blocks_of("sparse").second, 1 << 20);  // the file system keeps holes
  ASSERT_TRUE(root_->copy_file("sparse", "copy", false).ok());
  auto [size, used] = blocks_of("copy");
  EXPECT_EQ(size, kSize);
  EXPECT_LT(used, 1 << 20);
  std::string copy = slurp(root_dir_ / "copy");
  EXPECT_EQ(copy, slurp(root_dir_ / "sparse"));
  // Into a file that had data there: the hole's zeros are written.
  spit(root_dir_ / "full", std::string(1 << 20, 'y'));
  auto src = root_->open("sparse", O_RDONLY, 0);
  auto full = root_->open("full", O_RDWR, 0);
  ASSERT_TRUE(src.ok() && full.ok());
  ASSERT_TRUE(Root::copy_range(*src, 0, 2 << 20, *full, 0).ok());
  EXPECT_EQ(slurp(root_dir_ / "full"), "beg" + std::string((2 << 20) - 3, '\0'));
  // A range ending in a hole still gives the destination its full length.
  auto tail = root_->open("tail", O_RDWR | O_CREAT, 0644);
  ASSERT_TRUE(Root::copy_range(*src, 1 << 20, 4 << 20, *tail, 0).ok());
  EXPECT_EQ(blocks_of("tail").first, 4 << 20);
  EXPECT_EQ(slurp(root_dir_ / "tail"), std::string(4 << 20, '\0'));
}

}  // namespace
}  // namespace wharf::fs::testing
