// Throughput of the packet layer (PacketEncoder -> PacketDecoder, 32 KiB payloads) per cipher,
// next to Botan's raw speed for the same primitives doing the same work (seal and open of a
// 32 KiB buffer). Not a test: run with `bazel run -c opt //tests/bench/packet:packet_bench`.
#include <botan/aead.h>
#include <botan/loadstor.h>
#include <botan/mac.h>
#include <botan/stream_cipher.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "tests/transport/crypto/test_keys.h"
#include "transport/crypto/algorithms.h"
#include "transport/packet/decoder.h"
#include "transport/packet/encoder.h"

namespace wharf::transport {
namespace {

using crypto::testing::Combo;
using crypto::testing::keys_for;
constexpr size_t kPayload = 32 * 1024;
constexpr double kSeconds = 0.15;  // per round
constexpr int kRounds = 7;         // layer and raw alternate; the best round of each is kept,
                                   // which filters out other processes on a busy machine

// Runs `step` (which processes `bytes`) until kSeconds have passed; returns MiB/s.
double measure(size_t bytes, const std::function<void()>& step) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  size_t done = 0;
  double elapsed = 0;
  do {
    for (int i = 0; i < 16; ++i) step();
    done += 16 * bytes;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < kSeconds);
  return done / elapsed / (1024.0 * 1024.0);
}

struct Layer {
  packet::PacketEncoder enc;
  packet::PacketDecoder dec;
  std::vector<uint8_t> payload = std::vector<uint8_t>(kPayload, 0x42);
  size_t sink = 0;
};

std::function<void()> layer_step(const Combo& c, Layer& l) {
  const auto keys = keys_for(c);
  l.enc.set_keys(crypto::make_sealer(c.cipher, c.mac, keys));
  l.dec.set_keys(crypto::make_opener(c.cipher, c.mac, keys));
  return [&l] {
    auto& enc = l.enc;
    auto& dec = l.dec;
    enc.encode(l.payload);
    const wire::ByteView out = enc.pending();
    std::span<uint8_t> room = dec.prepare(out.size());
    std::copy(out.begin(), out.end(), room.begin());
    dec.commit(out.size());
    enc.consume(out.size());
    while (auto p = dec.next()) l.sink += p->size();
  };
}

// The same cryptographic work done with Botan directly on one buffer.
std::function<void()> raw_step(const Combo& c, std::vector<uint8_t>& buf) {
  const auto keys = keys_for(c);
  const crypto::CipherInfo* info = crypto::find_cipher(c.cipher);
  if (c.cipher.starts_with("chacha")) {
    std::shared_ptr<Botan::StreamCipher> chacha =
        Botan::StreamCipher::create_or_throw("ChaCha(20)");
    std::shared_ptr<Botan::MessageAuthenticationCode> poly =
        Botan::MessageAuthenticationCode::create_or_throw("Poly1305");
    chacha->set_key(keys.enc_key.data(), 32);
    return [chacha, poly, &buf] {
      uint8_t tag[16], nonce[8] = {}, block0[64] = {};
      for (int dir = 0; dir < 2; ++dir) {  // seal, then open
        chacha->set_iv(nonce, 8);
        chacha->cipher1(block0, 64);
        poly->set_key(block0, 32);
        chacha->cipher1(buf.data(), buf.size());
        poly->update(buf.data(), buf.size());
        poly->final(tag);
      }
    };
  }
  if (info->is_aead) {
    const std::string name = keys.enc_key.size() == 16 ? "AES-128/GCM" : "AES-256/GCM";
    std::shared_ptr<Botan::AEAD_Mode> enc =
        Botan::AEAD_Mode::create_or_throw(name, Botan::ENCRYPTION);
    std::shared_ptr<Botan::AEAD_Mode> dec =
        Botan::AEAD_Mode::create_or_throw(name, Botan::DECRYPTION);
    enc->set_key(keys.enc_key);
    dec->set_key(keys.enc_key);
    auto vec = std::make_shared<Botan::secure_vector<uint8_t>>(buf.begin(), buf.end());
    return [enc, dec, vec, iv = keys.iv] {
      enc->set_associated_data(iv.data(), 4);
      enc->start(iv);
      enc->finish(*vec);
      dec->set_associated_data(iv.data(), 4);
      dec->start(iv);
      dec->finish(*vec);
    };
  }
  const crypto::MacInfo* m = crypto::find_mac(c.mac);
  std::shared_ptr<Botan::StreamCipher> ctr = Botan::StreamCipher::create_or_throw(
      "CTR-BE(AES-" + std::to_string(keys.enc_key.size() * 8) + ")");
  std::shared_ptr<Botan::MessageAuthenticationCode> mac =
      Botan::MessageAuthenticationCode::create_or_throw(std::string(m->botan_name));
  ctr->set_key(keys.enc_key);
  ctr->set_iv(keys.iv.data(), keys.iv.size());
  mac->set_key(keys.mac_key);
  return [ctr, mac, &buf] {
    uint8_t tag[64];
    for (int dir = 0; dir < 2; ++dir) {
      ctr->cipher1(buf.data(), buf.size());
      mac->update(buf.data(), buf.size());
      mac->final(tag);
    }
  };
}

int run() {
  std::printf("%-48s %12s %12s %7s\n", "cipher + MAC (32 KiB packets, seal+open)", "packet MiB/s",
              "raw MiB/s", "ratio");
  for (const Combo& c : crypto::testing::all_combos()) {
    Layer l;
    const auto layer_fn = layer_step(c, l);
    std::vector<uint8_t> buf(kPayload + 32, 0x42);
    const bool none = c.cipher == "none";
    const auto raw_fn = none ? std::function<void()>() : raw_step(c, buf);
    double layer = 0, raw = 0;
    for (int round = 0; round < kRounds; ++round) {
      layer = std::max(layer, measure(kPayload, layer_fn));
      if (!none) raw = std::max(raw, measure(kPayload, raw_fn));
    }
    if (l.sink == 0) std::abort();
    if (none) {
      std::printf("%-48s %12.0f %12s %7s\n", c.label().c_str(), layer, "-", "-");
      continue;
    }
    std::printf("%-48s %12.0f %12.0f %6.0f%%\n", c.label().c_str(), layer, raw,
                100.0 * layer / raw);
  }
  return 0;
}

}  // namespace
}  // namespace wharf::transport

int main() { return wharf::transport::run(); }
