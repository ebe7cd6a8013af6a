// daemon/safe_path.h: a directory path is trusted only if no other account can replace a
// directory on it (writable by group or others without the sticky bit, or owned by another uid).
#include "daemon/safe_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace wharf::daemon {
namespace {

namespace stdfs = std::filesystem;

class SafePath : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/safe_path_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = tmpl;
    stdfs::create_directories(base_ / "a" / "b");
  }
  void TearDown() override { stdfs::remove_all(base_); }
  std::string B() const { return (base_ / "a" / "b").string(); }

  stdfs::path base_;
};

TEST_F(SafePath, OwnedByRootOrUsAndNotWritableByOthers) {
  EXPECT_EQ(unsafe_directory_path(B(), true), std::nullopt);
  ::chmod((base_ / "a").c_str(), 0777);
  auto why = unsafe_directory_path(B(), false);
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(*why, (base_ / "a").string() + " is writable by group or others");
  ::chmod((base_ / "a").c_str(), 01777);  // sticky, as /tmp: others cannot swap "b"
  EXPECT_EQ(unsafe_directory_path(B(), false), std::nullopt);
  ::chmod((base_ / "a").c_str(), 0755);
}

TEST_F(SafePath, TheLastDirectoryOnlyWhenAsked) {
  ::chmod(B().c_str(), 0777);
  EXPECT_EQ(unsafe_directory_path(B(), false), std::nullopt);  // a user's own root may be so
  EXPECT_TRUE(unsafe_directory_path(B(), true).has_value());
}

TEST_F(SafePath, SymlinksAreFollowedAndTheRealPathChecked) {
  stdfs::create_directory_symlink(base_ / "a" / "b", base_ / "link");
  EXPECT_EQ(unsafe_directory_path((base_ / "link").string(), true), std::nullopt);
  ::chmod((base_ / "a").c_str(), 0777);  // the real path's parent, not the link's
  EXPECT_TRUE(unsafe_directory_path((base_ / "link").string(), true).has_value());
  ::chmod((base_ / "a").c_str(), 0755);
  EXPECT_TRUE(unsafe_directory_path((base_ / "missing").string(), true).has_value());
}

TEST_F(SafePath, AnotherOwnerIsRefused) {
  if (::geteuid() == 0) {
    ASSERT_EQ(::chown((base_ / "a").c_str(), 65534, 65534), 0);
    auto why = unsafe_directory_path(B(), false);
    ASSERT_TRUE(why.has_value());
    EXPECT_EQ(*why, (base_ / "a").string() + " is owned by uid 65534");
  } else {
    // Not root: our own directories pass, and "/" is root's.
    EXPECT_EQ(unsafe_directory_path(B(), true), std::nullopt);
    EXPECT_EQ(unsafe_directory_path("/", true), std::nullopt);
  }
}

}  // namespace
}  // namespace wharf::daemon
