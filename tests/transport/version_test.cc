// Identification exchange tests (RFC 4253 section 4.2).
#include "transport/version.h"

#include <gtest/gtest.h>

#include "transport/errors.h"

namespace wharf::transport {
namespace {

size_t feed_text(IdentificationReader& r, std::string_view text) {
  return r.feed(wire::as_bytes(text));
}

DisconnectReason reason_of(std::string_view text) {
  IdentificationReader r;
  try {
    feed_text(r, text);
  } catch (const ProtocolError& e) {
    return e.reason();
  }
  ADD_FAILURE() << "accepted: " << text;
  return DisconnectReason::kReserved;
}

TEST(Identification, ServerStringIsWharf) {
  EXPECT_EQ(server_identification(), std::string("SSH-2.0-Wharf_") + std::string(kWharfVersion));
}

TEST(Identification, OpenSshClientLine) {
  IdentificationReader r;
  std::string in = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6\r\n\x00\x00\x01\x0c";
  size_t used = feed_text(r, in);
  ASSERT_TRUE(r.done());
  EXPECT_EQ(used, in.find('\n') + 1);
  EXPECT_EQ(r.client_identification(), "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u6");
  EXPECT_EQ(r.client_software(), "OpenSSH_9.2p1");
}

TEST(Identification, MinusInSoftwareVersionAsOpenSshKeyscanSends) {
  IdentificationReader r;
  feed_text(r, "SSH-2.0-OpenSSH-keyscan\r\n");
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r.client_software(), "OpenSSH-keyscan");
}

TEST(Identification, ByteAtATimeAndBareLf) {
  IdentificationReader r;
  std::string in = "SSH-1.99-PuTTY_Release_0.78\n";
  for (char c : in) {
    ASSERT_FALSE(r.done());
    EXPECT_EQ(r.feed(wire::as_bytes(std::string_view(&c, 1))), 1u);
  }
  ASSERT_TRUE(r.done());
  EXPECT_EQ(r.client_identification(), "SSH-1.99-PuTTY_Release_0.78");
}

TEST(Identification, LinesBeforeItAreSkippedUpTo1024) {
  IdentificationReader r;
  std::string in;
  for (size_t i = 0; i < kMaxPreIdentLines; ++i) in += "hello there\r\n";
  in += "SSH-2.0-x\r\n";
  feed_text(r, in);
  EXPECT_TRUE(r.done());
  EXPECT_EQ(r.lines_skipped(), kMaxPreIdentLines);

  std::string too_many;
  for (size_t i = 0; i <= kMaxPreIdentLines; ++i) too_many += "x\r\n";
  EXPECT_EQ(reason_of(too_many), DisconnectReason::kProtocolError);
}

TEST(Identification, LineLengthLimitCountsCrLf) {
  std::string ok = "SSH-2.0-" + std::string(kMaxIdentLine - 2 - 8, 'a') + "\r\n";
  ASSERT_EQ(ok.size(), kMaxIdentLine);
  IdentificationReader r;
  feed_text(r, ok);
  EXPECT_TRUE(r.done());
  std::string too_long = "SSH-2.0-" + std::string(kMaxIdentLine - 2 - 7, 'a') + "\r\n";
  EXPECT_EQ(reason_of(too_long), DisconnectReason::kProtocolError);
  EXPECT_EQ(reason_of(std::string(100000, 'x')), DisconnectReason::kProtocolError);
}

TEST(Identification, OldAndUnknownVersionsRefused) {
  EXPECT_EQ(reason_of("SSH-1.5-old\r\n"), DisconnectReason::kProtocolVersionNotSupported);
  EXPECT_EQ(reason_of("SSH-3.0-future\r\n"), DisconnectReason::kProtocolVersionNotSupported);
  EXPECT_EQ(reason_of("SSH-2.0\r\n"), DisconnectReason::kProtocolError);
  EXPECT_EQ(reason_of("SSH-2.0-\r\n"), DisconnectReason::kProtocolError);
  EXPECT_EQ(reason_of(std::string("SSH-2.0-a\0b\r\n", 13)), DisconnectReason::kProtocolError);
  EXPECT_EQ(reason_of("SSH-2.0-a\x01\r\n"), DisconnectReason::kProtocolError);
}

TEST(Identification, GetPostsAreNotSsh) {
  IdentificationReader r;
  feed_text(r, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_FALSE(r.done());
  EXPECT_EQ(r.lines_skipped(), 3u);
}

}  // namespace
}  // namespace wharf::transport
