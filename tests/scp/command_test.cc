// scp::parse_command and split_words: shell-like quoting without a shell.
#include "scp/command.h"

#include <gtest/gtest.h>

#include <random>

namespace wharf::scp {
namespace {

std::vector<std::string> Words(std::string_view line) {
  std::string err;
  auto w = split_words(line, &err);
  EXPECT_TRUE(w.has_value()) << err;
  return w.value_or(std::vector<std::string>{});
}

Command Parse(std::string_view line) {
  auto p = parse_command(line);
  EXPECT_TRUE(p.command.has_value()) << line << ": " << p.reason;
  EXPECT_TRUE(p.is_scp);
  return p.command.value_or(Command{});
}

std::string Refused(std::string_view line) {
  auto p = parse_command(line);
  EXPECT_FALSE(p.command.has_value()) << line;
  EXPECT_FALSE(p.reason.empty());
  return p.reason;
}

using V = std::vector<std::string>;

TEST(SplitWords, BlanksSeparate) {
  EXPECT_EQ(Words("  a\tb \n c  "), (V{"a", "b", "c"}));
  EXPECT_EQ(Words(""), V{});
}

TEST(SplitWords, SingleQuotesAreLiteral) {
  EXPECT_EQ(Words("'a b' 'x\\y' '$(id)' '`touch x`' ''"),
            (V{"a b", "x\\y", "$(id)", "`touch x`", ""}));
  // OpenSSH's client quotes a name containing a quote as 'it'\''s'.
  EXPECT_EQ(Words("'it'\\''s'"), (V{"it's"}));
  EXPECT_EQ(Words("a'b c'd"), (V{"ab cd"}));
}

TEST(SplitWords, DoubleQuotesEscapeOnlyFive) {
  EXPECT_EQ(Words(R"x("a b" "\$x" "\`" "\"" "\\" "\n" "$(id)")x"),
            (V{"a b", "$x", "`", "\"", "\\", "\\n", "$(id)"}));
  EXPECT_EQ(Words("\"a\\\nb\""), (V{"ab"}));  // backslash-newline is removed
}

TEST(SplitWords, BackslashOutsideQuotes) {
  EXPECT_EQ(Words(R"(a\ b \'x \\ c\)"), (V{"a b", "'x", "\\", "c\\"}));
  EXPECT_EQ(Words("a\\\nb"), (V{"ab"}));
}

TEST(SplitWords, ShellSyntaxIsLiteral) {
  EXPECT_EQ(Words("$(id) `touch x` a;b c|d e&f >g <h * ?.txt ~x $HOME {a,b} #c"),
            (V{"$(id)", "`touch", "x`", "a;b", "c|d", "e&f", ">g", "<h", "*", "?.txt", "~x",
               "$HOME", "{a,b}", "#c"}));
}

TEST(SplitWords, Errors) {
  std::string err;
  EXPECT_FALSE(split_words("'abc", &err));
  EXPECT_EQ(err, "unterminated single quote");
  EXPECT_FALSE(split_words("\"abc", &err));
  EXPECT_EQ(err, "unterminated double quote");
  EXPECT_FALSE(split_words(std::string_view("a\0b", 3), &err));
  EXPECT_FALSE(split_words(std::string(kMaxCommandLine + 1, 'a'), &err));
}

TEST(SplitWords, TildeOnlyWhenUnquotedAtStart) {
  std::string err;
  std::vector<bool> tilde;
  auto w = split_words("~ ~/a '~/b' \\~/c ~'/d' ~user a~ \"~\" ~/", &err, &tilde);
  ASSERT_TRUE(w);
  EXPECT_EQ(tilde, (std::vector<bool>{true, true, false, false, false, false, false, false, true}));
}

// Quotes a word the way OpenSSH's client quotes names for the remote shell (single quotes, a
// quote itself as '\'').
std::string Quote(const std::string& w) {
  std::string out = "'";
  for (char c : w) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST(SplitWords, QuotedRandomWordsRoundTrip) {
  std::mt19937 gen(6);
  for (int i = 0; i < 2000; ++i) {
    V words(1 + gen() % 4);
    std::string line;
    for (auto& w : words) {
      w.resize(gen() % 12);
      for (auto& c : w) c = static_cast<char>(1 + gen() % 255);  // anything but NUL
      line += (line.empty() ? "" : std::string(1 + gen() % 2, " \t\n"[gen() % 3])) + Quote(w);
    }
    EXPECT_EQ(Words(line), words) << line;
  }
}

TEST(SplitWords, RandomLinesNeverMisbehave) {
  std::mt19937 gen(7);
  const std::string alphabet = "ab ~/'\"\\$`;\n\t-";
  for (int i = 0; i < 5000; ++i) {
    std::string line(gen() % 24, ' ');
    for (auto& c : line) c = alphabet[gen() % alphabet.size()];
    std::string err;
    auto w = split_words(line, &err);
    if (!w) {
      EXPECT_FALSE(err.empty());
    }
    auto p = parse_command("scp -f " + line);  // whatever it decides, it decides cleanly
    if (p.command) {
      EXPECT_FALSE(p.command->paths.empty());
    }
  }
}

TEST(ParseCommand, SinkAndSource) {
  Command c = Parse("scp -t .");
  EXPECT_EQ(c.mode, Mode::kSink);
  EXPECT_EQ(c.paths, V{"."});
  EXPECT_FALSE(c.recursive || c.preserve || c.target_is_dir || c.verbose);

  c = Parse("scp -v -r -p -d -t -- 'dir/a b'");
  EXPECT_EQ(c.mode, Mode::kSink);
  EXPECT_TRUE(c.recursive && c.preserve && c.target_is_dir && c.verbose);
  EXPECT_EQ(c.paths, V{"dir/a b"});

  c = Parse("/usr/bin/scp -rpf a /b 'c d'");
  EXPECT_EQ(c.mode, Mode::kSource);
  EXPECT_TRUE(c.recursive && c.preserve);
  EXPECT_EQ(c.paths, (V{"a", "/b", "c d"}));
}

TEST(ParseCommand, InjectionNamesAreLiteral) {
  EXPECT_EQ(Parse("scp -t -- -oProxyCommand=x").paths, V{"-oProxyCommand=x"});
  EXPECT_EQ(Parse("scp -t '`touch x`'").paths, V{"`touch x`"});
  EXPECT_EQ(Parse("scp -t $(id)").paths, V{"$(id)"});
  EXPECT_EQ(Parse("scp -f `touch x`").paths, (V{"`touch", "x`"}));
  EXPECT_EQ(Parse("scp -f a;reboot").paths, V{"a;reboot"});
  // Option parsing stops at the first operand: a later "-o..." is a file name.
  EXPECT_EQ(Parse("scp -f a -oProxyCommand=x").paths, (V{"a", "-oProxyCommand=x"}));
}

TEST(ParseCommand, TildeMeansHome) {
  EXPECT_EQ(Parse("scp -f ~/a ~ '~/b' ~x").paths, (V{"a", ".", "~/b", "~x"}));
  EXPECT_EQ(Parse("scp -t ~/").paths, V{"."});
}

TEST(ParseCommand, NotScp) {
  for (const char* line : {"", "ls", "scpx -t .", "sh -c 'scp -t .'", "/bin/scp2 -t ."}) {
    auto p = parse_command(line);
    EXPECT_FALSE(p.command) << line;
    EXPECT_FALSE(p.is_scp) << line;
  }
}

TEST(ParseCommand, BadScpCommands) {
  EXPECT_EQ(Refused("scp -t a b"), "ambiguous target");
  EXPECT_EQ(Refused("scp -t"), "no path given");
  EXPECT_EQ(Refused("scp -f"), "no path given");
  EXPECT_EQ(Refused("scp a"), "neither -t nor -f given");
  EXPECT_EQ(Refused("scp -t -f a"), "both -t and -f given");
  EXPECT_EQ(Refused("scp -t -oProxyCommand=x ."), "unsupported scp option -o");
  EXPECT_EQ(Refused("scp -S prog -t ."), "unsupported scp option -S");
  EXPECT_EQ(Refused("scp -t ''"), "empty path");
  EXPECT_EQ(Refused("scp -t 'abc"), "unterminated single quote");
  EXPECT_TRUE(parse_command("scp -t 'abc").is_scp);
  EXPECT_EQ(Refused("scp -t " + std::string(kMaxPathArg + 1, 'a')), "path too long");
}

}  // namespace
}  // namespace wharf::scp
