// Wire codec tests: RFC 4251 section 5 known answers, truncation, hostile lengths, mutation.
#include "transport/wire.h"

#include <gtest/gtest.h>

#include <random>

namespace wharf::wire {
namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2) {
    while (h[i] == ' ') ++i;
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

Mpint make(bool negative, std::string_view magnitude_hex) {
  return Mpint{negative, hex(magnitude_hex)};
}

struct MpintExample {
  Mpint value;
  const char* encoded;
};

// Every mpint example of RFC 4251 section 5.
const MpintExample kRfcMpints[] = {
    {make(false, ""), "00000000"},
    {make(false, "09a378f9b2e332a7"), "0000000809a378f9b2e332a7"},
    {make(false, "80"), "000000020080"},
    {make(true, "1234"), "00000002edcc"},
    {make(true, "deadbeef"), "00000005ff21524111"},
};

TEST(WireMpint, RfcExamplesEncodeByteExact) {
  for (const auto& ex : kRfcMpints) {
    Writer w;
    w.mpint(ex.value);
    EXPECT_EQ(w.bytes(), hex(ex.encoded)) << ex.encoded;
  }
}

TEST(WireMpint, RfcExamplesDecode) {
  for (const auto& ex : kRfcMpints) {
    Bytes in = hex(ex.encoded);
    Reader r(in);
    EXPECT_EQ(r.mpint("example"), ex.value) << ex.encoded;
    r.expect_end("example");
  }
}

TEST(WireMpint, NonCanonicalRejected) {
  for (const char* bad : {"0000000100", "00000002007f", "00000002ff80", "0000000300007f"}) {
    Bytes in = hex(bad);
    Reader r(in);
    EXPECT_THROW(r.mpint("bad"), DecodeError) << bad;
    EXPECT_EQ(r.position(), 0u);
  }
}

TEST(WireMpint, UnsignedRejectsNegativeAndStripsSignByte) {
  Bytes neg = hex("00000001ff");
  Reader rn(neg);
  EXPECT_THROW(rn.mpint_unsigned("neg"), DecodeError);
  Bytes pos = hex("000000020080");
  Reader rp(pos);
  ByteView mag = rp.mpint_unsigned("pos");
  ASSERT_EQ(mag.size(), 1u);
  EXPECT_EQ(mag[0], 0x80);
  Writer w;
  w.mpint_unsigned(hex("000080"));
  EXPECT_EQ(w.bytes(), hex("000000020080"));
}

TEST(WireScalars, KnownAnswers) {
  Writer w;
  w.u8(0xab).boolean(true).boolean(false).u32(0x29b7f4aa).u64(0x0102030405060708ull);
  EXPECT_EQ(w.bytes(), hex("ab 01 00 29b7f4aa 0102030405060708"));
  Reader r(w.bytes());
  EXPECT_EQ(r.u8("a"), 0xab);
  EXPECT_TRUE(r.boolean("b"));
  EXPECT_FALSE(r.boolean("c"));
  EXPECT_EQ(r.u32("d"), 0x29b7f4aau);
  EXPECT_EQ(r.u64("e"), 0x0102030405060708ull);
  r.expect_end("scalars");
}

TEST(WireScalars, AnyNonZeroBooleanIsTrue) {
  Bytes in = hex("02");
  Reader r(in);
  EXPECT_TRUE(r.boolean("flag"));
}

TEST(WireString, RfcTestingExample) {
  Writer w;
  w.string(std::string_view("testing"));
  EXPECT_EQ(w.bytes(), hex("00000007 74657374696e67"));
  Reader r(w.bytes());
  EXPECT_EQ(r.text("s"), "testing");
}

TEST(WireNameList, RfcExamples) {
  struct Case {
    std::vector<std::string> names;
    const char* encoded;
  };
  const Case cases[] = {
      {{}, "00000000"},
      {{"zlib"}, "00000004 7a6c6962"},
      {{"zlib", "none"}, "00000009 7a6c69622c6e6f6e65"},
  };
  for (const auto& c : cases) {
    Writer w;
    w.name_list(c.names);
    EXPECT_EQ(w.bytes(), hex(c.encoded));
    Reader r(w.bytes());
    EXPECT_EQ(r.name_list("algorithms"), c.names);
    r.expect_end("name-list");
  }
}

// libssh 0.10.6 ends its cipher list with a comma; OpenSSH's sshd passes over empty names.
TEST(WireNameList, EmptyNamesAreDropped) {
  const std::pair<std::string_view, std::vector<std::string>> cases[] = {
      {"aes128-ctr,", {"aes128-ctr"}}, {",a", {"a"}}, {"a,,b", {"a", "b"}}, {",", {}}};
  for (const auto& [encoded, names] : cases) {
    Writer w;
    w.string(encoded);
    Reader r(w.bytes());
    EXPECT_EQ(r.name_list("ciphers"), names) << encoded;
    r.expect_end("name-list");
  }
}

TEST(WireNameList, BadNamesRejectedWithoutConsuming) {
  for (std::string_view bad : {std::string_view("a b"), std::string_view("a\0b", 3),
                               std::string_view("\x7f"), std::string_view("a,\x7f,")}) {
    Writer w;
    w.string(bad);
    Reader r(w.bytes());
    EXPECT_THROW(r.name_list("kex"), DecodeError);
    EXPECT_EQ(r.position(), 0u);
  }
}

TEST(WireText, NulRejected) {
  Writer w;
  w.string(std::string_view("ab\0c", 4));
  Reader r(w.bytes());
  EXPECT_THROW(r.text("user name"), DecodeError);
  EXPECT_EQ(r.position(), 0u);
  EXPECT_EQ(r.string("user name").size(), 4u);
}

TEST(WireErrors, NameWhatWasBeingRead) {
  Bytes in = hex("0000");
  Reader r(in);
  try {
    r.u32("channel id");
    FAIL() << "no exception";
  } catch (const DecodeError& e) {
    EXPECT_NE(std::string(e.what()).find("channel id"), std::string::npos) << e.what();
  }
}

TEST(WireErrors, HostileLengths) {
  for (const char* len : {"ffffffff", "80000000", "7fffffff", "00000005"}) {
    Bytes in = hex(std::string(len) + "61626364");
    Reader r(in);
    EXPECT_THROW(r.string("payload"), DecodeError) << len;
    EXPECT_THROW(r.text("payload"), DecodeError) << len;
    EXPECT_THROW(r.name_list("payload"), DecodeError) << len;
    EXPECT_THROW(r.mpint("payload"), DecodeError) << len;
    EXPECT_THROW(r.sub_string("payload"), DecodeError) << len;
    EXPECT_EQ(r.position(), 0u);
    EXPECT_EQ(r.remaining(), 8u);
  }
}

TEST(WireErrors, StringOverMaxRejected) {
  Writer w;
  w.string(std::string(100, 'x'));
  Reader r(w.bytes());
  EXPECT_THROW(r.string("small", 99), DecodeError);
  EXPECT_EQ(r.string("small", 100).size(), 100u);
}

TEST(WireErrors, ExpectEndRejectsTrailingBytes) {
  Bytes in = hex("0000000100");
  Reader r(in);
  r.u32("n");
  EXPECT_THROW(r.expect_end("message"), DecodeError);
  r.u8("last");
  EXPECT_NO_THROW(r.expect_end("message"));
}

// A message with every type, used for truncation and mutation.
Bytes sample_message() {
  Writer w;
  w.u8(20).boolean(true).u32(7).u64(1ull << 40).string(std::string_view("hello"));
  w.name_list({"curve25519-sha256", "ext-info-c"});
  w.mpint(make(false, "80ff"));
  w.mpint(make(true, "1234"));
  return w.take();
}

// Reads the sample message, returning how far it got; throws DecodeError on bad input.
void read_sample(Reader& r) {
  r.u8("type");
  r.boolean("flag");
  r.u32("count");
  r.u64("big");
  r.text("greeting", 64);
  r.name_list("kex", 1024);
  r.mpint("e", 64);
  r.mpint("f", 64);
  r.expect_end("sample");
}

TEST(WireTruncation, EveryOffsetFailsCleanly) {
  Bytes full = sample_message();
  {
    Reader r(full);
    read_sample(r);
  }
  for (size_t cut = 0; cut < full.size(); ++cut) {
    Reader r(ByteView(full).first(cut));
    size_t before = 0;
    try {
      read_sample(r);
      FAIL() << "decoded a message truncated to " << cut << " bytes";
    } catch (const DecodeError&) {
      before = r.position();
    }
    EXPECT_LE(before, cut);
  }
}

TEST(WireTruncation, FailedReadConsumesNothing) {
  Bytes full = sample_message();
  for (size_t cut = 0; cut < full.size(); ++cut) {
    Reader r(ByteView(full).first(cut));
    size_t pos = 0;
    try {
      r.u8("type");
      pos = r.position();
      r.boolean("flag");
      pos = r.position();
      r.u32("count");
      pos = r.position();
      r.u64("big");
      pos = r.position();
      r.text("greeting", 64);
      pos = r.position();
      r.name_list("kex", 1024);
      pos = r.position();
      r.mpint("e", 64);
      pos = r.position();
      r.mpint("f", 64);
    } catch (const DecodeError&) {
      EXPECT_EQ(r.position(), pos) << "cut at " << cut;
    }
  }
}

TEST(WireMutation, DeterministicMutationNeverCrashes) {
  Bytes base = sample_message();
  std::mt19937 rng(4251);
  size_t decoded = 0, rejected = 0;
  for (int i = 0; i < 200000; ++i) {
    Bytes m = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 4) {
        case 0:
          m[rng() % m.size()] = static_cast<uint8_t>(rng());
          break;
        case 1:
          m[rng() % m.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
          break;
        case 2:
          m.resize(rng() % (m.size() + 1));
          if (m.empty()) m.push_back(0);
          break;
        default:
          m.insert(m.begin() + static_cast<long>(rng() % m.size()), static_cast<uint8_t>(rng()));
          break;
      }
    }
    Reader r(m);
    try {
      read_sample(r);
      ++decoded;
    } catch (const DecodeError&) {
      ++rejected;
    }
    EXPECT_LE(r.position(), m.size());
  }
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(decoded, 0u);
}

TEST(WireWriter, PatchU32FillsLength) {
  Writer w;
  w.u32(0);
  w.raw(std::string_view("abc"));
  w.patch_u32(0, 3);
  Reader r(w.bytes());
  EXPECT_EQ(r.text("patched"), "abc");
  EXPECT_THROW(w.patch_u32(5, 1), std::out_of_range);
}

TEST(WireReader, SubReaderIsBounded) {
  Writer w;
  w.string(std::string_view("\x00\x00\x00\x09", 4));
  w.u8(1);
  Reader r(w.bytes());
  Reader inner = r.sub_string("blob");
  EXPECT_THROW(inner.string("inner"), DecodeError);
  EXPECT_EQ(r.u8("after"), 1);
}

}  // namespace
}  // namespace wharf::wire
