// fs/host_path.h: the walk from "/" that the StrictModes and safe-directory checks rest on.
#include "fs/host_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace wharf::fs {
namespace {

namespace stdfs = std::filesystem;

class HostPath : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/host_path_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = stdfs::canonical(tmpl);
    stdfs::create_directories(base_ / "a" / "b");
  }
  void TearDown() override { stdfs::remove_all(base_); }

  stdfs::path base_;
};

std::vector<std::string> paths_of(const DirChain& chain) {
  std::vector<std::string> out;
  for (const HostDir& d : chain.dirs) out.push_back(d.path);
  return out;
}

TEST_F(HostPath, RealPathFollowsLinksOnceAndSplitsTheNames) {
  stdfs::create_directory_symlink(base_ / "a", base_ / "link");
  auto real = real_path((base_ / "link" / "b" / "..").string() + "/b/");
  ASSERT_TRUE(real.has_value());
  EXPECT_EQ(real->path, (base_ / "a" / "b").string());
  std::vector<std::string> names;
  for (const auto& part : base_.relative_path()) names.push_back(part.string());
  names.push_back("a");
  names.push_back("b");
  EXPECT_EQ(real->names, names);

  errno = 0;
  EXPECT_FALSE(real_path((base_ / "missing").string()).has_value());
  EXPECT_EQ(errno, ENOENT);
  auto root = real_path("/");
  ASSERT_TRUE(root.has_value());
  EXPECT_EQ(root->path, "/");
  EXPECT_TRUE(root->names.empty());
}

TEST_F(HostPath, OpensEachDirectoryFromTheRootAndStatsWhatItOpened) {
  auto real = real_path((base_ / "a" / "b").string());
  ASSERT_TRUE(real.has_value());
  DirChain chain = open_dir_chain(real->names, real->names.size());
  EXPECT_EQ(chain.error, 0);
  ASSERT_EQ(chain.dirs.size(), real->names.size() + 1);
  EXPECT_EQ(chain.dirs.front().path, "/");
  EXPECT_EQ(chain.dirs.back().path, real->path);
  struct stat st {};
  ASSERT_EQ(::stat(real->path.c_str(), &st), 0);
  EXPECT_EQ(chain.dirs.back().st.st_ino, st.st_ino);
  struct stat opened {};
  ASSERT_TRUE(chain.last.valid());
  ASSERT_EQ(::fstat(chain.last.get(), &opened), 0);
  EXPECT_EQ(opened.st_ino, st.st_ino);

  // A shorter chain stops at the parent; zero names opens "/" only.
  DirChain parent = open_dir_chain(real->names, real->names.size() - 1);
  EXPECT_EQ(parent.error, 0);
  EXPECT_EQ(parent.dirs.back().path, (base_ / "a").string());
  DirChain root = open_dir_chain({}, 0);
  EXPECT_EQ(root.error, 0);
  EXPECT_EQ(paths_of(root), std::vector<std::string>{"/"});
}

TEST_F(HostPath, NeverFollowsALinkAndNamesTheStepThatFailed) {
  // A component swapped for a link after realpath() (the race the walk exists for).
  auto real = real_path((base_ / "a" / "b").string());
  ASSERT_TRUE(real.has_value());
  stdfs::rename(base_ / "a", base_ / "elsewhere");
  stdfs::create_directory_symlink(base_ / "elsewhere", base_ / "a");
  DirChain chain = open_dir_chain(real->names, real->names.size());
  EXPECT_NE(chain.error, 0);
  EXPECT_EQ(chain.failed, (base_ / "a").string());
  EXPECT_FALSE(chain.last.valid());
  EXPECT_EQ(chain.dirs.back().path, base_.string());  // what was opened before the link

  stdfs::remove(base_ / "a");
  DirChain gone = open_dir_chain(real->names, real->names.size());
  EXPECT_EQ(gone.error, ENOENT);
  EXPECT_EQ(gone.failed, (base_ / "a").string());
}

}  // namespace
}  // namespace wharf::fs
