// StrictModes and safe key-file reading, on real files in $TEST_TMPDIR. Cases that need root
// (foreign ownership) are visible skips when not run as root, never silent passes.
#include "auth/strict_modes.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace wharf::auth {
namespace {

namespace fs = std::filesystem;
using Status = KeyFileRead::Status;

constexpr uid_t kUserUid = 4242;  // the key owner when running as root
constexpr gid_t kUserGid = 4242;
constexpr uid_t kStrangerUid = 7777;

bool is_root() { return ::geteuid() == 0; }

// True if others may search every directory from `p` up to '/'.
bool searchable_by_others(fs::path p) {
  for (;; p = p.parent_path()) {
    struct stat st;
    if (::stat(p.c_str(), &st) != 0 || (st.st_mode & S_IXOTH) == 0) return false;
    if (p == p.root_path()) return true;
  }
}

// A scratch directory the test user (kUserUid) can reach. $TEST_TMPDIR when its ancestors allow
// that; otherwise (it lies under /root, mode 0700, when the tests run as root) a fresh directory
// under /tmp, removed by the fixture.
fs::path scratch_base(bool& owned) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  owned = false;
  if (tmp != nullptr && (!is_root() || searchable_by_others(tmp))) return tmp;
  std::string templ = "/tmp/wharf-auth-test.XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr || ::chmod(templ.c_str(), 0755) != 0) return {};
  owned = true;
  return templ;
}

class StrictModesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (scratch_.empty()) scratch_ = scratch_base(owned_scratch_);
    ASSERT_FALSE(scratch_.empty());
    base_ = scratch_ / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(base_);
    home_ = base_ / "home" / "alice";
    fs::create_directories(home_ / ".ssh");
    ASSERT_EQ(::chmod(base_.c_str(), 0755), 0);
    ASSERT_EQ(::chmod((base_ / "home").c_str(), 0755), 0);
    ASSERT_EQ(::chmod(home_.c_str(), 0755), 0);
    ASSERT_EQ(::chmod((home_ / ".ssh").c_str(), 0700), 0);
    keys_ = home_ / ".ssh" / "authorized_keys";
    write(keys_, "ssh-ed25519 AAAA test\n", 0600);
    owner_.uid = is_root() ? kUserUid : ::geteuid();
    owner_.gid = is_root() ? kUserGid : ::getegid();
    owner_.home = home_.string();
    give_to_user(home_);
    give_to_user(home_ / ".ssh");
    give_to_user(keys_);
  }

  void TearDown() override {
    if (owned_scratch_) fs::remove_all(scratch_);
  }

  void write(const fs::path& p, const std::string& text, mode_t mode) {
    std::ofstream(p) << text;
    ASSERT_EQ(::chmod(p.c_str(), mode), 0);
  }
  void give_to_user(const fs::path& p) {
    if (is_root()) {
      ASSERT_EQ(::lchown(p.c_str(), owner_.uid, owner_.gid), 0);
    }
  }
  void chmod_add(const fs::path& p, mode_t bits) {
    struct stat st;
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    ASSERT_EQ(::chmod(p.c_str(), (st.st_mode & 07777) | bits), 0);
  }
  KeyFileRead read(const fs::path& p, bool strict = true, size_t max = 1 << 20) {
    return read_key_file(p.string(), owner_, strict, max);
  }
  void expect_refused(const fs::path& p, const std::string& needle) {
    const KeyFileRead r = read(p);
    EXPECT_EQ(r.status, Status::kRefused) << p;
    EXPECT_NE(r.reason.find(needle), std::string::npos) << r.reason;
    EXPECT_TRUE(r.content.empty());
  }

  fs::path scratch_, base_, home_, keys_;
  bool owned_scratch_ = false;
  FileOwner owner_;
};

TEST_F(StrictModesTest, SafeFileIsRead) {
  const KeyFileRead r = read(keys_);
  EXPECT_EQ(r.status, Status::kOk) << r.reason;
  EXPECT_EQ(r.content, "ssh-ed25519 AAAA test\n");
}

TEST_F(StrictModesTest, GroupOrOtherWritableFileIsRefused) {
  for (mode_t bit : {S_IWGRP, S_IWOTH}) {
    ASSERT_EQ(::chmod(keys_.c_str(), 0600 | bit), 0);
    expect_refused(keys_, "bad ownership or modes for file " + keys_.string());
    // Without StrictModes the same file is read.
    EXPECT_EQ(read(keys_, /*strict=*/false).status, Status::kOk);
  }
}

TEST_F(StrictModesTest, WritableDirectoryUpToHomeIsRefused) {
  for (const fs::path& dir : {home_ / ".ssh", home_}) {
    for (mode_t bit : {S_IWGRP, S_IWOTH}) {
      SetUp();
      chmod_add(dir, bit);
      expect_refused(keys_, "bad ownership or modes for directory " + dir.string());
    }
  }
}

TEST_F(StrictModesTest, DirectoriesAboveHomeAreNotChecked) {
  chmod_add(base_ / "home", S_IWOTH);
  EXPECT_EQ(read(keys_).status, Status::kOk);
}

TEST_F(StrictModesTest, FileOutsideHomeIsCheckedUpToRoot) {
  // Every directory up to '/' is checked, so this case works in $TEST_TMPDIR, whose ancestors
  // are safe; as root the key owner is root there (no other user can search /root).
  const char* tmp = std::getenv("TEST_TMPDIR");
  ASSERT_NE(tmp, nullptr);
  base_ = fs::path(tmp) / "outside";
  fs::remove_all(base_);
  fs::create_directories(base_ / "home");
  ASSERT_EQ(::chmod(base_.c_str(), 0755), 0);
  owner_.uid = ::geteuid();
  owner_.gid = ::getegid();
  const fs::path shared = base_ / "shared";
  fs::create_directories(shared);
  ASSERT_EQ(::chmod(shared.c_str(), 0755), 0);
  write(shared / "keys", "x\n", 0644);
  // Every ancestor of $TEST_TMPDIR must itself be safe for the positive case to be meaningful.
  for (fs::path p = base_;; p = p.parent_path()) {
    struct stat st;
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    if ((st.st_mode & 022) != 0 || (st.st_uid != 0 && st.st_uid != owner_.uid)) {
      GTEST_SKIP() << "ancestor " << p << " of $TEST_TMPDIR is itself unsafe";
    }
    if (p == p.root_path()) break;
  }
  EXPECT_EQ(read(shared / "keys").status, Status::kOk) << read(shared / "keys").reason;
  chmod_add(base_ / "home", S_IWGRP);  // not an ancestor of the shared file: no effect
  EXPECT_EQ(read(shared / "keys").status, Status::kOk);
  chmod_add(base_, S_IWOTH);  // an ancestor above the (unrelated) home: checked
  expect_refused(shared / "keys", "bad ownership or modes for directory " + base_.string());
}

TEST_F(StrictModesTest, ForeignOwnershipIsRefused) {
  if (!is_root()) GTEST_SKIP() << "needs root to chown files to another user";
  ASSERT_EQ(::chown(keys_.c_str(), kStrangerUid, kUserGid), 0);
  expect_refused(keys_, "bad ownership or modes for file");
  ASSERT_EQ(::chown(keys_.c_str(), kUserUid, kUserGid), 0);
  ASSERT_EQ(::chown((home_ / ".ssh").c_str(), kStrangerUid, kUserGid), 0);
  expect_refused(keys_, "bad ownership or modes for directory " + (home_ / ".ssh").string());
}

TEST_F(StrictModesTest, RootOwnedIsAcceptedWhenReadable) {
  if (!is_root()) GTEST_SKIP() << "needs root to chown files to root for another user";
  ASSERT_EQ(::chown(keys_.c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod(keys_.c_str(), 0644), 0);
  EXPECT_EQ(read(keys_).status, Status::kOk);
  // Root-owned and 0600: safe, but the user could not read it, so neither do we.
  ASSERT_EQ(::chmod(keys_.c_str(), 0600), 0);
  expect_refused(keys_, "not readable by the user");
  // Readable through a supplementary group.
  ASSERT_EQ(::chown(keys_.c_str(), 0, 5555), 0);
  ASSERT_EQ(::chmod(keys_.c_str(), 0640), 0);
  expect_refused(keys_, "not readable by the user");
  owner_.groups = {5555};
  EXPECT_EQ(read(keys_).status, Status::kOk);
}

TEST_F(StrictModesTest, UnsearchableDirectoryIsRefusedWhenRoot) {
  if (!is_root()) GTEST_SKIP() << "needs root: only root can read through such a directory";
  ASSERT_EQ(::chown((home_ / ".ssh").c_str(), 0, 0), 0);
  ASSERT_EQ(::chmod((home_ / ".ssh").c_str(), 0700), 0);
  expect_refused(keys_, "not searchable by the user");
}

TEST_F(StrictModesTest, SymlinksAreCheckedAtTheirTarget) {
  const fs::path real = home_ / "keys.real";
  write(real, "ssh-ed25519 BBBB real\n", 0600);
  give_to_user(real);
  fs::remove(keys_);
  fs::create_symlink(real, keys_);
  KeyFileRead r = read(keys_);
  EXPECT_EQ(r.status, Status::kOk) << r.reason;
  EXPECT_EQ(r.content, "ssh-ed25519 BBBB real\n");

  // A symlink into a world-writable directory: the target's directory is what is checked.
  const fs::path drop = base_ / "drop";
  fs::create_directories(drop);
  ASSERT_EQ(::chmod(drop.c_str(), 0777), 0);
  write(drop / "keys", "x\n", 0644);
  give_to_user(drop / "keys");
  fs::remove(keys_);
  fs::create_symlink(drop / "keys", keys_);
  expect_refused(keys_, "bad ownership or modes for directory " + drop.string());

  // A dangling symlink is a missing file.
  fs::remove(keys_);
  fs::create_symlink(base_ / "nowhere", keys_);
  EXPECT_EQ(read(keys_).status, Status::kMissing);
}

TEST_F(StrictModesTest, NotARegularFile) {
  fs::remove(keys_);
  ASSERT_EQ(::mkfifo(keys_.c_str(), 0600), 0);  // must not block
  give_to_user(keys_);
  expect_refused(keys_, "not a regular file");
  fs::remove(keys_);
  fs::create_directory(keys_);
  give_to_user(keys_);
  ASSERT_EQ(::chmod(keys_.c_str(), 0700), 0);
  expect_refused(keys_, "not a regular file");
  EXPECT_EQ(read_key_file("/dev/null", owner_, false, 100).status, Status::kRefused);
}

TEST_F(StrictModesTest, MissingTooLargeAndRelative) {
  EXPECT_EQ(read(home_ / ".ssh" / "authorized_keys2").status, Status::kMissing);
  EXPECT_EQ(read(home_ / "nodir" / "authorized_keys").status, Status::kMissing);
  const KeyFileRead big = read(keys_, true, 10);
  EXPECT_EQ(big.status, Status::kRefused);
  EXPECT_NE(big.reason.find("larger than 10 bytes"), std::string::npos);
  EXPECT_EQ(read(keys_, true, 22).status, Status::kOk);  // exactly the size
  EXPECT_EQ(read_key_file("relative/path", owner_, true, 100).status, Status::kRefused);
}

}  // namespace
}  // namespace wharf::auth
