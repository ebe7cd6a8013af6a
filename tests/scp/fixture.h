// A scratch tree for SCP core tests: a root with a target directory "t" inside, an outside
// directory that must never change, and helpers to run sessions in memory.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "fs/root.h"
#include "scp/command.h"
#include "scp/session.h"

namespace wharf::scp::testing {

namespace stdfs = std::filesystem;

inline std::string Slurp(const stdfs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline void Spit(const stdfs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << data;
}

inline std::string RandomBytes(size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(gen());
  return s;
}

inline std::string Bytes(std::string_view s) { return std::string(s); }
inline std::string Nul() { return std::string(1, '\0'); }

// Everything about a directory that a malicious client must not be able to change.
struct DirState {
  mode_t mode;
  uid_t uid;
  gid_t gid;
  nlink_t nlink;
  struct timespec mtime;
  std::map<std::string, mode_t> tree;  // every path below, with its type and mode
  bool same_except_mtime(const DirState& o) const {
    return mode == o.mode && uid == o.uid && gid == o.gid && nlink == o.nlink && tree == o.tree;
  }
  bool operator==(const DirState& o) const {
    // Not atime: listing a directory to compare it may update its atime (relatime).
    return same_except_mtime(o) && mtime.tv_sec == o.mtime.tv_sec &&
           mtime.tv_nsec == o.mtime.tv_nsec;
  }
};

inline DirState Snapshot(const stdfs::path& dir) {
  struct stat st;
  EXPECT_EQ(::lstat(dir.c_str(), &st), 0);
  DirState s{st.st_mode, st.st_uid, st.st_gid, st.st_nlink, st.st_mtim, {}};
  for (auto& e : stdfs::recursive_directory_iterator(dir)) {
    struct stat est;
    ::lstat(e.path().c_str(), &est);
    s.tree[stdfs::relative(e.path(), dir).string()] = est.st_mode;
  }
  return s;
}

class ScpFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    base_ = stdfs::path(tmp ? tmp : "/tmp") /
            ("scp_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    stdfs::remove_all(base_);
    root_dir_ = base_ / "root";
    outside_ = base_ / "outside";
    target_ = root_dir_ / "t";
    stdfs::create_directories(target_);
    stdfs::create_directories(outside_);
    Spit(outside_ / "secret", "OUTSIDE");
    Open(fs::Policy{});
    outside_before_ = Snapshot(outside_);
  }
  void TearDown() override {
    EXPECT_TRUE(Snapshot(outside_) == outside_before_) << "the outside directory changed";
    root_.reset();
    std::error_code ec;
    stdfs::permissions(base_, stdfs::perms::owner_all, stdfs::perm_options::add, ec);
    for (auto& e : stdfs::recursive_directory_iterator(base_, ec)) {
      if (e.is_directory() && !e.is_symlink()) {
        stdfs::permissions(e.path(), stdfs::perms::owner_all, stdfs::perm_options::add, ec);
      }
    }
    stdfs::remove_all(base_, ec);
  }
  void Open(fs::Policy policy) {
    auto r = fs::Root::open(root_dir_.string(), std::move(policy));
    ASSERT_TRUE(r.ok()) << r.error();
    root_ = std::move(*r);
  }
  static Command Cmd(std::string_view line) {
    auto p = parse_command(line);
    EXPECT_TRUE(p.command) << p.reason;
    return p.command.value_or(Command{});
  }
  // Takes the output queued now (both pieces of the queue's ring).
  static std::string Drain(Session& s) {
    std::string out;
    for (size_t left = s.output_size(); left > 0;) {
      auto piece = wire::as_text(s.output()).substr(0, left);
      out += piece;
      s.consume(piece.size());
      left -= piece.size();
    }
    return out;
  }
  // Feeds `in` in pieces of at most `chunk` bytes (draining output as it goes), then EOF.
  static std::string Run(Session& s, std::string_view in, size_t chunk = SIZE_MAX,
                         bool eof = true) {
    std::string out = Drain(s);
    while (!in.empty()) {
      size_t n = std::min(chunk, in.size());
      s.feed(wire::as_bytes(in.substr(0, n)));
      in.remove_prefix(n);
      out += Drain(s);
    }
    if (eof) s.feed_eof();
    return out + Drain(s);
  }

  stdfs::path base_, root_dir_, outside_, target_;
  std::unique_ptr<fs::Root> root_;
  DirState outside_before_;
};

}  // namespace wharf::scp::testing
