#include "tests/transport/test_client.h"

#include <botan/system_rng.h>

#include <algorithm>
#include <stdexcept>

#include "transport/crypto/algorithms.h"
#include "transport/crypto/kdf.h"
#include "transport/messages.h"

namespace wharf::transport::testing {

TestClient::TestClient(TestClientConfig config) : config_(std::move(config)) {}
TestClient::~TestClient() = default;

void TestClient::start() {
  ident_out_ = "SSH-2.0-WharfTestClient_1.0\r\n";
  send_kexinit();
}

void TestClient::send_kexinit() {
  KexInit k;
  Botan::system_rng().randomize(k.cookie.data(), k.cookie.size());
  k.kex = config_.kex;
  if (kex_count_ == 0 && config_.ext_info) k.kex.emplace_back(kExtInfoClient);
  if (kex_count_ == 0 && config_.strict_kex) k.kex.emplace_back(kStrictKexClient);
  k.host_key = config_.host_key;
  k.cipher_c2s = k.cipher_s2c = config_.ciphers;
  k.mac_c2s = k.mac_s2c = config_.macs;
  k.compression_c2s = k.compression_s2c = config_.compression;
  wire::Writer w;
  k.encode(w);
  client_kexinit_ = w.take();
  encoder_.encode(client_kexinit_);
  kexinit_sent_ = true;
  in_kex_ = true;
}

void TestClient::start_rekey() {
  if (!kexinit_sent_) send_kexinit();
}

void TestClient::send(wire::ByteView payload) { encoder_.encode(payload); }

wire::ByteView TestClient::pending() const {
  if (!ident_out_.empty()) return wire::as_bytes(ident_out_);
  return encoder_.pending();
}

void TestClient::consume(size_t n) {
  if (!ident_out_.empty()) {
    ident_out_.erase(0, n);
  } else {
    encoder_.consume(n);
  }
}

void TestClient::feed(wire::ByteView in) {
  if (!server_ident_.done()) {
    size_t used = server_ident_.feed(in);
    if (!server_ident_.done()) return;
    in = in.subspan(used);
  }
  decoder_.feed(in);
  while (auto payload = decoder_.next()) handle(*payload);
}

void TestClient::handle(wire::ByteView payload) {
  if (payload.empty()) throw std::runtime_error("test client: empty payload");
  uint8_t type = payload[0];
  if (type == msg::kKexInit) return on_server_kexinit(payload);
  if (type == msg::kNewKeys) return on_newkeys();
  if (type >= msg::kKexFirst && type <= msg::kKexLast) {
    for (const auto& m : kex_->on_message(payload)) encoder_.encode(m);
    if (!kex_->done()) return;
    output_ = kex_->take_output();
    host_key_blob_ = output_->host_key_blob;
    if (session_id_.empty()) session_id_ = output_->exchange_hash;
    crypto::SessionKeys keys = crypto::derive_session_keys(
        output_->hash, output_->shared_secret, output_->exchange_hash, session_id_,
        pending_.cipher_c2s, pending_.mac_c2s, pending_.cipher_s2c, pending_.mac_s2c);
    const uint8_t newkeys = msg::kNewKeys;
    encoder_.encode(wire::ByteView(&newkeys, 1));
    encoder_.set_keys(
        crypto::make_sealer(pending_.cipher_c2s, pending_.mac_c2s, keys.client_to_server));
    if (strict_) encoder_.reset_sequence();
    // zlib starts at NEWKEYS; zlib@openssh.com after auth, which the test drives itself. Every
    // NEWKEYS starts a new stream, as in OpenSSH.
    encoder_.set_compression(
        pending_.compression_c2s == "zlib" ||
        (pending_.compression_c2s == "zlib@openssh.com" && encoder_.compression_enabled()));
    s2c_keys_ = std::move(keys.server_to_client);
    return;
  }
  if (type == msg::kDisconnect) {
    wire::Reader r(payload.subspan(1));
    disconnect_reason_ = r.u32("reason");
  }
  received.emplace_back(payload.begin(), payload.end());
}

void TestClient::on_server_kexinit(wire::ByteView payload) {
  if (!kexinit_sent_) send_kexinit();
  wire::Reader theirs(payload.subspan(1));
  KexInit server = KexInit::decode(theirs);
  wire::Reader ours(wire::ByteView(client_kexinit_).subspan(1));
  pending_ = negotiate(KexInit::decode(ours), server);
  if (kex_count_ == 0) {
    strict_ = config_.strict_kex &&
              std::find(server.kex.begin(), server.kex.end(), kStrictKexServer) != server.kex.end();
  }
  kex::KexContext ctx;
  ctx.client_version = "SSH-2.0-WharfTestClient_1.0";
  ctx.server_version = server_ident_.client_identification();
  ctx.client_kexinit = client_kexinit_;
  ctx.server_kexinit.assign(payload.begin(), payload.end());
  kex_ = kex::make_client_kex(pending_.kex, ctx, pending_.host_key);
  if (!kex_) throw std::runtime_error("test client: unknown kex " + pending_.kex);
  for (const auto& m : kex_->first_message()) encoder_.encode(m);
}

void TestClient::on_newkeys() {
  decoder_.set_keys(crypto::make_opener(pending_.cipher_s2c, pending_.mac_s2c, *s2c_keys_));
  if (strict_) decoder_.reset_sequence();
  decoder_.set_compression(
      pending_.compression_s2c == "zlib" ||
      (pending_.compression_s2c == "zlib@openssh.com" && decoder_.compression_enabled()));
  negotiated_ = pending_;
  kexinit_sent_ = false;
  in_kex_ = false;
  ++kex_count_;
}

}  // namespace wharf::transport::testing
