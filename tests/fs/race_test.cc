// The RENAME_EXCHANGE race: another thread keeps swapping a directory inside the root with a
// symlink to "/" while requests resolve paths through it. Zero escapes, counted and printed.
#include <fcntl.h>
#include <stdio.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "tests/fs/fixture.h"

namespace wharf::fs::testing {
namespace {

TEST_F(RootFixture, RenameExchangeRaceNeverEscapes) {
  // Through the real directory, "dir/<host path of outside>/secret" is INSIDE-DIR; through the
  // symlink resolved in the root it is INSIDE-ROOT; only a broken resolver could read OUTSIDE.
  const std::string rel = outside_.string().substr(1);
  stdfs::create_directories(root_dir_ / "dir" / rel);
  stdfs::create_directories(root_dir_ / rel);
  spit(root_dir_ / "dir" / rel / "secret", "INSIDE-DIR");
  spit(root_dir_ / rel / "secret", "INSIDE-ROOT");
  stdfs::create_symlink("/", root_dir_ / "swap");
  int dirfd = ::open(root_dir_.c_str(), O_PATH | O_DIRECTORY);
  ASSERT_GE(dirfd, 0);

  std::atomic<bool> stop{false};
  std::atomic<long> swaps{0};
  std::thread swapper([&] {
    while (!stop.load(std::memory_order_relaxed)) {
      if (::renameat2(dirfd, "dir", dirfd, "swap", RENAME_EXCHANGE) == 0) ++swaps;
    }
  });

  const std::string path = "dir/" + rel + "/secret";
  long escapes = 0, via_dir = 0, via_root = 0, failed = 0, iterations = 0;
  // 20000 iterations, or as many as fit in 20 s on a slow (sanitized, loaded) build, at least 2000.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  auto more = [&] {
    if (iterations < 2000) return true;
    return iterations < 20000 && std::chrono::steady_clock::now() < deadline;
  };
  for (; more(); ++iterations) {
    char buf[32];
    auto f = root_->open(path, O_RDONLY, 0);
    if (f.ok()) {
      auto n = f->pread(buf, sizeof buf, 0);
      std::string got = n.ok() ? std::string(buf, *n) : "";
      if (got == "OUTSIDE") ++escapes;
      if (got == "INSIDE-DIR") ++via_dir;
      if (got == "INSIDE-ROOT") ++via_root;
    } else {
      ++failed;
    }
    auto st = root_->stat("dir/../../../" + rel + "/secret", true);
    if (st.ok() && st->st_size == 7) ++escapes;  // "OUTSIDE" is the only 7-byte secret
    auto real = root_->realpath("dir/..");
    if (real.ok() && real->find(base_.string()) != std::string::npos) ++escapes;
    (void)root_->mkdir("dir/" + rel + "/made", 0755);
    (void)root_->rmdir("dir/" + rel + "/made");
  }
  stop = true;
  swapper.join();
  ::close(dirfd);
  std::printf(
      "race: %ld iterations, %ld swaps, %ld via dir, %ld via symlink-in-root, %ld failed, "
      "%ld escapes\n",
      iterations, swaps.load(), via_dir, via_root, failed, escapes);
  std::printf("FIGURE escape_attempts %ld\nFIGURE escapes_found %ld\n", iterations, escapes);
  EXPECT_EQ(escapes, 0);
  EXPECT_GT(swaps.load(), 1000);
  EXPECT_GT(via_dir + via_root, 0);
  EXPECT_GE(iterations, 2000);
  EXPECT_EQ(slurp(outside_ / "secret"), "OUTSIDE");
  EXPECT_FALSE(stdfs::exists(outside_ / "made"));
}

}  // namespace
}  // namespace wharf::fs::testing
