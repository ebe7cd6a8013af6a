// fs atomic uploads under faults (issue 8), in process: a failed write (EFBIG from RLIMIT_FSIZE,
// as a full disk gives ENOSPC) is never committed, a write into an existing file without O_TRUNC
// stays atomic and keeps the unwritten bytes, and a dead owner's temporary files are removed by
// the session's first atomic upload into their directory while a live owner's (locked) one is
// left alone.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "fs/root.h"
#include "tests/fs/fixture.h"

namespace wharf::fs {
namespace {

namespace stdfs = std::filesystem;

using testing::slurp;
using testing::spit;

class AtomicFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = stdfs::path(tmp ? tmp : "/tmp") /
           ("atomic_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(dir_);
    stdfs::create_directories(dir_);
    Policy p;
    p.atomic_uploads = true;
    auto r = Root::open(dir_.string(), p);
    ASSERT_TRUE(r.ok()) << r.error();
    root_ = std::move(*r);
  }
  void TearDown() override {
    root_.reset();
    stdfs::remove_all(dir_);
  }
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& e : stdfs::directory_iterator(dir_)) names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  stdfs::path dir_;
  std::unique_ptr<Root> root_;
};

// RLIMIT_FSIZE makes writes past `limit` fail with EFBIG (SIGXFSZ ignored) while in scope.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t limit) {
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
    ::getrlimit(RLIMIT_FSIZE, &old_);
    struct rlimit r = old_;
    r.rlim_cur = limit;
    ::setrlimit(RLIMIT_FSIZE, &r);
  }
  ~FileSizeLimit() {
    ::setrlimit(RLIMIT_FSIZE, &old_);
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  struct rlimit old_;
  sighandler_t old_handler_;
};

TEST_F(AtomicFaults, FailedWriteIsNeverCommitted) {
  spit(dir_ / "target", "OLD");
  auto f = root_->open("target", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(f.ok()) << f.error();
  std::string block(4096, 'x');
  ASSERT_TRUE(f->pwrite(block.data(), block.size(), 0).ok());
  {
    FileSizeLimit limit(8192);
    auto s = f->pwrite(block.data(), block.size(), 1 << 20);  // a full disk, as far as we know
    EXPECT_EQ(s.error(), EFBIG);
  }
  ASSERT_TRUE(f->pwrite(block.data(), block.size(), 4096).ok());  // later writes succeed ...
  auto closed = f->close();                                       // ... but the upload is bad
  EXPECT_EQ(closed.error(), EFBIG);
  EXPECT_EQ(slurp(dir_ / "target"), "OLD");
  EXPECT_EQ(Names(), std::vector<std::string>{"target"});
}

TEST_F(AtomicFaults, WriteWithoutTruncIsAtomicAndKeepsUnwrittenBytes) {
  spit(dir_ / "target", "0123456789");
  stdfs::permissions(dir_ / "target", stdfs::perms(0640));
  auto f = root_->open("target", O_WRONLY | O_CREAT, 0600);
  ASSERT_TRUE(f.ok()) << f.error();
  ASSERT_TRUE(f->pwrite("AB", 2, 2).ok());
  EXPECT_EQ(slurp(dir_ / "target"), "0123456789");  // nothing visible before the close
  EXPECT_EQ(Names().size(), 2u);
  ASSERT_TRUE(f->close().ok());
  EXPECT_EQ(slurp(dir_ / "target"), "01AB456789");
  EXPECT_EQ(stdfs::status(dir_ / "target").permissions(), stdfs::perms(0640));
  EXPECT_EQ(Names(), std::vector<std::string>{"target"});
}

TEST_F(AtomicFaults, AbandonedWriteWithoutTruncLeavesTheOldFile) {
  spit(dir_ / "target", "0123456789");
  {
    auto f = root_->open("target", O_WRONLY | O_CREAT, 0600);
    ASSERT_TRUE(f.ok()) << f.error();
    ASSERT_TRUE(f->pwrite("AB", 2, 2).ok());
  }  // a dropped connection: destroyed without close()
  EXPECT_EQ(slurp(dir_ / "target"), "0123456789");
  EXPECT_EQ(Names(), std::vector<std::string>{"target"});
}

TEST_F(AtomicFaults, DeadOwnersTemporaryFileIsRemovedLiveOnesStay) {
  const std::string dead = ".target.wharf-00000000000000aa";
  const std::string live = ".target.wharf-00000000000000bb";
  const std::string other = ".other.wharf-00000000000000cc";  // another name's, also dead
  spit(dir_ / dead, "partial data of a killed child");
  spit(dir_ / live, "partial data of a running upload");
  spit(dir_ / other, "partial data of another file");
  int held = ::open((dir_ / live).c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);
  auto f = root_->open("target", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(f.ok()) << f.error();
  ASSERT_TRUE(f->pwrite("NEW", 3, 0).ok());
  ASSERT_TRUE(f->close().ok());
  ::close(held);
  EXPECT_EQ(slurp(dir_ / "target"), "NEW");
  EXPECT_EQ(Names(), (std::vector<std::string>{live, "target"}));
}

// A client can never make a file under a temporary's name, in any session: the next sweep would
// take it for an abandoned upload and remove it.
TEST_F(AtomicFaults, ClientsCannotCreateTemporaryNames) {
  const std::string reserved = ".a.wharf-00000000000000a1";
  spit(dir_ / "x", "X");
  auto plain = Root::open(dir_.string(), Policy{});
  ASSERT_TRUE(plain.ok());
  for (Root* root : {root_.get(), plain->get()}) {
    auto created = root->open(reserved, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.error(), EACCES);
    EXPECT_EQ(root->open("sub/../" + reserved, O_WRONLY | O_CREAT, 0644).error(), EACCES);
    EXPECT_EQ(root->rename("x", reserved, false).error(), EACCES);
    EXPECT_EQ(root->link("x", reserved).error(), EACCES);
    EXPECT_EQ(root->symlink(reserved, "dangling").error(), EACCES);
    EXPECT_EQ(root->copy_file("x", reserved, false).error(), EACCES);
  }
  EXPECT_EQ(Names(), std::vector<std::string>{"x"});
  // Names that only look alike stay the client's.
  for (const std::string name : {"a.wharf-00000000000000a1", ".a.wharf-00000000000000a",
                                 ".a.wharf-00000000000000A1", ".a.wharf-00000000000000a1.txt"}) {
    auto f = plain->get()->open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    EXPECT_TRUE(f.ok()) << name;
    if (f.ok()) {
      EXPECT_TRUE(f->close().ok());
    }
  }
  // A temporary the host left there can still be read.
  spit(dir_ / reserved, "T");
  EXPECT_TRUE(plain->get()->open(reserved, O_RDONLY, 0).ok());
}

// The sweep reads the whole directory, so a session does it once per directory: a drop box with
// thousands of files is not re-read at every upload. The next session sweeps again.
TEST_F(AtomicFaults, EachSessionSweepsADirectoryOnce) {
  const std::string first = ".a.wharf-00000000000000a1";
  const std::string later = ".a.wharf-00000000000000a2";
  spit(dir_ / first, "dead before the session");
  auto upload = [](Root& root, const char* name) {
    auto f = root.open(name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_TRUE(f.ok()) << f.error();
    ASSERT_TRUE(f->close().ok());
  };
  upload(*root_, "a");
  EXPECT_EQ(Names(), std::vector<std::string>{"a"});
  spit(dir_ / later, "died during the session");
  upload(*root_, "a");
  EXPECT_EQ(Names(), (std::vector<std::string>{later, "a"}));
  Policy p;
  p.atomic_uploads = true;
  auto next_session = Root::open(dir_.string(), p);
  ASSERT_TRUE(next_session.ok()) << next_session.error();
  upload(**next_session, "b");
  EXPECT_EQ(Names(), (std::vector<std::string>{"a", "b"}));
}

TEST_F(AtomicFaults, TwoUploadsOfOneNameDoNotRemoveEachOther) {
  // Two sessions (two Roots): the second one's first upload into the directory sweeps it, and
  // must leave the first session's live temporary file alone (it is locked). The handles of one
  // session on one name share an upload instead (root_test).
  Policy p;
  p.atomic_uploads = true;
  auto other = Root::open(dir_.string(), p);
  ASSERT_TRUE(other.ok()) << other.error();
  auto a = root_->open("target", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(a->pwrite("first", 5, 0).ok());
  auto b = (*other)->open("target", O_WRONLY | O_CREAT | O_TRUNC, 0644);  // sweeps: a is locked
  ASSERT_TRUE(b.ok()) << b.error();
  ASSERT_TRUE(b->pwrite("second", 6, 0).ok());
  ASSERT_TRUE(a->close().ok());
  EXPECT_EQ(slurp(dir_ / "target"), "first");
  ASSERT_TRUE(b->close().ok());
  EXPECT_EQ(slurp(dir_ / "target"), "second");
  EXPECT_EQ(Names(), std::vector<std::string>{"target"});
}

}  // namespace
}  // namespace wharf::fs
