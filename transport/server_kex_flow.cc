// The key exchange steps of ServerTransport: KEXINIT, the method's messages, NEWKEYS and
// EXT_INFO (RFC 4253 sections 7 and 8, RFC 8308, OpenSSH PROTOCOL 1.10 strict KEX).
#include <botan/system_rng.h>
#include <fmt/format.h>

#include <algorithm>

#include "log/log.h"
#include "transport/crypto/algorithms.h"
#include "transport/crypto/kdf.h"
#include "transport/messages.h"
#include "transport/server_transport.h"

namespace wharf::transport {

void ServerTransport::send_kexinit() {
  KexInit k;
  Botan::system_rng().randomize(k.cookie.data(), k.cookie.size());
  k.kex = config_.kex_algorithms;
  if (legality_.initial_kex) k.kex.emplace_back(kStrictKexServer);
  for (const auto& alg : config_.host_key_algorithms) {
    bool have = std::any_of(config_.host_keys.begin(), config_.host_keys.end(),
                            [&](const keys::HostKey* key) {
                              auto algs = key->algorithms(true);
                              return std::find(algs.begin(), algs.end(), alg) != algs.end();
                            });
    if (have) k.host_key.push_back(alg);
  }
  k.cipher_c2s = k.cipher_s2c = config_.ciphers;
  k.mac_c2s = k.mac_s2c = config_.macs;
  k.compression_c2s = k.compression_s2c = config_.compression;
  wire::Writer w;
  k.encode(w);
  server_kexinit_ = w.take();
  send_now(server_kexinit_);
  kexinit_sent_ = true;
  newkeys_sent_ = false;
}

void ServerTransport::on_client_kexinit(wire::ByteView payload) {
  wire::Reader r(payload.subspan(1));
  KexInit client = KexInit::decode(r);
  if (!kexinit_sent_) send_kexinit();  // the client started a re-exchange
  wire::Reader ours(wire::ByteView(server_kexinit_).subspan(1));
  pending_ = negotiate(client, KexInit::decode(ours));
  if (legality_.initial_kex) {
    legality_.strict_kex = pending_.client_strict_kex;
    if (legality_.strict_kex && !first_packet_was_kexinit_) {
      throw ProtocolError(DisconnectReason::kProtocolError,
                          "strict KEX violation: KEXINIT was not the first packet");
    }
  }
  legality_.in_kex = true;
  legality_.kex_ready_for_newkeys = false;
  skip_guessed_packet_ = pending_.ignore_guessed_packet;
  const keys::HostKey& key = host_key_for(pending_.host_key);
  kex::KexContext ctx;
  ctx.client_version = ident_.client_identification();
  ctx.server_version = server_identification();
  ctx.client_kexinit.assign(payload.begin(), payload.end());
  ctx.server_kexinit = server_kexinit_;
  ctx.host_key_blob = key.public_blob();
  std::string alg = pending_.host_key;
  kex_ = kex::make_server_kex(
      pending_.kex, ctx, [&key, alg](wire::ByteView h) { return key.sign(alg, h); },
      config_.moduli);
  if (!kex_) throw ProtocolError(DisconnectReason::kKeyExchangeFailed, "unknown kex method");
  log::debug("kex: {} host key {} cipher {}/{} mac {}/{} compression {}/{}{}", pending_.kex,
             pending_.host_key, pending_.cipher_c2s, pending_.cipher_s2c, pending_.mac_c2s,
             pending_.mac_s2c, pending_.compression_c2s, pending_.compression_s2c,
             legality_.strict_kex ? " strict" : "");
}

void ServerTransport::on_kex_message(wire::ByteView payload) {
  if (skip_guessed_packet_) {
    skip_guessed_packet_ = false;  // RFC 4253 section 7: the client guessed wrong
    return;
  }
  for (const auto& reply : kex_->on_message(payload)) send_now(reply);
  if (kex_->done()) {
    kex_output_ = kex_->take_output();
    legality_.kex_ready_for_newkeys = true;
    send_newkeys_and_switch();
  }
}

void ServerTransport::send_newkeys_and_switch() {
  const kex::KexOutput& out = *kex_output_;
  if (session_id_.empty()) session_id_ = out.exchange_hash;  // RFC 4253 section 7.2
  crypto::SessionKeys keys = crypto::derive_session_keys(
      out.hash, out.shared_secret, out.exchange_hash, session_id_, pending_.cipher_c2s,
      pending_.mac_c2s, pending_.cipher_s2c, pending_.mac_s2c);
  const uint8_t newkeys = msg::kNewKeys;
  send_now(wire::ByteView(&newkeys, 1));
  encoder_.set_keys(
      crypto::make_sealer(pending_.cipher_s2c, pending_.mac_s2c, keys.server_to_client));
  if (legality_.strict_kex) encoder_.reset_sequence();
  bool zlib_now = pending_.compression_s2c == "zlib" ||
                  (pending_.compression_s2c == "zlib@openssh.com" && authenticated());
  // A new zlib stream with every NEWKEYS (or none if this exchange chose none), as OpenSSH's
  // ssh_set_newkeys() starts one: a client would fail to inflate an old stream's next packet.
  encoder_.set_compression(zlib_now);
  c2s_keys_ = std::move(keys.client_to_server);
  newkeys_sent_ = true;
  // RFC 8308 section 2.4: EXT_INFO is the next packet after the server's first NEWKEYS.
  if (legality_.initial_kex && pending_.client_ext_info) send_ext_info();
  flush_held_output();
}

void ServerTransport::on_client_newkeys() {
  decoder_.set_keys(crypto::make_opener(pending_.cipher_c2s, pending_.mac_c2s, *c2s_keys_));
  c2s_keys_.reset();
  if (legality_.strict_kex) decoder_.reset_sequence();
  bool zlib_now = pending_.compression_c2s == "zlib" ||
                  (pending_.compression_c2s == "zlib@openssh.com" && authenticated());
  decoder_.set_compression(zlib_now);
  legality_.in_kex = false;
  legality_.kex_ready_for_newkeys = false;
  legality_.initial_kex = false;
  if (legality_.phase == Phase::kAwaitKexInit) legality_.phase = Phase::kPreAuth;
  negotiated_ = pending_;
  kexinit_sent_ = false;
  kex_.reset();
  kex_output_.reset();
  keys_time_ = now_;
  ++kex_count_;
}

void ServerTransport::send_ext_info() {
  wire::Writer w;
  w.u8(msg::kExtInfo).u32(1);
  w.string(std::string_view("server-sig-algs")).name_list(config_.server_sig_algs);
  send_now(w.bytes());
}

}  // namespace wharf::transport
