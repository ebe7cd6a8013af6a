// authorized_keys file parsing: key types, blobs, comments, options, diagnostics, matching.
#include "auth/authorized_keys.h"

#include <botan/base64.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/auth/test_keys.h"

namespace wharf::auth {
namespace {

using namespace testkeys;

std::string b64(const wire::Bytes& b) { return Botan::base64_encode(b.data(), b.size()); }

// The blob of a "type base64" test key.
wire::Bytes blob_of(const std::string& line) {
  const std::string text = line.substr(line.find(' ') + 1);
  const auto v = Botan::base64_decode(text);
  return wire::Bytes(v.begin(), v.end());
}

std::string type_of(const std::string& line) { return line.substr(0, line.find(' ')); }

TEST(AuthorizedKeys, EveryKeyTypeWithAndWithoutComment) {
  for (const char* k : {kEd25519, kEcdsa256, kEcdsa384, kEcdsa521, kRsa}) {
    const AuthorizedKeys a = parse_authorized_keys(std::string(k) + " user@host  \n" + k);
    ASSERT_EQ(a.keys.size(), 2u) << k;
    EXPECT_TRUE(a.diagnostics.empty());
    EXPECT_EQ(a.keys[0].key_type, type_of(k));
    EXPECT_EQ(a.keys[0].blob, blob_of(k));
    EXPECT_EQ(a.keys[0].comment, "user@host");
    EXPECT_EQ(a.keys[0].line_number, 1u);
    EXPECT_EQ(a.keys[0].options, KeyOptions{});
    EXPECT_EQ(a.keys[1].comment, "");
    EXPECT_EQ(a.keys[1].line_number, 2u);
  }
}

TEST(AuthorizedKeys, CommentsBlankLinesWhitespaceAndCrlf) {
  const std::string text = std::string("# a comment\n\n   \n\t# indented comment\n  ") + kEd25519 +
                           "\t\tspaced\tcomment here \r\n" + kRsa + "\r\n";
  const AuthorizedKeys a = parse_authorized_keys(text);
  ASSERT_EQ(a.keys.size(), 2u);
  EXPECT_TRUE(a.diagnostics.empty());
  EXPECT_EQ(a.keys[0].line_number, 5u);
  EXPECT_EQ(a.keys[0].comment, "spaced\tcomment here");
  EXPECT_EQ(a.keys[1].line_number, 6u);
  EXPECT_EQ(a.keys[1].comment, "");
}

TEST(AuthorizedKeys, OptionsBeforeTheKey) {
  const std::string line = std::string(
                               "restrict,from=\"10.0.0.0/8, 192.0.2.1\",command=\"internal-sftp "
                               "-d \\\"/a b\\\"\",expiry-time=\"25250101Z\" ") +
                           kEcdsa256 + " deploy key";
  const AuthorizedKeys a = parse_authorized_keys(line);
  ASSERT_EQ(a.keys.size(), 1u) << (a.diagnostics.empty() ? "" : a.diagnostics[0].message);
  const KeyOptions& o = a.keys[0].options;
  EXPECT_TRUE(o.restricted);
  EXPECT_EQ(o.from, "10.0.0.0/8, 192.0.2.1");
  EXPECT_EQ(o.command, "internal-sftp -d \"/a b\"");
  EXPECT_TRUE(o.expiry_time.has_value());
  EXPECT_EQ(a.keys[0].key_type, "ecdsa-sha2-nistp256");
  EXPECT_EQ(a.keys[0].comment, "deploy key");
}

TEST(AuthorizedKeys, MalformedLinesNeverHideTheNextLine) {
  const char* bad_lines[] = {
      "unknown-option ",                                // unknown option (then a key)
      "no-pty,BLAH ",                                   // one bad option among good ones
      "command=\"unterminated ",                        // missing end quote
      "from=\"10.0.0.0/8\" ssh-dss AAAAB3NzaC1kc3M= ",  // unsupported type after options
      "",                                               // the key itself, garbled below
  };
  for (const char* prefix : bad_lines) {
    std::string first = std::string(prefix) + kEd25519;
    if (*prefix == '\0') first = "ssh-ed25519 AAAA!!!!";
    const AuthorizedKeys a = parse_authorized_keys(first + "\n" + kRsa + " good\n");
    ASSERT_EQ(a.keys.size(), 1u) << prefix;
    EXPECT_EQ(a.keys[0].comment, "good");
    EXPECT_EQ(a.keys[0].line_number, 2u);
    ASSERT_EQ(a.diagnostics.size(), 1u) << prefix;
    EXPECT_EQ(a.diagnostics[0].line_number, 1u);
  }
}

TEST(AuthorizedKeys, UnsupportedAndUnknownTypes) {
  for (const char* line : {"ssh-dss AAAAB3NzaC1kc3M=", "sk-ssh-ed25519@openssh.com AAAA",
                           "ssh-ed25519-cert-v01@openssh.com AAAA", "rsa-sha2-256 AAAA",
                           "ssh-ed25519", "ssh-ed25519 ", "no-pty", "no-pty ssh-foo AAAA"}) {
    const AuthorizedKeys a = parse_authorized_keys(line);
    EXPECT_TRUE(a.keys.empty()) << line;
    ASSERT_EQ(a.diagnostics.size(), 1u) << line;
  }
  const AuthorizedKeys dss = parse_authorized_keys("ssh-dss AAAAB3NzaC1kc3M=");
  EXPECT_NE(dss.diagnostics[0].message.find("unsupported key type"), std::string::npos);
}

TEST(AuthorizedKeys, BlobTypeMustMatchTheLine) {
  // An ed25519 blob under the ssh-rsa name, and the reverse.
  const std::string ed_blob = std::string(kEd25519).substr(12);
  const std::string rsa_blob = std::string(kRsa).substr(8);
  for (const std::string& line : {"ssh-rsa " + ed_blob, "ssh-ed25519 " + rsa_blob,
                                  "ecdsa-sha2-nistp384 " + std::string(kEcdsa256).substr(20)}) {
    const AuthorizedKeys a = parse_authorized_keys(line);
    EXPECT_TRUE(a.keys.empty()) << line;
    ASSERT_EQ(a.diagnostics.size(), 1u);
    EXPECT_NE(a.diagnostics[0].message.find("does not match"), std::string::npos)
        << a.diagnostics[0].message;
  }
}

wire::Bytes make_blob(const std::function<void(wire::Writer&)>& f) {
  wire::Writer w;
  f(w);
  return w.take();
}

TEST(AuthorizedKeys, MalformedBlobs) {
  const std::vector<std::pair<std::string, wire::Bytes>> cases = {
      {"ssh-ed25519", make_blob([](wire::Writer& w) {  // short key
         w.string(std::string_view("ssh-ed25519")).string(wire::Bytes(31, 1));
       })},
      {"ssh-ed25519", make_blob([](wire::Writer& w) {  // trailing byte
         w.string(std::string_view("ssh-ed25519")).string(wire::Bytes(32, 1)).u8(0);
       })},
      {"ecdsa-sha2-nistp256", make_blob([](wire::Writer& w) {  // curve name mismatch
         w.string(std::string_view("ecdsa-sha2-nistp256"))
             .string(std::string_view("nistp384"))
             .string(wire::Bytes(65, 4));
       })},
      {"ecdsa-sha2-nistp256", make_blob([](wire::Writer& w) {  // compressed point
         wire::Bytes q(33, 1);
         q[0] = 0x02;
         w.string(std::string_view("ecdsa-sha2-nistp256")).string(std::string_view("nistp256"));
         w.string(q);
       })},
      {"ssh-rsa", make_blob([](wire::Writer& w) {  // negative modulus
         w.string(std::string_view("ssh-rsa"));
         w.mpint(wire::Mpint{false, {1, 0, 1}}).mpint(wire::Mpint{true, {0x55, 0x55}});
       })},
      {"ssh-rsa", make_blob([](wire::Writer& w) {  // missing n
         w.string(std::string_view("ssh-rsa")).mpint(wire::Mpint{false, {1, 0, 1}});
       })},
      {"ssh-rsa", wire::Bytes{}},
  };
  for (const auto& [type, blob] : cases) {
    EXPECT_NE(check_key_blob(type, blob), "") << type;
    const AuthorizedKeys a = parse_authorized_keys(type + " " + b64(blob) + "\n");
    EXPECT_TRUE(a.keys.empty()) << type;
    EXPECT_EQ(a.diagnostics.size(), 1u);
  }
  // The well-formed counterparts pass.
  EXPECT_EQ(check_key_blob("ssh-ed25519", make_blob([](wire::Writer& w) {
                             w.string(std::string_view("ssh-ed25519")).string(wire::Bytes(32, 1));
                           })),
            "");
}

TEST(AuthorizedKeys, Base64MustBeClean) {
  const std::string k = kEd25519;
  for (const std::string& line :
       {k + "!", k.substr(0, k.size() - 4), k + "====", "ssh-ed25519 " + std::string(30000, 'A')}) {
    const AuthorizedKeys a = parse_authorized_keys(line);
    EXPECT_TRUE(a.keys.empty()) << line.substr(0, 80);
    EXPECT_EQ(a.diagnostics.size(), 1u);
  }
}

TEST(AuthorizedKeys, Bounds) {
  const std::string long_line = std::string(kMaxAuthorizedKeysLine + 1, ' ') + kEd25519;
  AuthorizedKeys a = parse_authorized_keys(long_line + "\n" + kRsa);
  ASSERT_EQ(a.keys.size(), 1u);
  EXPECT_EQ(a.keys[0].line_number, 2u);
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0].message, "line too long");

  const std::string with_nul = std::string(kEd25519) + " a" + std::string(1, '\0') + "b\n" + kRsa;
  a = parse_authorized_keys(with_nul);
  EXPECT_EQ(a.keys.size(), 1u);
  EXPECT_EQ(a.diagnostics.size(), 1u);

  a = parse_authorized_keys(std::string(kMaxAuthorizedKeysFile + 1, '#'));
  EXPECT_TRUE(a.keys.empty());
  ASSERT_EQ(a.diagnostics.size(), 1u);
  EXPECT_EQ(a.diagnostics[0].message, "file too large");
}

TEST(AuthorizedKeys, MatchKeyUsesTheOptionsOfTheMatchingLine) {
  // The same key twice: the first line's from= refuses 192.0.2.9, the second allows it with a
  // forced command; another key's options must never apply.
  const std::string text = std::string("from=\"10.0.0.0/8\" ") + kEd25519 + " one\n" +
                           "command=\"internal-sftp -R\" " + kEd25519 + " two\n" + "restrict " +
                           kRsa + " rsa\n";
  const AuthorizedKeys a = parse_authorized_keys(text);
  ASSERT_EQ(a.keys.size(), 3u);
  const wire::Bytes ed = blob_of(kEd25519);

  KeyMatch m = match_key(a, "ssh-ed25519", ed, "10.1.2.3", 1700000000);
  ASSERT_NE(m.entry, nullptr);
  EXPECT_EQ(m.entry->comment, "one");
  EXPECT_EQ(m.decision.command.kind, ForcedCommand::Kind::kNone);

  m = match_key(a, "ssh-ed25519", ed, "192.0.2.9", 1700000000);
  ASSERT_NE(m.entry, nullptr);
  EXPECT_EQ(m.entry->comment, "two");
  EXPECT_EQ(m.decision.command.kind, ForcedCommand::Kind::kInternalSftp);

  m = match_key(a, "ssh-rsa", blob_of(kRsa), "192.0.2.9", 1700000000);
  ASSERT_NE(m.entry, nullptr);
  EXPECT_FALSE(m.decision.restrictions.pty);

  m = match_key(a, "ssh-rsa", ed, "10.1.2.3", 1700000000);  // wrong type for the blob
  EXPECT_EQ(m.entry, nullptr);
  m = match_key(a, "ecdsa-sha2-nistp256", blob_of(kEcdsa256), "10.1.2.3", 1700000000);
  EXPECT_EQ(m.entry, nullptr);
  EXPECT_NE(m.decision.reason.find("not found"), std::string::npos);

  const AuthorizedKeys only_from =
      parse_authorized_keys(std::string("from=\"10.0.0.0/8\" ") + kEd25519 + "\n");
  m = match_key(only_from, "ssh-ed25519", ed, "192.0.2.9", 1700000000);
  EXPECT_EQ(m.entry, nullptr);
  EXPECT_FALSE(m.decision.allowed);
  EXPECT_NE(m.decision.reason.find("line 1"), std::string::npos);
}

}  // namespace
}  // namespace wharf::auth
