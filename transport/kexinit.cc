#include "transport/kexinit.h"

#include <algorithm>

#include "transport/errors.h"
#include "transport/messages.h"

namespace wharf::transport {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

bool is_pseudo(std::string_view name) {
  return name == kExtInfoClient || name == kStrictKexClient || name == kStrictKexServer ||
         name == "ext-info-s";
}

// The client's first choice that the server also supports (RFC 4253 section 7.1).
std::string choose(const std::vector<std::string>& client, const std::vector<std::string>& server,
                   const char* what) {
  for (const auto& name : client) {
    if (!is_pseudo(name) && contains(server, name)) return name;
  }
  throw ProtocolError(DisconnectReason::kKeyExchangeFailed,
                      std::string("no matching ") + what + " algorithm");
}

std::string first_real(const std::vector<std::string>& list) {
  for (const auto& name : list) {
    if (!is_pseudo(name)) return name;
  }
  return {};
}

}  // namespace

void KexInit::encode(wire::Writer& w) const {
  w.u8(msg::kKexInit).raw(wire::ByteView(cookie));
  for (const auto* list : {&kex, &host_key, &cipher_c2s, &cipher_s2c, &mac_c2s, &mac_s2c,
                           &compression_c2s, &compression_s2c, &language_c2s, &language_s2c}) {
    w.name_list(*list);
  }
  w.boolean(first_kex_packet_follows).u32(reserved);
}

KexInit KexInit::decode(wire::Reader& r) {
  KexInit k;
  wire::ByteView cookie = r.raw(16, "KEXINIT cookie");
  std::copy(cookie.begin(), cookie.end(), k.cookie.begin());
  k.kex = r.name_list("kex_algorithms");
  k.host_key = r.name_list("server_host_key_algorithms");
  k.cipher_c2s = r.name_list("encryption_algorithms_client_to_server");
  k.cipher_s2c = r.name_list("encryption_algorithms_server_to_client");
  k.mac_c2s = r.name_list("mac_algorithms_client_to_server");
  k.mac_s2c = r.name_list("mac_algorithms_server_to_client");
  k.compression_c2s = r.name_list("compression_algorithms_client_to_server");
  k.compression_s2c = r.name_list("compression_algorithms_server_to_client");
  // Languages are not negotiated, but are still bounded and checked like any name-list.
  k.language_c2s = r.name_list("languages_client_to_server");
  k.language_s2c = r.name_list("languages_server_to_client");
  k.first_kex_packet_follows = r.boolean("first_kex_packet_follows");
  k.reserved = r.u32("KEXINIT reserved");
  r.expect_end("KEXINIT");
  return k;
}

bool is_aead_cipher(std::string_view cipher) {
  return cipher == "chacha20-poly1305@openssh.com" || cipher == "aes128-gcm@openssh.com" ||
         cipher == "aes256-gcm@openssh.com";
}

Negotiated negotiate(const KexInit& client, const KexInit& server) {
  Negotiated n;
  n.kex = choose(client.kex, server.kex, "key exchange");
  n.host_key = choose(client.host_key, server.host_key, "host key");
  n.cipher_c2s = choose(client.cipher_c2s, server.cipher_c2s, "client to server cipher");
  n.cipher_s2c = choose(client.cipher_s2c, server.cipher_s2c, "server to client cipher");
  // An AEAD cipher makes the MAC list irrelevant for that direction (as OpenSSH does).
  if (!is_aead_cipher(n.cipher_c2s)) {
    n.mac_c2s = choose(client.mac_c2s, server.mac_c2s, "client to server MAC");
  }
  if (!is_aead_cipher(n.cipher_s2c)) {
    n.mac_s2c = choose(client.mac_s2c, server.mac_s2c, "server to client MAC");
  }
  n.compression_c2s =
      choose(client.compression_c2s, server.compression_c2s, "client to server compression");
  n.compression_s2c =
      choose(client.compression_s2c, server.compression_s2c, "server to client compression");
  n.client_ext_info = contains(client.kex, kExtInfoClient);
  n.client_strict_kex = contains(client.kex, kStrictKexClient);
  // RFC 4253 section 7: a guess is wrong when the preferred kex or host key algorithms differ.
  if (client.first_kex_packet_follows) {
    n.ignore_guessed_packet =
        first_real(client.kex) != n.kex || first_real(client.host_key) != n.host_key;
  }
  return n;
}

}  // namespace wharf::transport
