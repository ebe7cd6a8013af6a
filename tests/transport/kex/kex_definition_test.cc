// The server side of each method checked against the RFC definitions: the test plays the client
// with Botan's own key agreement, decodes the reply by hand, recomputes K and H from the RFC's
// field list (RFC 4253 section 8, RFC 5656 section 4, RFC 8731 section 3, RFC 8268, RFC 4419
// section 3) and verifies the Ed25519 host signature over H with Botan directly (RFC 8709).
#include <botan/curve25519.h>
#include <botan/dh.h>
#include <botan/dl_group.h>
#include <botan/ecdh.h>
#include <botan/ed25519.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>
#include <gtest/gtest.h>

#include "tests/transport/kex/definition_util.h"
#include "tests/transport/kex/kex_test_util.h"

namespace wharf::kex::testing {
namespace {

struct Method {
  std::string name, hash;
  std::string group;  // "x25519", an EC group name, or a DL group name
};

std::unique_ptr<Botan::PK_Key_Agreement_Key> peer_key(const std::string& group) {
  auto& rng = Botan::system_rng();
  if (group == "x25519") return std::make_unique<Botan::Curve25519_PrivateKey>(rng);
  if (group.rfind("secp", 0) == 0) {
    return std::make_unique<Botan::ECDH_PrivateKey>(rng, Botan::EC_Group(group));
  }
  return std::make_unique<Botan::DH_PrivateKey>(rng, Botan::DL_Group(group));
}

// Reads a uint32-length string from `p` (test-local decoding).
Buf take_string(const Buf& m, size_t& pos) {
  EXPECT_LE(pos + 4, m.size());
  uint32_t n = (uint32_t{m[pos]} << 24) | (m[pos + 1] << 16) | (m[pos + 2] << 8) | m[pos + 3];
  EXPECT_LE(pos + 4 + n, m.size());
  Buf out(m.begin() + pos + 4, m.begin() + pos + 4 + n);
  pos += 4 + n;
  return out;
}

void put_common(Buf& h, const KexContext& ctx, const Buf& host_key) {
  put_string(h, ctx.client_version);
  put_string(h, ctx.server_version);
  put_string(h, ctx.client_kexinit);
  put_string(h, ctx.server_kexinit);
  put_string(h, host_key);
}

// Verifies an RFC 8709 ssh-ed25519 signature blob over `h` with Botan, from K_S.
void expect_ed25519_signature(const Buf& host_key, const Buf& sig_blob, const Buf& h) {
  size_t pos = 0;
  EXPECT_EQ(take_string(host_key, pos),
            Buf({'s', 's', 'h', '-', 'e', 'd', '2', '5', '5', '1', '9'}));
  Buf pk = take_string(host_key, pos);
  pos = 0;
  take_string(sig_blob, pos);
  Buf sig = take_string(sig_blob, pos);
  ASSERT_EQ(pk.size(), 32u);
  ASSERT_EQ(sig.size(), 64u);
  Botan::Ed25519_PublicKey key(pk);
  Botan::PK_Verifier verifier(key, "Pure");
  EXPECT_TRUE(verifier.verify_message(h, sig));
}

class ServerDefinition : public ::testing::TestWithParam<Method> {};

TEST_P(ServerDefinition, KAndHMatchTheRfc) {
  const Method& m = GetParam();
  const bool dh = m.name.rfind("diffie-hellman", 0) == 0;
  const keys::HostKey& key = ed25519_host_key();
  KexContext ctx = make_context(key);
  auto server = make_server_kex(m.name, ctx, signer(key, "ssh-ed25519"), nullptr);
  ASSERT_TRUE(server);

  auto peer = peer_key(m.group);
  Buf client_value = peer->public_value();  // Q_C, or e as big-endian bytes
  Buf init = {30};
  if (dh) {
    put_mpint_bytes(init, client_value.data(), client_value.size());
  } else {
    put_string(init, client_value);
  }
  auto replies = server->on_message(init);
  ASSERT_EQ(replies.size(), 1u);
  ASSERT_TRUE(server->done());
  const Buf& reply = replies[0];
  ASSERT_EQ(reply.at(0), 31);
  size_t pos = 1;
  Buf host_key = take_string(reply, pos);
  Buf server_value = take_string(reply, pos);  // for DH: the mpint's bytes, maybe with a 0x00
  Buf signature = take_string(reply, pos);
  EXPECT_EQ(pos, reply.size());
  EXPECT_EQ(host_key, key.public_blob());

  Botan::PK_Key_Agreement ka(*peer, Botan::system_rng(), "Raw");
  auto k_raw = ka.derive_key(0, server_value).bits_of();
  Buf k;
  put_mpint_bytes(k, k_raw.data(), k_raw.size());

  Buf h;
  put_common(h, ctx, host_key);
  if (dh) {
    put_mpint_bytes(h, client_value.data(), client_value.size());
    put_mpint_bytes(h, server_value.data(), server_value.size());
  } else {
    put_string(h, client_value);
    put_string(h, server_value);
  }
  h.insert(h.end(), k.begin(), k.end());
  Buf expected_h = hash_of(m.hash, h);

  KexOutput out = server->take_output();
  EXPECT_EQ(out.hash, m.hash);
  EXPECT_EQ(Buf(out.shared_secret.begin(), out.shared_secret.end()), k);
  EXPECT_EQ(out.exchange_hash, expected_h);
  expect_ed25519_signature(host_key, signature, expected_h);
}

INSTANTIATE_TEST_SUITE_P(
    SingleRound, ServerDefinition,
    ::testing::Values(Method{"curve25519-sha256", "SHA-256", "x25519"},
                      Method{"curve25519-sha256@libssh.org", "SHA-256", "x25519"},
                      Method{"ecdh-sha2-nistp256", "SHA-256", "secp256r1"},
                      Method{"ecdh-sha2-nistp384", "SHA-384", "secp384r1"},
                      Method{"ecdh-sha2-nistp521", "SHA-512", "secp521r1"},
                      Method{"diffie-hellman-group14-sha256", "SHA-256", "modp/ietf/2048"},
                      Method{"diffie-hellman-group16-sha512", "SHA-512", "modp/ietf/4096"},
                      Method{"diffie-hellman-group18-sha512", "SHA-512", "modp/ietf/8192"}),
    [](const auto& info) { return "m" + std::to_string(info.index); });

// RFC 4419 section 3, both request forms.
void check_gex(bool old_form, uint32_t min, uint32_t n, uint32_t max, size_t want_bits) {
  const keys::HostKey& key = ed25519_host_key();
  KexContext ctx = make_context(key);
  auto server = make_server_kex("diffie-hellman-group-exchange-sha256", ctx,
                                signer(key, "ssh-ed25519"), &shipped_moduli());
  Buf request = {uint8_t(old_form ? 30 : 34)};
  if (!old_form) put_u32(request, min);
  put_u32(request, n);
  if (!old_form) put_u32(request, max);
  auto group_msg = server->on_message(request);
  ASSERT_EQ(group_msg.size(), 1u);
  ASSERT_EQ(group_msg[0].at(0), 31);
  size_t pos = 1;
  Buf p_bytes = take_string(group_msg[0], pos);
  Buf g_bytes = take_string(group_msg[0], pos);
  EXPECT_EQ(pos, group_msg[0].size());
  Botan::BigInt p(p_bytes.data(), p_bytes.size()), g(g_bytes.data(), g_bytes.size());
  EXPECT_EQ(p.bits(), want_bits);
  EXPECT_EQ(p, Botan::DL_Group("modp/ietf/" + std::to_string(want_bits)).get_p());
  EXPECT_EQ(g, 2);

  Botan::DH_PrivateKey peer(Botan::system_rng(), Botan::DL_Group(p, g));
  Buf e = peer.public_value();
  Buf init = {32};
  put_mpint_bytes(init, e.data(), e.size());
  auto reply_msg = server->on_message(init);
  ASSERT_EQ(reply_msg.size(), 1u);
  const Buf& reply = reply_msg[0];
  ASSERT_EQ(reply.at(0), 33);
  pos = 1;
  Buf host_key = take_string(reply, pos);
  Buf f = take_string(reply, pos);
  Buf signature = take_string(reply, pos);
  EXPECT_EQ(pos, reply.size());

  Botan::PK_Key_Agreement ka(peer, Botan::system_rng(), "Raw");
  auto k_raw = ka.derive_key(0, f).bits_of();
  Buf h;
  put_common(h, ctx, host_key);
  if (old_form) {
    put_u32(h, n);
  } else {
    put_u32(h, min);
    put_u32(h, n);
    put_u32(h, max);
  }
  put_mpint(h, p);
  put_mpint(h, g);
  put_mpint_bytes(h, e.data(), e.size());
  put_mpint_bytes(h, f.data(), f.size());
  put_mpint_bytes(h, k_raw.data(), k_raw.size());
  Buf expected_h = hash_of("SHA-256", h);

  ASSERT_TRUE(server->done());
  KexOutput out = server->take_output();
  EXPECT_EQ(out.exchange_hash, expected_h);
  EXPECT_EQ(out.hash, "SHA-256");
  expect_ed25519_signature(host_key, signature, expected_h);
}

TEST(GroupExchangeDefinition, NewRequestHashesMinNMax) { check_gex(false, 3072, 4096, 8192, 4096); }
TEST(GroupExchangeDefinition, PicksNextLargerGroup) { check_gex(false, 2048, 5000, 8192, 6144); }
TEST(GroupExchangeDefinition, FallsBackToLargestBelowN) {
  check_gex(false, 3072, 7000, 7000, 6144);
}
TEST(GroupExchangeDefinition, OldRequestHashesNOnly) { check_gex(true, 0, 3072, 0, 3072); }
TEST(GroupExchangeDefinition, OldRequestBelowFloorGetsFloor) { check_gex(true, 0, 1024, 0, 3072); }

}  // namespace
}  // namespace wharf::kex::testing
