// sshd_config line splitting: keyword separators, quoting, escapes, comments.
#include "conf/lexer.h"

#include <gtest/gtest.h>

#include "conf/errors.h"

namespace wharf::conf {
namespace {

using V = std::vector<std::string>;

ConfigLine split(std::string_view s) {
  auto l = split_config_line(s);
  EXPECT_TRUE(l.has_value()) << s;
  return l.value_or(ConfigLine{});
}

TEST(Lexer, BlankAndCommentLines) {
  EXPECT_FALSE(split_config_line(""));
  EXPECT_FALSE(split_config_line("   \t "));
  EXPECT_FALSE(split_config_line("# Port 22"));
  EXPECT_FALSE(split_config_line("   #Port 22"));
  EXPECT_FALSE(split_config_line("\r"));
}

TEST(Lexer, KeywordSeparators) {
  for (const char* s : {"Port 22", "Port=22", "Port = 22", "Port =22", "  Port\t22  ", "Port 22\r",
                        "Port\t=\t22"}) {
    auto l = split(s);
    EXPECT_EQ(l.keyword, "Port") << s;
    EXPECT_EQ(l.args, V{"22"}) << s;
  }
  EXPECT_EQ(split("Port==22").args, V{"=22"});  // only one '=' separates
}

TEST(Lexer, Arguments) {
  auto l = split("AllowUsers alice bob\tcarol");
  EXPECT_EQ(l.args, (V{"alice", "bob", "carol"}));
  EXPECT_EQ(l.raw, "alice bob\tcarol");
}

TEST(Lexer, Quotes) {
  EXPECT_EQ(split(R"(Banner "/etc/my banner")").args, V{"/etc/my banner"});
  EXPECT_EQ(split(R"(Banner '/etc/my banner')").args, V{"/etc/my banner"});
  EXPECT_EQ(split(R"(X a"b c"d)").args, V{"ab cd"});
  EXPECT_EQ(split(R"(X "" b)").args, (V{"", "b"}));
  EXPECT_EQ(split(R"(X "it's")").args, V{"it's"});
  EXPECT_EQ(split(R"(X "#notacomment")").args, V{"#notacomment"});
}

TEST(Lexer, Escapes) {
  EXPECT_EQ(split(R"(X a\ b)").args, V{"a b"});
  EXPECT_EQ(split(R"(X \"q\")").args, V{"\"q\""});
  EXPECT_EQ(split(R"(X "a\"b")").args, V{"a\"b"});
  EXPECT_EQ(split(R"(X a\\b)").args, V{"a\\b"});
  EXPECT_EQ(split(R"(X a\nb)").args, V{"a\\nb"});  // unknown escapes stay literal
}

TEST(Lexer, Comments) {
  auto l = split("ForceCommand internal-sftp -R # read only");
  EXPECT_EQ(l.args, (V{"internal-sftp", "-R"}));
  EXPECT_EQ(l.raw, "internal-sftp -R");
  EXPECT_EQ(split("X a#b").args, V{"a#b"});  // '#' inside a word is not a comment
}

TEST(Lexer, Errors) {
  EXPECT_THROW(split_config_line("Port"), ConfigError);
  EXPECT_THROW(split_config_line("Port ="), ConfigError);
  EXPECT_THROW(split_config_line("Port # 22"), ConfigError);
  EXPECT_THROW(split_config_line("Banner \"/x"), ConfigError);
  EXPECT_THROW(split_config_line("Banner '/x"), ConfigError);
  EXPECT_THROW(split_config_line(std::string("Port 2\0"
                                             "2",
                                             7)),
               ConfigError);
  EXPECT_THROW(split_config_line("Port \x01"), ConfigError);
}

// config_fuzz found "DenyGroups n\t\r\t..." kept "\r" as an argument whose dump did not load.
TEST(Lexer, CarriageReturnInMidLineSeparatesArguments) {
  EXPECT_EQ(split("DenyGroups a\t\r\tb").args, (V{"a", "b"}));
  EXPECT_EQ(split("DenyGroups a\rb\r").args, (V{"a", "b"}));
  EXPECT_EQ(split("DenyGroups \"a\rb\"").args, V{"a\rb"});
  EXPECT_EQ(split("DenyGroups a \f b").args, (V{"a", "\f", "b"}));  // as sshd: \f only at EOL
}

TEST(Lexer, QuoteArgumentRoundTrips) {
  for (std::string s : {"plain", "with space", "q\"uote", "back\\slash", "#hash", "", "it's",
                        "tab\there", "a=b", "\r", "cr\rin", "\f", "ff\f"}) {
    auto l = split("X " + quote_argument(s));
    EXPECT_EQ(l.args, V{s}) << quote_argument(s);
  }
  EXPECT_EQ(quote_argument("plain"), "plain");
}

}  // namespace
}  // namespace wharf::conf
