// KEXINIT codec and negotiation (RFC 4253 section 7.1).
#include "transport/kexinit.h"

#include <gtest/gtest.h>

#include "transport/errors.h"
#include "transport/messages.h"

namespace wharf::transport {
namespace {

KexInit server_offer() {
  KexInit k;
  k.kex = {"curve25519-sha256", "ecdh-sha2-nistp256", std::string(kStrictKexServer)};
  k.host_key = {"ssh-ed25519", "rsa-sha2-512"};
  k.cipher_c2s = k.cipher_s2c = {"chacha20-poly1305@openssh.com", "aes128-ctr"};
  k.mac_c2s = k.mac_s2c = {"hmac-sha2-256-etm@openssh.com"};
  k.compression_c2s = k.compression_s2c = {"none", "zlib@openssh.com"};
  return k;
}

KexInit openssh_like_client() {
  KexInit k;
  k.kex = {"sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "ecdh-sha2-nistp256",
           std::string(kExtInfoClient), std::string(kStrictKexClient)};
  k.host_key = {"ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "rsa-sha2-512"};
  k.cipher_c2s = k.cipher_s2c = {"chacha20-poly1305@openssh.com", "aes128-ctr"};
  k.mac_c2s = k.mac_s2c = {"umac-64-etm@openssh.com", "hmac-sha2-256-etm@openssh.com"};
  k.compression_c2s = k.compression_s2c = {"none", "zlib@openssh.com"};
  return k;
}

TEST(KexInit, RoundTripsByteExact) {
  KexInit k = server_offer();
  for (size_t i = 0; i < 16; ++i) k.cookie[i] = static_cast<uint8_t>(i);
  k.language_c2s = {"en"};
  k.first_kex_packet_follows = true;
  wire::Writer w;
  k.encode(w);
  wire::Reader r(w.bytes());
  ASSERT_EQ(r.u8("type"), msg::kKexInit);
  KexInit back = KexInit::decode(r);
  wire::Writer again;
  back.encode(again);
  EXPECT_EQ(w.bytes(), again.bytes());
  EXPECT_TRUE(back.first_kex_packet_follows);
  EXPECT_EQ(back.language_c2s, std::vector<std::string>{"en"});
}

TEST(KexInit, TruncatedOrTrailingRejected) {
  wire::Writer w;
  server_offer().encode(w);
  const auto& full = w.bytes();
  for (size_t cut = 1; cut < full.size(); ++cut) {
    wire::Reader r(wire::ByteView(full).subspan(1, cut - 1));
    EXPECT_THROW(KexInit::decode(r), wire::DecodeError) << cut;
  }
  wire::Bytes longer = full;
  longer.push_back(0);
  wire::Reader r(wire::ByteView(longer).subspan(1));
  EXPECT_THROW(KexInit::decode(r), wire::DecodeError);
}

TEST(Negotiate, ClientPreferenceWinsAndPseudoNamesAreSeen) {
  Negotiated n = negotiate(openssh_like_client(), server_offer());
  EXPECT_EQ(n.kex, "curve25519-sha256");
  EXPECT_EQ(n.host_key, "ssh-ed25519");
  EXPECT_EQ(n.cipher_c2s, "chacha20-poly1305@openssh.com");
  EXPECT_EQ(n.mac_c2s, "");  // AEAD
  EXPECT_EQ(n.compression_s2c, "none");
  EXPECT_TRUE(n.client_ext_info);
  EXPECT_TRUE(n.client_strict_kex);
  EXPECT_FALSE(n.ignore_guessed_packet);
}

TEST(Negotiate, MacChosenForNonAeadCipher) {
  KexInit c = openssh_like_client();
  c.cipher_c2s = {"aes128-ctr"};
  Negotiated n = negotiate(c, server_offer());
  EXPECT_EQ(n.mac_c2s, "hmac-sha2-256-etm@openssh.com");
  EXPECT_EQ(n.mac_s2c, "");
}

TEST(Negotiate, PseudoAlgorithmIsNeverChosen) {
  KexInit c = openssh_like_client();
  c.kex = {std::string(kStrictKexServer), std::string(kExtInfoClient)};
  KexInit s = server_offer();
  s.kex.push_back(std::string(kExtInfoClient));
  EXPECT_THROW(negotiate(c, s), ProtocolError);
}

TEST(Negotiate, EachCategoryCanFail) {
  auto expect_fail = [](KexInit c, const char* what) {
    try {
      negotiate(c, server_offer());
      ADD_FAILURE() << "negotiated without a common " << what;
    } catch (const ProtocolError& e) {
      EXPECT_EQ(e.reason(), DisconnectReason::kKeyExchangeFailed);
    }
  };
  KexInit c = openssh_like_client();
  c.kex = {"diffie-hellman-group1-sha1"};
  expect_fail(c, "kex");
  c = openssh_like_client();
  c.host_key = {"ssh-dss"};
  expect_fail(c, "host key");
  c = openssh_like_client();
  c.cipher_s2c = {"3des-cbc"};
  expect_fail(c, "cipher");
  c = openssh_like_client();
  c.cipher_c2s = {"aes128-ctr"};
  c.mac_c2s = {"hmac-md5"};
  expect_fail(c, "mac");
  c = openssh_like_client();
  c.compression_c2s = {"zlib"};
  expect_fail(c, "compression");
}

TEST(Negotiate, WrongGuessIsDetected) {
  KexInit c = openssh_like_client();
  c.first_kex_packet_follows = true;
  EXPECT_TRUE(negotiate(c, server_offer()).ignore_guessed_packet);  // sntrup guessed
  c.kex.erase(c.kex.begin());
  EXPECT_TRUE(negotiate(c, server_offer()).ignore_guessed_packet);  // cert host key guessed
  c.host_key.erase(c.host_key.begin());
  EXPECT_FALSE(negotiate(c, server_offer()).ignore_guessed_packet);
}

}  // namespace
}  // namespace wharf::transport
