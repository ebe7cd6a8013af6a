// scp::parse_record and the line/reply readers: every malformed record of issue 6.
#include "scp/records.h"

#include <gtest/gtest.h>

namespace wharf::scp {
namespace {

Record Ok(std::string_view line) {
  auto r = parse_record(line);
  EXPECT_TRUE(std::holds_alternative<Record>(r)) << line;
  return std::holds_alternative<Record>(r) ? std::get<Record>(r) : Record{};
}

RecordError Bad(std::string_view line) {
  auto r = parse_record(line);
  EXPECT_TRUE(std::holds_alternative<RecordError>(r)) << line;
  return std::holds_alternative<RecordError>(r) ? std::get<RecordError>(r) : RecordError{};
}

TEST(Records, File) {
  Record r = Ok("C0644 12 name with spaces");
  EXPECT_EQ(r.type, RecordType::kFile);
  EXPECT_EQ(r.mode, 0644u);
  EXPECT_EQ(r.size, 12u);
  EXPECT_EQ(r.name, "name with spaces");
  EXPECT_EQ(Ok("C0000 0 x").size, 0u);
  EXPECT_EQ(Ok("C0644 9223372036854775807 x").size, 9223372036854775807u);
  EXPECT_EQ(Ok("C0644 0012 x").size, 12u);  // leading zeros are still plain decimal
}

TEST(Records, ModeBitsOutside0777AreDropped) {
  EXPECT_EQ(Ok("C4755 1 x").mode, 0755u);
  EXPECT_EQ(Ok("D7777 0 x").mode, 0777u);
  EXPECT_EQ(Ok("C2644 1 x").mode, 0644u);
}

TEST(Records, BadModes) {
  for (const char* line : {"C644 1 x", "C00644 1 x", "C0648 1 x", "C-644 1 x", "C 0644 1 x",
                           "C0x64 1 x", "C0644", "C"}) {
    EXPECT_TRUE(Bad(line).fatal) << line;
  }
}

TEST(Records, BadSizes) {
  for (const char* line :
       {"C0644 -1 x", "C0644 9223372036854775808 x", "C0644 18446744073709551615 x",
        "C0644 99999999999999999999999 x", "C0644 +5 x", "C0644  5 x", "C0644 0x10 x",
        "C0644 1e3 x", "C0644  x", "C0644 5", "D0755 -1 d"}) {
    RecordError e = Bad(line);
    EXPECT_TRUE(e.fatal) << line;
  }
}

TEST(Records, BadNamesAreRefusedNotFatal) {
  using namespace std::string_literals;
  for (std::string line : {"C0644 1 ../x"s, "C0644 1 /abs"s, "C0644 1 a/b"s, "C0644 1 ."s,
                           "C0644 1 .."s, "C0644 1 "s, "C0644 1 a\0b"s, "C0644 1 a\nb"s,
                           "D0000 0 ."s, "D0755 0 .."s, "D0755 0 x/"s, "D0755 0 "s}) {
    RecordError e = Bad(line);
    EXPECT_FALSE(e.fatal) << line;
    EXPECT_EQ(e.message.find('\0'), std::string::npos);
    EXPECT_EQ(e.message.find('\n'), std::string::npos);
  }
  EXPECT_EQ(Ok("C0644 1 ...").name, "...");
  EXPECT_EQ(Ok("C0644 1 .hidden").name, ".hidden");
  EXPECT_EQ(Ok("C0644 1 -oProxyCommand=x").name, "-oProxyCommand=x");
  EXPECT_EQ(Ok("C0644 1 `touch x`").name, "`touch x`");
}

TEST(Records, Times) {
  Record r = Ok("T1234567890 0 987654321 999999");
  EXPECT_EQ(r.type, RecordType::kTimes);
  EXPECT_EQ(r.mtime, 1234567890);
  EXPECT_EQ(r.atime, 987654321);
  for (const char* line :
       {"T1 0 2", "T1 0 2 0 3", "T-1 0 2 0", "T1 1000000 2 0", "T1 0 2 1000000", "T1  0 2 0",
        "T 1 0 2 0", "T1 0 2 0 ", "T9223372036854775808 0 1 0", "T+1 0 2 0", "T1 0 2 x", "T"}) {
    EXPECT_TRUE(Bad(line).fatal) << line;
  }
}

TEST(Records, EndAndMessages) {
  EXPECT_EQ(Ok("E").type, RecordType::kEnd);
  EXPECT_TRUE(Bad("E ").fatal);
  EXPECT_TRUE(Bad("Ex").fatal);
  Record w = Ok("\1scp: oops");
  EXPECT_EQ(w.type, RecordType::kWarning);
  EXPECT_EQ(w.message, "scp: oops");
  EXPECT_EQ(Ok("\2fatal").type, RecordType::kFatal);
  for (std::string line : {std::string(), std::string("X"), std::string("c0644 1 x"),
                           std::string(1, '\0'), std::string(" C0644 1 x")}) {
    EXPECT_TRUE(Bad(line).fatal) << line;
  }
}

TEST(Records, FormatRoundTrips) {
  EXPECT_EQ(format_file(0100644, 5, "a b"), "C0644 5 a b\n");
  EXPECT_EQ(format_file(04755, 0, "x"), "C0755 0 x\n");
  EXPECT_EQ(format_dir(040700, "d"), "D0700 0 d\n");
  // A newline in a name must not end the record (it would start a forged one), as OpenSSH's
  // scp encodes it; backslashes are escaped only then, as strnvis does.
  EXPECT_EQ(format_file(0644, 1, "x\nC0755 5 evil"), "C0644 1 x\\^JC0755 5 evil\n");
  EXPECT_EQ(format_dir(0755, "d\nE"), "D0755 0 d\\^JE\n");
  EXPECT_EQ(format_file(0644, 1, "a\\b\n"), "C0644 1 a\\\\b\\^J\n");
  EXPECT_EQ(format_file(0644, 1, "a\\b"), "C0644 1 a\\b\n");
  EXPECT_EQ(format_times(10, 20), "T10 0 20 0\n");
  EXPECT_EQ(format_error("a\nb\0c"), std::string("\1scp: a?b\n"));
  EXPECT_EQ(format_error(std::string("a\nb\0c", 5)), std::string("\1scp: a?b?c\n"));
  EXPECT_EQ(format_error("x", true), std::string("\2scp: x\n"));
  std::string line = format_file(0644, 9223372036854775807u, "n");
  line.pop_back();
  EXPECT_EQ(Ok(line).size, 9223372036854775807u);
}

TEST(LineReader, AcrossFeedsAndBounded) {
  LineReader lr;
  std::string a = "C0644 ", b = "5 x\nrest";
  wire::ByteView va = wire::as_bytes(a), vb = wire::as_bytes(b);
  EXPECT_EQ(lr.feed(va), LineReader::State::kNeedMore);
  EXPECT_TRUE(va.empty());
  EXPECT_FALSE(lr.empty());
  EXPECT_EQ(lr.feed(vb), LineReader::State::kLine);
  EXPECT_EQ(lr.line(), "C0644 5 x");
  EXPECT_EQ(wire::as_text(vb), "rest");

  // A 1 MiB header line is refused once it passes kMaxLine, whatever the feed sizes.
  LineReader big;
  std::string mib(1 << 20, 'A');
  wire::ByteView v = wire::as_bytes(mib);
  LineReader::State s = LineReader::State::kNeedMore;
  size_t fed = 0;
  while (!v.empty() && s == LineReader::State::kNeedMore) {
    wire::ByteView piece = v.first(std::min<size_t>(v.size(), 1000));
    v = v.subspan(piece.size());
    fed += piece.size();
    s = big.feed(piece);
  }
  EXPECT_EQ(s, LineReader::State::kTooLong);
  EXPECT_LE(fed, kMaxLine + 1000);
  EXPECT_LT(big.line().size(), kMaxLine);

  LineReader exact;
  std::string longest(kMaxLine - 1, 'a');
  longest += '\n';
  wire::ByteView ve = wire::as_bytes(longest);
  EXPECT_EQ(exact.feed(ve), LineReader::State::kLine);
  LineReader over;
  std::string too(kMaxLine, 'a');
  too += '\n';
  wire::ByteView vo = wire::as_bytes(too);
  EXPECT_EQ(over.feed(vo), LineReader::State::kTooLong);
}

TEST(ReplyReader, Replies) {
  ReplyReader rr;
  std::string in = std::string("\0\1bad thing\n\2", 13) + "fatal\n\3";
  wire::ByteView v = wire::as_bytes(in);
  EXPECT_EQ(rr.feed(v), ReplyReader::State::kOk);
  EXPECT_EQ(rr.feed(v), ReplyReader::State::kError);
  EXPECT_EQ(rr.message(), "bad thing");
  EXPECT_EQ(rr.feed(v), ReplyReader::State::kFatal);
  EXPECT_EQ(rr.message(), "fatal");
  EXPECT_EQ(rr.feed(v), ReplyReader::State::kBad);

  ReplyReader split;
  std::string p1 = "\1par", p2 = "tial\n";
  wire::ByteView v1 = wire::as_bytes(p1), v2 = wire::as_bytes(p2);
  EXPECT_EQ(split.feed(v1), ReplyReader::State::kNeedMore);
  EXPECT_EQ(split.feed(v2), ReplyReader::State::kError);
  EXPECT_EQ(split.message(), "partial");

  ReplyReader endless;
  std::string msg = "\1" + std::string(kMaxLine + 10, 'm');
  wire::ByteView vm = wire::as_bytes(msg);
  EXPECT_EQ(endless.feed(vm), ReplyReader::State::kBad);
}

TEST(ParseDecimal, Bounds) {
  EXPECT_EQ(parse_decimal("0"), 0);
  EXPECT_EQ(parse_decimal("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parse_decimal("9223372036854775808"));
  EXPECT_FALSE(parse_decimal(""));
  EXPECT_FALSE(parse_decimal("-0"));
  EXPECT_FALSE(parse_decimal(" 1"));
}

}  // namespace
}  // namespace wharf::scp
