// Files: Include (globs, relative paths, order, Match scoping, depth bound), file errors, bounds.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "conf/config.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"  // {.user = "alice"}

namespace wharf::conf {
namespace {

class IncludeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base =
        std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/conf.XXXXXX";
    ASSERT_NE(mkdtemp(base.data()), nullptr);
    dir_ = base;
  }
  std::string write(const std::string& rel, const std::string& text) {
    std::string path = dir_ + "/" + rel;
    size_t slash = path.rfind('/');
    mkdir(path.substr(0, slash).c_str(), 0700);
    std::ofstream(path) << text;
    return path;
  }
  std::string error_of(const std::string& path) {
    try {
      Config::load(path, {});
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "(no error)";
  }
  std::string dir_;
};

TEST_F(IncludeTest, GlobsSortedRelativeToIncludingFile) {
  write("conf.d/20-b.conf", "Port 3\nBanner /b\n");
  write("conf.d/10-a.conf", "Port 2\nBanner /a\nInclude sub/*.conf\n");
  write("conf.d/sub/x.conf", "Port 4\n");
  write("conf.d/ignored.txt", "Port 99\n");
  std::string main = write("main.conf", "Port 1\nInclude conf.d/*.conf\nPort 5\n");
  Settings s = Config::load(main, {}).global();
  EXPECT_EQ(s.ports, (std::vector<int>{1, 2, 4, 3, 5}));
  EXPECT_EQ(s.banner, "/a");  // first value wins, in sorted include order
}

TEST_F(IncludeTest, AbsoluteAndMultiplePatternsAndNoMatch) {
  std::string a = write("abs/a.conf", "MaxSessions 3\n");
  write("rel.conf", "MaxAuthTries 2\n");
  std::string main = write("main.conf", "Include " + a + " rel.conf nothing-*.conf\n");
  Settings s = Config::load(main, {}).global();
  EXPECT_EQ(s.max_sessions, 3);
  EXPECT_EQ(s.max_auth_tries, 2);
}

TEST_F(IncludeTest, ErrorsNameTheIncludedFileAndLine) {
  write("conf.d/a.conf", "Port 2\n\n# three\nNoSuchKeyword x\n");
  std::string main = write("main.conf", "Port 1\nInclude conf.d/*.conf\n");
  EXPECT_EQ(error_of(main), dir_ + "/conf.d/a.conf:4: unknown keyword \"NoSuchKeyword\"");
  write("conf.d/a.conf", "Port 2\nPort 70000\n");
  EXPECT_EQ(error_of(main).rfind(dir_ + "/conf.d/a.conf:2: Port", 0), 0u) << error_of(main);
}

TEST_F(IncludeTest, RecursionIsBounded) {
  std::string loop = write("loop.conf", "Port 1\nInclude loop.conf\n");
  std::string e = error_of(loop);
  EXPECT_EQ(e, loop + ":2: Include nested too deeply (limit 16)");
  // A file including itself twice per level must fail as quickly.
  std::string twice = write("twice.conf", "Include twice.conf twice.conf\n");
  EXPECT_NE(error_of(twice).find("nested too deeply"), std::string::npos);
  // 16 levels are fine.
  for (int i = 0; i < 16; ++i) {
    write("chain" + std::to_string(i) + ".conf",
          "Include chain" + std::to_string(i + 1) + ".conf\n");
  }
  write("chain16.conf", "Port 7\n");
  EXPECT_EQ(Config::load(dir_ + "/chain0.conf", {}).global().ports, std::vector<int>{7});
  write("chain16.conf", "Include chain17.conf\n");
  write("chain17.conf", "Port 7\n");
  EXPECT_EQ(error_of(dir_ + "/chain0.conf"), dir_ +
                                                 "/chain16.conf:1: Include nested too deeply "
                                                 "(limit 16)");
}

TEST_F(IncludeTest, MatchEndsWithTheIncludedFile) {
  write("m.conf", "Match User alice\nMaxSessions 1\n");
  std::string main = write("main.conf", "Include m.conf\nBanner /global\n");
  Config c = Config::load(main, {});
  EXPECT_EQ(c.global().banner, "/global");
  EXPECT_EQ(c.global().max_sessions, 10);
  EXPECT_EQ(c.for_connection({.user = "alice"}).max_sessions, 1);
  EXPECT_EQ(c.for_connection({.user = "bob"}).max_sessions, 10);
}

TEST_F(IncludeTest, IncludeInsideMatchIsConditionalAndOrdered) {
  write("inc.conf", "DropBox yes\nMatch Address 10.0.0.0/8\nMaxSessions 2\n");
  write("later.conf", "Match User alice\nMaxAuthTries 4\n");
  std::string main = write("main.conf",
                           "Match User alice\nInclude inc.conf\nSftpReadOnly yes\nMaxSessions 3\n"
                           "Include later.conf\nMaxAuthTries 5\n");
  Config c = Config::load(main, {});
  EXPECT_FALSE(c.global().drop_box);
  Settings alice = c.for_connection({.user = "alice", .address = "10.1.1.1"});
  EXPECT_TRUE(alice.drop_box);
  EXPECT_TRUE(alice.sftp_read_only);  // the block continues after the Include
  EXPECT_EQ(alice.max_sessions, 2);   // the included line comes first, as in sshd
  EXPECT_EQ(alice.max_auth_tries, 4);
  EXPECT_EQ(c.for_connection({.user = "alice", .address = "11.1.1.1"}).max_sessions, 3);
  Settings bob = c.for_connection({.user = "bob", .address = "10.1.1.1"});
  EXPECT_EQ(bob.max_sessions, 10);  // the nested Match is AND-ed with the enclosing one
  EXPECT_FALSE(bob.drop_box);
}

TEST_F(IncludeTest, GlobalKeywordInIncludedFileInsideMatch) {
  write("bad.conf", "\nPort 22\n");
  std::string main = write("main.conf", "Match User alice\nInclude bad.conf\n");
  EXPECT_EQ(error_of(main), dir_ + "/bad.conf:2: Port is not allowed inside Match");
}

TEST_F(IncludeTest, FileErrors) {
  EXPECT_EQ(error_of(dir_ + "/missing.conf").rfind(dir_ + "/missing.conf: cannot open", 0), 0u);
  mkdir((dir_ + "/d.conf").c_str(), 0700);
  EXPECT_EQ(error_of(dir_ + "/d.conf"), dir_ + "/d.conf: not a regular file");
  std::string main = write("main.conf", "Port 1\nInclude d.conf\n");
  EXPECT_EQ(error_of(main), main + ":2: " + dir_ + "/d.conf: not a regular file");
}

TEST_F(IncludeTest, SizeBounds) {
  std::string big = write("big.conf", std::string(kMaxFileSize + 1, '\n'));
  EXPECT_NE(error_of(big).find("too large"), std::string::npos);
  std::string longline = write("long.conf", "Port 1\n# " + std::string(kMaxLineLength, 'x') + "\n");
  EXPECT_EQ(error_of(longline), longline + ":2: line too long");
  // Many includes of a file just under the size limit hit the total bound.
  std::string comments;
  while (comments.size() + 100 < kMaxFileSize) comments += "#" + std::string(98, 'c') + "\n";
  write("half.conf", comments);
  std::string many = write("many.conf",
                           "Include half.conf half.conf half.conf half.conf half.conf "
                           "half.conf half.conf half.conf half.conf half.conf\n");
  EXPECT_NE(error_of(many).find("too large in total"), std::string::npos);
}

TEST(ParseText, RelativeIncludeUsesTheNamesDirectory) {
  EXPECT_EQ(
      Config::parse_text("Include *.conf\nPort 3\n", "/nonexistent-dir/x.conf", {}).global().ports,
      std::vector<int>{3});
}

}  // namespace
}  // namespace wharf::conf
