// Key exchange methods (RFC 4253 section 8 and the RFCs below), server side and client side, as
// message-in / messages-out state machines with no I/O. The transport hands each method-specific
// message (types 30..49, payload with its type byte) to on_message() and sends what it returns;
// when done(), take_output() gives K and H for key derivation (RFC 4253 section 7.2).
#pragma once

#include <botan/secmem.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "transport/wire.h"

namespace wharf::kex {

using wire::Bytes;
using wire::ByteView;

class Moduli;

struct KexContext {
  std::string client_version, server_version;  // identification strings without CR LF
  Bytes client_kexinit, server_kexinit;        // KEXINIT payloads, type byte included
  // Server: K_S, the host key blob it signs with. Client: the expected host key, or empty to
  // accept any (the caller then checks KexOutput::host_key_blob against its known hosts).
  Bytes host_key_blob;
};

// Signs the exchange hash with the host key; returns the signature blob.
using SignFn = std::function<Bytes(ByteView exchange_hash)>;

struct KexOutput {
  // K in its mpint wire encoding (uint32 length, then the bytes), exactly as it enters H and
  // the key derivation of RFC 4253 section 7.2.
  Botan::secure_vector<uint8_t> shared_secret;
  Bytes exchange_hash;  // H
  std::string hash;     // Botan name of the method's hash, e.g. "SHA-256"
  Bytes host_key_blob;  // K_S as sent by the server
};

class ServerKex {
 public:
  virtual ~ServerKex();
  // One client KEX message (payload including the type byte). Returns payloads to send. Throws
  // transport::ProtocolError on anything malformed, unexpected or invalid.
  virtual std::vector<Bytes> on_message(ByteView payload) = 0;
  virtual bool done() const = 0;
  // Only once done(); leaves the object spent.
  virtual KexOutput take_output() = 0;
};

class ClientKex {
 public:
  virtual ~ClientKex();
  // The message(s) that open the exchange.
  virtual std::vector<Bytes> first_message() = 0;
  // One server KEX message; verifies the host key signature on the final reply.
  virtual std::vector<Bytes> on_message(ByteView payload) = 0;
  virtual bool done() const = 0;
  virtual KexOutput take_output() = 0;
};

// Group sizes a client asks for in diffie-hellman-group-exchange (RFC 4419 section 3).
struct GexRequest {
  uint32_t min = 3072, n = 4096, max = 8192;
  bool old_form = false;  // SSH_MSG_KEX_DH_GEX_REQUEST_OLD (n only), RFC 4419 section 5
};

// All methods implemented, in the default preference order.
std::vector<std::string> supported_kex_methods();
// The ones on by default (finite-field DH is available but off, as in OpenSSH 10).
std::vector<std::string> default_kex_methods();

// nullptr for an unknown method. `moduli` is needed only for group exchange (it must outlive
// the returned object).
std::unique_ptr<ServerKex> make_server_kex(std::string_view method, const KexContext& ctx,
                                           SignFn sign, const Moduli* moduli);
// `host_key_algorithm` is the negotiated signature algorithm the server's reply must carry.
std::unique_ptr<ClientKex> make_client_kex(std::string_view method, const KexContext& ctx,
                                           std::string host_key_algorithm, GexRequest gex = {});

}  // namespace wharf::kex
