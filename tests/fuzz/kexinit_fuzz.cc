// Fuzzes SSH_MSG_KEXINIT decoding and algorithm negotiation (RFC 4253 section 7.1).
//
// The input is a KEXINIT payload after its message number. A decoded message must re-encode and
// decode to the same fields, and negotiation (against Wharf's full server lists, and with the
// message in both roles) must pick names both sides list, never a pseudo-algorithm, or refuse
// with ProtocolError.
#include <algorithm>
#include <cstdint>
#include <tuple>

#include "conf/algorithms.h"
#include "tests/fuzz/fuzz_util.h"
#include "transport/errors.h"
#include "transport/kexinit.h"
#include "transport/messages.h"
#include "transport/wire.h"

namespace {

using namespace wharf;
using fuzz::check;
using transport::KexInit;
using transport::Negotiated;

auto fields(const KexInit& k) {
  return std::tie(k.cookie, k.kex, k.host_key, k.cipher_c2s, k.cipher_s2c, k.mac_c2s, k.mac_s2c,
                  k.compression_c2s, k.compression_s2c, k.language_c2s, k.language_s2c,
                  k.first_kex_packet_follows, k.reserved);
}

const KexInit& server_kexinit() {
  static const KexInit* k = [] {
    namespace a = conf::algorithms;
    auto* s = new KexInit;
    s->kex = a::kKexSupported;
    s->kex.push_back(std::string(transport::kStrictKexServer));
    s->host_key = a::kHostKeySupported;
    s->cipher_c2s = s->cipher_s2c = a::kCipherSupported;
    s->mac_c2s = s->mac_s2c = a::kMacSupported;
    s->compression_c2s = s->compression_s2c = {"none", "zlib@openssh.com", "zlib"};
    return s;
  }();
  return *k;
}

bool listed(const std::vector<std::string>& v, const std::string& name) {
  return std::find(v.begin(), v.end(), name) != v.end();
}

void check_negotiation(const KexInit& client, const KexInit& server) {
  Negotiated n;
  try {
    n = transport::negotiate(client, server);
  } catch (const transport::ProtocolError& e) {
    check(e.reason() == transport::DisconnectReason::kKeyExchangeFailed);
    return;
  }
  for (auto [chosen, c, s] : {std::tie(n.kex, client.kex, server.kex),
                              std::tie(n.host_key, client.host_key, server.host_key),
                              std::tie(n.cipher_c2s, client.cipher_c2s, server.cipher_c2s),
                              std::tie(n.cipher_s2c, client.cipher_s2c, server.cipher_s2c)}) {
    check(listed(c, chosen) && listed(s, chosen));
  }
  check(n.kex != transport::kExtInfoClient && n.kex != transport::kStrictKexClient &&
        n.kex != transport::kStrictKexServer);
  if (!transport::is_aead_cipher(n.cipher_c2s)) {
    check(listed(client.mac_c2s, n.mac_c2s) && listed(server.mac_c2s, n.mac_c2s));
  }
  check(listed(client.compression_c2s, n.compression_c2s));
  check(n.client_ext_info == listed(client.kex, std::string(transport::kExtInfoClient)));
  check(n.client_strict_kex == listed(client.kex, std::string(transport::kStrictKexClient)));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wire::Reader r(data, size);
  KexInit k;
  try {
    k = KexInit::decode(r);
  } catch (const wire::DecodeError&) {
    return 0;
  }
  wire::Writer w;
  k.encode(w);
  check(!w.bytes().empty() && w.bytes()[0] == transport::msg::kKexInit);
  wire::Reader again(wire::ByteView(w.bytes()).subspan(1));
  const KexInit k2 = KexInit::decode(again);  // must not throw
  check(fields(k) == fields(k2));

  check_negotiation(k, server_kexinit());
  check_negotiation(server_kexinit(), k);
  check_negotiation(k, k);
  return 0;
}
