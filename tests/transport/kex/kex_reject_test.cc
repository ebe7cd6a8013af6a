// Invalid public values and malformed or out-of-order messages end the exchange with the right
// disconnect reason, on the server and on the client side.
#include <botan/dl_group.h>
#include <botan/ec_group.h>
#include <botan/hex.h>
#include <gtest/gtest.h>

#include "tests/transport/kex/definition_util.h"
#include "tests/transport/kex/kex_test_util.h"
#include "transport/errors.h"

namespace wharf::kex::testing {
namespace {

using transport::DisconnectReason;
using transport::ProtocolError;

constexpr char kGex[] = "diffie-hellman-group-exchange-sha256";

std::unique_ptr<ServerKex> server_for(const std::string& method) {
  const keys::HostKey& key = ed25519_host_key();
  return make_server_kex(method, make_context(key), signer(key, "ssh-ed25519"), &shipped_moduli());
}

void expect_reason(ServerKex& server, const Buf& msg, DisconnectReason want) {
  try {
    server.on_message(msg);
    FAIL() << "accepted " << Botan::hex_encode(msg).substr(0, 80);
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.reason(), want) << e.what();
  }
  EXPECT_FALSE(server.done());
}

void expect_rejected(const std::string& method, const Buf& msg, DisconnectReason want) {
  expect_reason(*server_for(method), msg, want);
}

Buf init_string(const Buf& value) {
  Buf m = {30};
  put_string(m, value);
  return m;
}

Buf init_mpint(const Botan::BigInt& v, uint8_t type = 30) {
  Buf m = {type};
  put_mpint(m, v);
  return m;
}

TEST(RejectX25519, WrongLengths) {
  for (size_t n : {0, 1, 31, 33, 64}) {
    expect_rejected("curve25519-sha256", init_string(Buf(n, 9)),
                    DisconnectReason::kKeyExchangeFailed);
  }
}

// Points of small order (and non-canonical encodings of them) all give an all-zero shared secret
// (RFC 7748 section 6.1, RFC 8731 section 3).
TEST(RejectX25519, SmallOrderPoints) {
  const char* points[] = {
      "0000000000000000000000000000000000000000000000000000000000000000",
      "0100000000000000000000000000000000000000000000000000000000000000",
      "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
      "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
      "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
      "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };
  for (const char* hex : points) {
    SCOPED_TRACE(hex);
    expect_rejected("curve25519-sha256@libssh.org", init_string(Botan::hex_decode(hex)),
                    DisconnectReason::kKeyExchangeFailed);
  }
}

TEST(RejectEcdh, InvalidPoints) {
  Botan::EC_Group group("secp256r1");
  Buf good = group.get_base_point().encode(Botan::PointGFp::UNCOMPRESSED);
  Buf off_curve = good;
  off_curve.back() ^= 1;
  Buf compressed = group.get_base_point().encode(Botan::PointGFp::COMPRESSED);
  Buf zeros(65, 0);
  zeros[0] = 4;
  Buf x_too_big = good;  // x = p: not a field element
  auto p = Botan::BigInt::encode_1363(group.get_p(), 32);
  std::copy(p.begin(), p.end(), x_too_big.begin() + 1);
  Buf p384 = Botan::EC_Group("secp384r1").get_base_point().encode(Botan::PointGFp::UNCOMPRESSED);
  for (const Buf& bad : {off_curve, compressed, zeros, x_too_big, p384, Buf{0}, Buf{},
                         Buf(good.begin(), good.end() - 1)}) {
    SCOPED_TRACE(Botan::hex_encode(bad));
    expect_rejected("ecdh-sha2-nistp256", init_string(bad), DisconnectReason::kKeyExchangeFailed);
  }
  // The generator itself is a valid point: accepted.
  EXPECT_EQ(server_for("ecdh-sha2-nistp256")->on_message(init_string(good)).size(), 1u);
}

TEST(RejectEcdh, P521OffCurve) {
  Buf good = Botan::EC_Group("secp521r1").get_base_point().encode(Botan::PointGFp::UNCOMPRESSED);
  good[70] ^= 0x40;
  expect_rejected("ecdh-sha2-nistp521", init_string(good), DisconnectReason::kKeyExchangeFailed);
}

TEST(RejectDh, OutOfRangeValues) {
  const Botan::BigInt p = Botan::DL_Group("modp/ietf/2048").get_p();
  for (const Botan::BigInt& e : {Botan::BigInt(0), Botan::BigInt(1), p - 1, p, p + 1}) {
    expect_rejected("diffie-hellman-group14-sha256", init_mpint(e),
                    DisconnectReason::kKeyExchangeFailed);
  }
  EXPECT_EQ(server_for("diffie-hellman-group14-sha256")->on_message(init_mpint(2)).size(), 1u);
}

TEST(RejectDh, OversizedAndNegativeMpints) {
  Buf big = {30};
  put_mpint(big, Botan::BigInt::power_of_2(2048 + 8));
  expect_rejected("diffie-hellman-group14-sha256", big, DisconnectReason::kProtocolError);
  Buf negative = {30, 0, 0, 0, 1, 0x80};
  expect_rejected("diffie-hellman-group14-sha256", negative, DisconnectReason::kProtocolError);
  Buf non_canonical = {30, 0, 0, 0, 2, 0, 5};
  expect_rejected("diffie-hellman-group14-sha256", non_canonical, DisconnectReason::kProtocolError);
}

TEST(RejectMessages, MalformedAndOutOfOrder) {
  Buf x(32, 9);
  Buf trailing = init_string(x);
  trailing.push_back(0);
  expect_rejected("curve25519-sha256", trailing, DisconnectReason::kProtocolError);
  Buf truncated = init_string(x);
  truncated.pop_back();
  expect_rejected("curve25519-sha256", truncated, DisconnectReason::kProtocolError);
  expect_rejected("curve25519-sha256", Buf{}, DisconnectReason::kProtocolError);
  Buf wrong_type = init_string(x);
  wrong_type[0] = 31;
  expect_rejected("ecdh-sha2-nistp384", wrong_type, DisconnectReason::kProtocolError);
  expect_rejected(kGex, init_mpint(5, 32), DisconnectReason::kProtocolError);  // INIT first

  auto server = server_for("curve25519-sha256");
  ASSERT_EQ(server->on_message(init_string(x)).size(), 1u);
  EXPECT_THROW(server->on_message(init_string(x)), ProtocolError);  // a second INIT
}

TEST(RejectMessages, FailedInitCannotBeRetried) {
  auto server = server_for("curve25519-sha256");
  expect_reason(*server, init_string(Buf(32, 0)), DisconnectReason::kKeyExchangeFailed);
  expect_reason(*server, init_string(Buf(32, 9)), DisconnectReason::kProtocolError);
}

Buf gex_request(uint32_t min, uint32_t n, uint32_t max) {
  Buf m = {34};
  put_u32(m, min);
  put_u32(m, n);
  put_u32(m, max);
  return m;
}

TEST(RejectGex, BadRequests) {
  expect_rejected(kGex, gex_request(4096, 3072, 8192), DisconnectReason::kKeyExchangeFailed);
  expect_rejected(kGex, gex_request(3072, 8192, 4096), DisconnectReason::kKeyExchangeFailed);
  expect_rejected(kGex, gex_request(1024, 2048, 2048), DisconnectReason::kKeyExchangeFailed);
  expect_rejected(kGex, gex_request(8193, 9000, 10000), DisconnectReason::kKeyExchangeFailed);
  Buf truncated = gex_request(3072, 4096, 8192);
  truncated.pop_back();
  expect_rejected(kGex, truncated, DisconnectReason::kProtocolError);
  Buf old_trailing = {30, 0, 0, 16, 0, 1};
  expect_rejected(kGex, old_trailing, DisconnectReason::kProtocolError);
}

TEST(RejectGex, BadE) {
  for (int which = 0; which < 3; ++which) {
    auto server = server_for(kGex);
    auto group = server->on_message(gex_request(3072, 3072, 3072));
    ASSERT_EQ(group.size(), 1u);
    const Botan::BigInt p = Botan::DL_Group("modp/ietf/3072").get_p();
    const Botan::BigInt e = which == 0 ? Botan::BigInt(1) : (which == 1 ? p - 1 : p);
    expect_reason(*server, init_mpint(e, 32), DisconnectReason::kKeyExchangeFailed);
  }
}

// A hand-made GROUP message for a client that asked for 3072..8192 bits.
void expect_client_refuses_group(const Botan::BigInt& p, const Botan::BigInt& g) {
  auto client = make_client_kex(kGex, make_context(ed25519_host_key()), "ssh-ed25519");
  client->first_message();
  Buf group = {31};
  put_mpint(group, p);
  put_mpint(group, g);
  try {
    client->on_message(group);
    FAIL() << "client accepted the group";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.reason(), DisconnectReason::kKeyExchangeFailed) << e.what();
  }
}

TEST(RejectGex, ClientRefusesWeakOrBrokenGroups) {
  const Botan::BigInt p2048 = Botan::DL_Group("modp/ietf/2048").get_p();
  const Botan::BigInt p3072 = Botan::DL_Group("modp/ietf/3072").get_p();
  expect_client_refuses_group(p2048, 2);
  expect_client_refuses_group(p3072, 1);
  expect_client_refuses_group(p3072, p3072 - 1);
  expect_client_refuses_group(p3072 + 1, 2);  // even
}

TEST(RejectClient, ServerValueChecked) {
  // The client validates the server's public value like the server validates the client's.
  const keys::HostKey& key = ed25519_host_key();
  auto server = server_for("ecdh-sha2-nistp256");
  auto client = make_client_kex("ecdh-sha2-nistp256", make_context(key), "ssh-ed25519");
  Buf reply = server->on_message(client->first_message().at(0)).at(0);
  // reply: 31, string K_S, string Q_S (65 bytes), string sig; corrupt Q_S's last byte.
  const size_t q_end = 1 + 4 + key.public_blob().size() + 4 + 65;
  reply[q_end - 1] ^= 1;
  try {
    client->on_message(reply);
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.reason(), DisconnectReason::kKeyExchangeFailed);
  }
}

}  // namespace
}  // namespace wharf::kex::testing
