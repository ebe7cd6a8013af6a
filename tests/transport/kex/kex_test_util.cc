#include "tests/transport/kex/kex_test_util.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace wharf::kex::testing {

KexContext make_context(const keys::HostKey& host_key) {
  KexContext ctx;
  ctx.client_version = "SSH-2.0-TestClient_1.0";
  ctx.server_version = "SSH-2.0-Wharf_0.1";
  ctx.client_kexinit = {20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0, 1, 'x'};
  ctx.server_kexinit = {20, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 1, 'y'};
  ctx.host_key_blob = host_key.public_blob();
  return ctx;
}

const Moduli& shipped_moduli() {
  static const Moduli moduli = [] {
    const char* srcdir = std::getenv("TEST_SRCDIR");
    std::string base = srcdir ? std::string(srcdir) + "/wharf/" : std::string();
    return Moduli::load(base + "transport/kex/moduli");
  }();
  return moduli;
}

const keys::HostKey& ed25519_host_key() {
  static const keys::HostKey key = keys::HostKey::generate(keys::KeyType::kEd25519, "test");
  return key;
}

SignFn signer(const keys::HostKey& key, std::string algorithm) {
  return [&key, algorithm](ByteView h) { return key.sign(algorithm, h); };
}

Transcript run_exchange(ClientKex& client, ServerKex& server) {
  Transcript t;
  std::vector<Bytes> to_server = client.first_message();
  for (int round = 0; round < 8 && !(client.done() && server.done()); ++round) {
    std::vector<Bytes> to_client;
    for (const Bytes& m : to_server) {
      t.client_to_server.push_back(m);
      for (Bytes& r : server.on_message(m)) to_client.push_back(std::move(r));
    }
    to_server.clear();
    for (const Bytes& m : to_client) {
      t.server_to_client.push_back(m);
      for (Bytes& r : client.on_message(m)) to_server.push_back(std::move(r));
    }
  }
  EXPECT_TRUE(client.done());
  EXPECT_TRUE(server.done());
  return t;
}

}  // namespace wharf::kex::testing
