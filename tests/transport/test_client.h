// A minimal SSH client transport for in-memory tests of the server: identification, KEXINIT,
// a real key exchange through kex::ClientKex, NEWKEYS with key switching in each direction,
// strict KEX and re-exchanges started by either side. No I/O: bytes in, bytes out.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "transport/kex/kex.h"
#include "transport/kexinit.h"
#include "transport/packet/decoder.h"
#include "transport/packet/encoder.h"
#include "transport/version.h"
#include "transport/wire.h"

namespace wharf::transport::testing {

struct TestClientConfig {
  std::vector<std::string> kex = {"curve25519-sha256"};
  std::vector<std::string> host_key = {"ssh-ed25519"};
  std::vector<std::string> ciphers = {"aes128-ctr"};
  std::vector<std::string> macs = {"hmac-sha2-256"};
  std::vector<std::string> compression = {"none"};
  bool strict_kex = true;
  bool ext_info = true;
};

class TestClient {
 public:
  explicit TestClient(TestClientConfig config);
  ~TestClient();

  void start();                  // identification and KEXINIT
  void feed(wire::ByteView in);  // server output
  wire::ByteView pending() const;
  void consume(size_t n);

  // Sends a payload now (tests may send anything, legal or not).
  void send(wire::ByteView payload);
  void start_rekey();

  bool keys_active() const { return kex_count_ > 0 && !in_kex_; }
  size_t key_exchanges() const { return kex_count_; }
  bool disconnected() const { return disconnect_reason_.has_value(); }
  std::optional<uint32_t> disconnect_reason() const { return disconnect_reason_; }
  const Negotiated& negotiated() const { return negotiated_; }
  const wire::Bytes& host_key_blob() const { return host_key_blob_; }
  // Payloads other than KEX traffic, in order of arrival.
  std::vector<wire::Bytes> received;

  packet::PacketEncoder& encoder() { return encoder_; }
  packet::PacketDecoder& decoder() { return decoder_; }

 private:
  void handle(wire::ByteView payload);
  void send_kexinit();
  void on_server_kexinit(wire::ByteView payload);
  void on_newkeys();

  TestClientConfig config_;
  IdentificationReader server_ident_;  // reads "SSH-2.0-..." lines; server side semantics fit
  std::string ident_out_;
  packet::PacketEncoder encoder_;
  packet::PacketDecoder decoder_;
  wire::Bytes client_kexinit_;
  bool kexinit_sent_ = false;
  bool in_kex_ = false;
  bool strict_ = false;
  Negotiated negotiated_;
  Negotiated pending_;
  std::unique_ptr<kex::ClientKex> kex_;
  std::optional<kex::KexOutput> output_;
  std::optional<crypto::KeyMaterial> s2c_keys_;
  wire::Bytes session_id_;
  wire::Bytes host_key_blob_;
  size_t kex_count_ = 0;
  std::optional<uint32_t> disconnect_reason_;
};

}  // namespace wharf::transport::testing
