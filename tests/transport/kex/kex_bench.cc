// Times one full key exchange (our client and server in memory, Ed25519 host key) per method.
// A benchmark, not a test: bazel run //tests/transport/kex:kex_bench [-- rounds]
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "transport/kex/kex.h"
#include "transport/kex/moduli.h"
#include "transport/keys/host_key.h"

using namespace wharf;

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 20;
  const char* moduli_path = argc > 2 ? argv[2] : "transport/kex/moduli";
  kex::Moduli moduli = kex::Moduli::load(moduli_path);
  keys::HostKey key = keys::HostKey::generate(keys::KeyType::kEd25519);
  kex::KexContext ctx;
  ctx.client_version = "SSH-2.0-bench";
  ctx.server_version = "SSH-2.0-wharf";
  ctx.client_kexinit = {20};
  ctx.server_kexinit = {20};
  ctx.host_key_blob = key.public_blob();
  auto sign = [&](wire::ByteView h) { return key.sign("ssh-ed25519", h); };
  for (const auto& method : kex::supported_kex_methods()) {
    double server_ms = 0, total_ms = 0;
    for (int i = 0; i < rounds; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      auto server = kex::make_server_kex(method, ctx, sign, &moduli);
      auto client = kex::make_client_kex(method, ctx, "ssh-ed25519");
      std::vector<wire::Bytes> to_server = client->first_message();
      while (!client->done()) {
        std::vector<wire::Bytes> to_client;
        for (auto& m : to_server) {
          auto s0 = std::chrono::steady_clock::now();
          for (auto& r : server->on_message(m)) to_client.push_back(std::move(r));
          server_ms +=
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0)
                  .count();
        }
        to_server.clear();
        for (auto& m : to_client) {
          for (auto& r : client->on_message(m)) to_server.push_back(std::move(r));
        }
      }
      total_ms +=
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    }
    std::printf("%-40s server %8.2f ms   client+server %8.2f ms\n", method.c_str(),
                server_ms / rounds, total_ms / rounds);
  }
}
