// A scratch tree for confinement tests: a root, an outside directory with a secret, siblings
// sharing the root's name prefix, and helpers to plant files and symlinks from the host side.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "fs/root.h"

namespace wharf::fs::testing {

namespace stdfs = std::filesystem;

inline std::string slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void spit(const stdfs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

class RootFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    base_ = stdfs::path(tmp ? tmp : "/tmp") /
            ("fs_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(base_);
    root_dir_ = base_ / "root";
    outside_ = base_ / "outside";
    for (auto d : {root_dir_, outside_, base_ / "root0", base_ / "root_bak"}) {
      stdfs::create_directories(d);
    }
    spit(outside_ / "secret", "OUTSIDE");
    spit(base_ / "root0" / "secret", "ROOT0");
    spit(base_ / "root_bak" / "secret", "ROOT_BAK");
    spit(base_ / "secret", "BASE");
    spit(root_dir_ / "inside", "INSIDE");
    Reopen(Policy{});
  }
  void TearDown() override {
    root_.reset();
    stdfs::remove_all(base_);
  }
  void Reopen(Policy policy) {
    auto r = Root::open(root_dir_.string(), std::move(policy));
    ASSERT_TRUE(r.ok()) << r.error();
    root_ = std::move(*r);
  }

  stdfs::path base_, root_dir_, outside_;
  std::unique_ptr<Root> root_;
};

}  // namespace wharf::fs::testing
