// Confinement vectors: every escape attempt on every path argument of every fs::Root operation.
// An escape is any read of an outside inode, any host path shown to the client, any change
// outside the root, or a created symlink that resolves outside from the host. Counted, printed,
// asserted zero.
#include <sys/stat.h>

#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "tests/fs/fixture.h"

namespace wharf::fs::testing {
namespace {

class Confinement : public RootFixture {
 protected:
  void SetUp() override {
    RootFixture::SetUp();
    const std::string out = outside_.string();
    stdfs::create_symlink(out, root_dir_ / "abs");
    stdfs::create_symlink("../outside", root_dir_ / "rel");
    stdfs::create_symlink("../../../../../../../../outside", root_dir_ / "rel_deep");
    stdfs::create_symlink(out + "/created_abs", root_dir_ / "dangling");
    stdfs::create_symlink("../outside/created_rel", root_dir_ / "dangling_rel");
    stdfs::create_symlink("/", root_dir_ / "slash");
    stdfs::create_symlink("../root0", root_dir_ / "sib");
    stdfs::create_symlink((base_ / "root_bak").string(), root_dir_ / "sib_abs");
    stdfs::create_directories(root_dir_ / "d");
    stdfs::create_symlink("../../outside", root_dir_ / "d" / "l");
    // 40 links deep, the last pointing outside (the kernel's limit is 40 in total).
    for (int i = 0; i < 40; ++i) {
      std::string target = i == 39 ? out : "c" + std::to_string(i + 1);
      stdfs::create_symlink(target, root_dir_ / ("c" + std::to_string(i)));
    }
    for (const char* p : {"outside", "outside/secret", "root0", "root0/secret", "root_bak",
                          "root_bak/secret", "secret", ""}) {
      watched_.push_back(base_ / p);
    }
    for (auto& p : watched_) {
      struct stat st;
      if (::lstat(p.c_str(), &st) == 0) outside_inodes_.insert({st.st_dev, st.st_ino});
    }
    snapshot_ = Snapshot();
  }

  std::string Snapshot() {
    std::ostringstream s;
    for (auto& p : watched_) {
      struct stat st;
      if (::lstat(p.c_str(), &st) != 0) continue;
      s << p << ' ' << st.st_mode << ' ' << st.st_nlink << ' ' << st.st_size << ' '
        << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec << '\n';
      if (S_ISREG(st.st_mode)) s << slurp(p) << '\n';
      if (S_ISDIR(st.st_mode)) {
        std::set<std::string> names;
        for (auto& e : stdfs::directory_iterator(p)) names.insert(e.path().filename());
        for (auto& n : names) s << "  " << n << '\n';
      }
    }
    return s.str();
  }

  bool Outside(const struct stat& st) const {
    return outside_inodes_.count({st.st_dev, st.st_ino}) != 0;
  }
  void Escape(const std::string& what, const std::string& path) {
    ++escapes_;
    ADD_FAILURE() << "escape: " << what << " on " << path;
  }
  void CheckText(const std::string& what, const std::string& path, const std::string& text) {
    if (text.find(base_.string()) != std::string::npos) Escape(what + " shows host path", path);
  }

  void ReadOps(const std::string& p) {
    for (bool follow : {true, false}) {
      auto st = root_->stat(p, follow);
      ++attempts_;
      if (st.ok() && Outside(*st)) Escape("stat", p);
    }
    if (auto f = root_->open(p, O_RDONLY, 0); f.ok()) {
      auto st = f->stat();
      if (st.ok() && Outside(*st)) Escape("open", p);
    }
    if (auto d = root_->opendir(p); d.ok()) {
      for (auto e = d->next(); e.ok() && *e; e = d->next()) {
        if (Outside((*e)->st)) Escape("opendir entry " + (*e)->name, p);
      }
    }
    if (auto r = root_->realpath(p); r.ok()) CheckText("realpath", p, *r);
    if (auto r = root_->readlink(p); r.ok()) CheckText("readlink", p, *r);
    (void)root_->statvfs(p);
    attempts_ += 5;
  }

  void WriteOps(const std::string& p) {
    if (auto f = root_->open(p, O_WRONLY | O_CREAT | O_TRUNC, 0666); f.ok()) {
      (void)f->pwrite("PWNED", 5, 0);
      (void)f->close();
    }
    if (auto f = root_->open(p, O_WRONLY | O_APPEND, 0); f.ok()) (void)f->pwrite("!", 1, 0);
    Attrs a;
    a.mode = 0777;
    a.atime = 1;
    a.mtime = 1;
    (void)root_->setstat(p, a, true);
    (void)root_->setstat(p, a, false);
    Attrs trunc;
    trunc.size = 0;
    (void)root_->setstat(p, trunc, true);
    (void)root_->mkdir(p + "_d", 0777);
    (void)root_->mkdir(p, 0777);
    (void)root_->link(p, "hl");
    (void)root_->link("inside", p + "_hl");
    (void)root_->symlink("inside", p + "_sl");
    (void)root_->copy_file("inside", p + "_cp", true);
    (void)root_->copy_file(p, "cp", true);
    (void)root_->rename("inside", p + "_mv", true);
    (void)root_->rename(p + "_mv", "inside", true);
    (void)root_->rename(p, "moved", false);
    (void)root_->remove(p);
    (void)root_->rmdir(p);
    attempts_ += 17;
    // A symlink created with the vector as its target must not point outside from the host.
    if (root_->symlink(p, "probe").ok()) {
      std::error_code ec;
      auto resolved = stdfs::weakly_canonical(root_dir_ / "probe", ec);
      std::string r = resolved.string();
      if (!ec && r.compare(0, root_dir_.string().size(), root_dir_.string()) != 0) {
        Escape("symlink target " + r, p);
      }
      (void)root_->remove("probe");
    }
    ++attempts_;
  }

  std::vector<std::string> Vectors() {
    std::string host_out = outside_.string().substr(1);
    std::vector<std::string> v = {"../outside/secret",
                                  "/../outside/secret",
                                  "//../outside/secret",
                                  "/./../outside/secret",
                                  "../../../../../../../../../../outside/secret",
                                  "../../../../../../../../../../../../../../etc/passwd",
                                  "..\\outside\\secret",
                                  "\\..\\..\\outside\\secret",
                                  "..\\..\\..\\",
                                  "..",
                                  "../",
                                  "/..",
                                  "//..",
                                  "/./..",
                                  "../root0/secret",
                                  "../root_bak/secret",
                                  "../root0",
                                  "../root_bak",
                                  "abs/secret",
                                  "abs",
                                  "rel/secret",
                                  "rel",
                                  "rel_deep/secret",
                                  "dangling",
                                  "dangling_rel",
                                  "d/l/secret",
                                  "d/l",
                                  "d/../../outside/secret",
                                  "c0/secret",
                                  "c0",
                                  "sib/secret",
                                  "sib_abs/secret",
                                  "slash/" + host_out + "/secret",
                                  "slash/../../outside",
                                  "/" + host_out + "/secret",
                                  outside_.string() + "/secret",
                                  base_.string(),
                                  std::string("inside\0/../../x", 15),
                                  std::string("../outside/secret\0", 18)};
    std::string deep;
    while (deep.size() < 4200) deep += "../";
    v.push_back(deep + "outside/secret");
    std::string longname;
    while (longname.size() < 4100) longname += "a/../";
    v.push_back(longname + "../outside/secret");
    v.push_back(std::string(5000, 'x'));
    return v;
  }

  std::vector<stdfs::path> watched_;
  std::set<std::pair<dev_t, ino_t>> outside_inodes_;
  std::string snapshot_;
  int escapes_ = 0;
  int attempts_ = 0;
};

TEST_F(Confinement, ReadVectorsNeverReachOutside) {
  for (const auto& p : Vectors()) ReadOps(p);
  std::printf("read vectors: %d attempts, %d escapes\n", attempts_, escapes_);
  std::printf("FIGURE escape_attempts %d\nFIGURE escapes_found %d\n", attempts_, escapes_);
  EXPECT_EQ(escapes_, 0);
  EXPECT_GT(attempts_, 250);
}

TEST_F(Confinement, WriteVectorsNeverChangeOutside) {
  for (const auto& p : Vectors()) {
    WriteOps(p);
    if (Snapshot() != snapshot_) {
      Escape("outside changed", p);
      snapshot_ = Snapshot();
    }
  }
  std::printf("write vectors: %d attempts, %d escapes\n", attempts_, escapes_);
  std::printf("FIGURE escape_attempts %d\nFIGURE escapes_found %d\n", attempts_, escapes_);
  EXPECT_EQ(escapes_, 0);
  EXPECT_EQ(slurp(outside_ / "secret"), "OUTSIDE");
  EXPECT_EQ(stdfs::hard_link_count(outside_ / "secret"), 1u);
}

TEST_F(Confinement, ParentOfRootIsRoot) {
  EXPECT_EQ(*root_->realpath(".."), "/");
  EXPECT_EQ(*root_->realpath("/../../.."), "/");
  auto st = root_->stat("../../..", true);
  ASSERT_TRUE(st.ok());
  struct stat root_st;
  ASSERT_EQ(::stat(root_dir_.c_str(), &root_st), 0);
  EXPECT_EQ(st->st_ino, root_st.st_ino);
  // Planted symlinks resolve inside: "abs" names the host's outside dir, absent in the root.
  EXPECT_EQ(root_->stat("abs/secret", true).error(), ENOENT);
  int chain = root_->stat("c0", true).error();
  EXPECT_TRUE(chain == ENOENT || chain == ELOOP) << chain;
  EXPECT_EQ(root_->link("abs/secret", "hl").error(), ENOENT);
  EXPECT_EQ(root_->symlink("abs/secret", "p").error(), EPERM);  // host would follow `abs`
  EXPECT_EQ(root_->symlink("d/l", "p").error(), EPERM);
  EXPECT_EQ(root_->symlink("d/../inside", "p").error(), EPERM);  // climbs: see root_test
  EXPECT_TRUE(root_->symlink("inside", "p").ok());
  EXPECT_EQ(root_->readlink("abs").error(), EACCES);  // a host path is never shown
  EXPECT_EQ(*root_->readlink("rel"), "../outside");
  EXPECT_EQ(root_->stat(std::string("in\0side", 7), true).error(), EINVAL);
  EXPECT_EQ(root_->stat(std::string(5000, 'x'), true).error(), ENAMETOOLONG);
}

}  // namespace
}  // namespace wharf::fs::testing
