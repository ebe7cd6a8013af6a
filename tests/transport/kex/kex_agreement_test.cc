// Our client against our server for every method and several host key types: both sides must
// arrive at the same K and H, and the client must refuse a bad or unexpected host key.
#include <gtest/gtest.h>

#include "tests/transport/kex/kex_test_util.h"
#include "transport/errors.h"

namespace wharf::kex::testing {
namespace {

using transport::DisconnectReason;
using transport::ProtocolError;

struct Case {
  std::string method;
  GexRequest gex;
};

class Agreement : public ::testing::TestWithParam<Case> {};

void expect_agreement(const Case& c, const keys::HostKey& key, const std::string& alg) {
  KexContext ctx = make_context(key);
  auto server = make_server_kex(c.method, ctx, signer(key, alg), &shipped_moduli());
  KexContext client_ctx = ctx;
  client_ctx.host_key_blob.clear();  // learn it from the exchange
  auto client = make_client_kex(c.method, client_ctx, alg, c.gex);
  ASSERT_TRUE(server && client);
  run_exchange(*client, *server);
  KexOutput s = server->take_output();
  KexOutput k = client->take_output();
  EXPECT_EQ(s.shared_secret, k.shared_secret);
  EXPECT_EQ(s.exchange_hash, k.exchange_hash);
  EXPECT_EQ(s.hash, k.hash);
  EXPECT_EQ(k.host_key_blob, key.public_blob());
  EXPECT_GT(s.shared_secret.size(), 4u + 31u);
  const size_t digest = s.hash == "SHA-256" ? 32 : (s.hash == "SHA-384" ? 48 : 64);
  EXPECT_EQ(s.exchange_hash.size(), digest);
}

TEST_P(Agreement, ClientAndServerAgreeOnKAndH) {
  expect_agreement(GetParam(), ed25519_host_key(), "ssh-ed25519");
}

TEST_P(Agreement, WorksWithEcdsaHostKey) {
  static const keys::HostKey key = keys::HostKey::generate(keys::KeyType::kEcdsaP384);
  expect_agreement(GetParam(), key, "ecdsa-sha2-nistp384");
}

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const auto& m : supported_kex_methods()) cases.push_back({m, {}});
  cases.push_back({"diffie-hellman-group-exchange-sha256", {3072, 3072, 4096, false}});
  cases.push_back({"diffie-hellman-group-exchange-sha256", {0, 6144, 0, true}});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllMethods, Agreement, ::testing::ValuesIn(all_cases()),
                         [](const auto& info) {
                           std::string n = info.param.method + "_" + std::to_string(info.index);
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(Methods, DefaultsAreASubsetWithCurve25519First) {
  auto all = supported_kex_methods();
  auto defaults = default_kex_methods();
  ASSERT_FALSE(defaults.empty());
  EXPECT_EQ(defaults.front(), "curve25519-sha256");
  for (const auto& d : defaults) {
    EXPECT_NE(std::find(all.begin(), all.end(), d), all.end()) << d;
    EXPECT_EQ(d.rfind("diffie-hellman", 0), std::string::npos) << "finite-field DH is off: " << d;
  }
  EXPECT_EQ(all.size(), 9u);
  EXPECT_EQ(make_server_kex("nope", make_context(ed25519_host_key()), nullptr, nullptr), nullptr);
  EXPECT_EQ(make_server_kex("diffie-hellman-group-exchange-sha256",
                            make_context(ed25519_host_key()), nullptr, nullptr),
            nullptr);
}

// Runs curve25519 but lets `tamper` change the server's reply before the client sees it.
template <typename F>
void run_tampered(const KexContext& client_ctx, F tamper, DisconnectReason want) {
  const keys::HostKey& key = ed25519_host_key();
  auto server =
      make_server_kex("curve25519-sha256", make_context(key), signer(key, "ssh-ed25519"), nullptr);
  auto client = make_client_kex("curve25519-sha256", client_ctx, "ssh-ed25519");
  auto replies = server->on_message(client->first_message().at(0));
  ASSERT_EQ(replies.size(), 1u);
  tamper(replies[0]);
  try {
    client->on_message(replies[0]);
    FAIL() << "client accepted a tampered reply";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.reason(), want) << e.what();
  }
  EXPECT_FALSE(client->done());
}

TEST(Client, RefusesABadSignature) {
  run_tampered(
      make_context(ed25519_host_key()), [](Bytes& m) { m[m.size() - 5] ^= 1; },
      DisconnectReason::kKeyExchangeFailed);
}

TEST(Client, RefusesAnUnexpectedHostKey) {
  KexContext ctx = make_context(ed25519_host_key());
  ctx.host_key_blob = keys::HostKey::generate(keys::KeyType::kEd25519).public_blob();
  run_tampered(
      ctx, [](Bytes&) {}, DisconnectReason::kHostKeyNotVerifiable);
}

TEST(Client, RefusesTrailingBytesAndWrongSignatureAlgorithm) {
  run_tampered(
      make_context(ed25519_host_key()), [](Bytes& m) { m.push_back(0); },
      DisconnectReason::kProtocolError);
  const keys::HostKey& key = ed25519_host_key();
  auto server =
      make_server_kex("curve25519-sha256", make_context(key), signer(key, "ssh-ed25519"), nullptr);
  auto client = make_client_kex("curve25519-sha256", make_context(key), "rsa-sha2-256");
  auto replies = server->on_message(client->first_message().at(0));
  EXPECT_THROW(client->on_message(replies.at(0)), ProtocolError);
}

TEST(Client, RefusesAReplyBeforeItsInitAndASecondReply) {
  const keys::HostKey& key = ed25519_host_key();
  auto server =
      make_server_kex("ecdh-sha2-nistp256", make_context(key), signer(key, "ssh-ed25519"), nullptr);
  auto client = make_client_kex("ecdh-sha2-nistp256", make_context(key), "ssh-ed25519");
  auto early = make_client_kex("ecdh-sha2-nistp256", make_context(key), "ssh-ed25519");
  auto replies = server->on_message(client->first_message().at(0));
  EXPECT_THROW(early->on_message(replies.at(0)), ProtocolError);
  client->on_message(replies.at(0));
  EXPECT_TRUE(client->done());
  EXPECT_THROW(client->on_message(replies.at(0)), ProtocolError);
}

}  // namespace
}  // namespace wharf::kex::testing
