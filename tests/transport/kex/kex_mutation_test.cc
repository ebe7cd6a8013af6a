// Noise on the wire: every KEX message of every method, truncated, extended or with one byte
// changed, either still completes with both sides agreeing or ends in ProtocolError, never any
// other exception (a Botan or decode error escaping would skip the DISCONNECT path).
#include <botan/system_rng.h>
#include <gtest/gtest.h>

#include "tests/transport/kex/kex_test_util.h"
#include "transport/errors.h"

namespace wharf::kex::testing {
namespace {

enum class Change { kFlip, kTruncate, kExtend };

Bytes mutate(Bytes m, Change how) {
  uint32_t r = 0;
  Botan::system_rng().randomize(reinterpret_cast<uint8_t*>(&r), sizeof r);
  switch (how) {
    case Change::kFlip:
      m[r % m.size()] ^= static_cast<uint8_t>(1u << ((r >> 16) % 8));
      break;
    case Change::kTruncate:
      m.resize(r % m.size());
      break;
    case Change::kExtend:
      m.push_back(static_cast<uint8_t>(r >> 8));
      break;
  }
  return m;
}

// Runs one exchange, changing message number `target` (counting both directions).
// Returns true if it completed.
bool run_mutated(const std::string& method, size_t target, Change how) {
  const keys::HostKey& key = ed25519_host_key();
  KexContext ctx = make_context(key);
  auto server = make_server_kex(method, ctx, signer(key, "ssh-ed25519"), &shipped_moduli());
  auto client = make_client_kex(method, ctx, "ssh-ed25519", GexRequest{3072, 3072, 3072});
  size_t count = 0;
  auto maybe = [&](Bytes m) { return count++ == target ? mutate(std::move(m), how) : m; };
  std::vector<Bytes> to_server = client->first_message();
  for (int round = 0; round < 4 && !(client->done() && server->done()); ++round) {
    std::vector<Bytes> to_client;
    for (Bytes& m : to_server) {
      for (Bytes& r : server->on_message(maybe(std::move(m)))) to_client.push_back(std::move(r));
    }
    to_server.clear();
    for (Bytes& m : to_client) {
      for (Bytes& r : client->on_message(maybe(std::move(m)))) to_server.push_back(std::move(r));
    }
  }
  if (!client->done() || !server->done()) return false;
  KexOutput s = server->take_output(), c = client->take_output();
  EXPECT_EQ(s.shared_secret, c.shared_secret);
  EXPECT_EQ(s.exchange_hash, c.exchange_hash);
  return true;
}

class Mutation : public ::testing::TestWithParam<std::string> {};

TEST_P(Mutation, OnlyProtocolErrorsEscape) {
  const std::string& method = GetParam();
  // Finite-field DH is slow (an 8192-bit exchange takes a few hundred ms): fewer rounds.
  const bool dh = method.rfind("diffie-hellman", 0) == 0;
  const int rounds = method == "diffie-hellman-group18-sha512" ? 1 : (dh ? 3 : 25);
  const size_t messages = method == "diffie-hellman-group-exchange-sha256" ? 4 : 2;
  size_t failed = 0, total = 0;
  for (int i = 0; i < rounds; ++i) {
    for (size_t target = 0; target < messages; ++target) {
      for (Change how : {Change::kFlip, Change::kTruncate, Change::kExtend}) {
        ++total;
        try {
          if (!run_mutated(method, target, how)) ADD_FAILURE() << "stalled";
        } catch (const transport::ProtocolError&) {
          ++failed;
        }
      }
    }
  }
  // Truncations and extensions always fail; so do nearly all flips.
  EXPECT_GE(failed, total * 2 / 3);
}

INSTANTIATE_TEST_SUITE_P(AllMethods, Mutation, ::testing::ValuesIn(supported_kex_methods()),
                         [](const auto& info) { return "m" + std::to_string(info.index); });

}  // namespace
}  // namespace wharf::kex::testing
