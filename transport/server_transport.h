// The server side of the SSH transport (RFC 4253) as a core with no I/O: bytes go in with
// feed(), bytes to send accumulate in an output queue, time is passed in.
//
// It owns the identification exchange, key exchange and re-exchange (with strict KEX, OpenSSH
// PROTOCOL 1.10), the binary packet protocol, EXT_INFO (RFC 8308), the ssh-userauth service
// request and the message-legality table. Everything else (user authentication and the
// connection protocol) is handed to a ServiceHandler, which sends through send().
#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "transport/crypto/protection.h"
#include "transport/errors.h"
#include "transport/kex/kex.h"
#include "transport/kexinit.h"
#include "transport/keys/host_key.h"
#include "transport/legality.h"
#include "transport/packet/decoder.h"
#include "transport/packet/encoder.h"
#include "transport/version.h"
#include "transport/wire.h"

namespace wharf::transport {

struct ServerTransportConfig {
  std::vector<std::string> kex_algorithms;
  std::vector<std::string> host_key_algorithms;
  std::vector<std::string> ciphers;
  std::vector<std::string> macs;
  std::vector<std::string> compression = {"none"};  // zlib@openssh.com, zlib, none
  std::vector<std::string> server_sig_algs;         // advertised in EXT_INFO
  std::vector<const keys::HostKey*> host_keys;      // outlive the transport
  const kex::Moduli* moduli = nullptr;              // for group exchange
  uint64_t rekey_bytes = 0;                         // 0: the default for the cipher (1 GiB here)
  int rekey_seconds = 0;                            // 0: no time limit
  // Application output held back during a key re-exchange, and output not yet written,
  // beyond which input stops being read (backpressure).
  size_t output_high_water = 4 * 1024 * 1024;
};

// Receives the messages the transport does not handle itself.
class ServiceHandler {
 public:
  virtual ~ServiceHandler() = default;
  // One message of user authentication (50..79) or the connection protocol (80..127),
  // already checked against the legality table.
  virtual void on_message(wire::ByteView payload) = 0;
};

class ServerTransport {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ServerTransport(ServerTransportConfig config);
  ~ServerTransport();

  void set_handler(ServiceHandler* handler) { handler_ = handler; }

  // Queues our identification string and KEXINIT.
  void start(Clock::time_point now = Clock::now());
  // Consumes input; throws ProtocolError or wire::DecodeError on a violation by the peer.
  void feed(wire::ByteView in, Clock::time_point now);
  // feed() without the copy: room for up to `n` bytes to read into (inside the packet decoder's
  // buffer once the identification lines are done), then commit_input() of what arrived.
  std::span<uint8_t> input_space(size_t n);
  void commit_input(size_t n, Clock::time_point now);
  // Starts a key re-exchange when a RekeyLimit is reached; returns rekey_deadline().
  Clock::time_point on_timer(Clock::time_point now);
  // When RekeyLimit's time part next falls due: after authentication, counted from the last key
  // change; Clock::time_point::max() if there is none (or an exchange is already running).
  Clock::time_point rekey_deadline() const;
  // Queues SSH_MSG_DISCONNECT (or a text line during the identification exchange) and closes.
  void disconnect(DisconnectReason reason, const std::string& description);

  // Sends one service message; held back (bounded) while a key exchange runs.
  void send(wire::ByteView payload);
  // In-place sending (no copy): room for up to `max_payload` bytes of one service message inside
  // the outgoing packet, sealed where it lies by end_send(). The message is the `head_len` bytes
  // written into the room followed by `tail` (at least one byte in all), which is encrypted from
  // where it lies. Returns an empty span when the message cannot go out now (closed, or a key
  // exchange holds output back): the caller then uses send(). Nothing else may be sent between
  // the two calls.
  std::span<uint8_t> begin_send(size_t max_payload);
  void end_send(size_t head_len, wire::ByteView tail = {});
  // Called by the authentication layer right after it queued USERAUTH_SUCCESS.
  void set_authenticated();

  wire::ByteView pending_output() const;
  void consume_output(size_t n);
  bool output_backlogged() const;
  // Bytes sealed but not yet written, plus service output held back during a key exchange.
  size_t output_queued() const;

  bool authenticated() const { return legality_.phase == Phase::kPostAuth; }
  bool closed() const { return closed_; }
  const std::string& client_identification() const { return ident_.client_identification(); }
  const wire::Bytes& session_id() const { return session_id_; }
  // The algorithms of the last completed key exchange, for logs.
  const Negotiated& negotiated() const { return negotiated_; }
  size_t key_exchanges() const { return kex_count_; }

 private:
  void handle_packets();
  void rekey_if_due();
  void handle_packet(wire::ByteView payload);
  void handle_transport_message(uint8_t type, wire::ByteView payload);
  void on_client_kexinit(wire::ByteView payload);
  void on_kex_message(wire::ByteView payload);
  void on_client_newkeys();
  void on_service_request(wire::ByteView payload);
  void send_kexinit();
  void send_newkeys_and_switch();
  void send_ext_info();
  void send_unimplemented(uint32_t seq);
  void send_now(wire::ByteView payload);
  void flush_held_output();
  bool rekey_due(Clock::time_point now) const;
  const keys::HostKey& host_key_for(const std::string& algorithm) const;

  ServerTransportConfig config_;
  ServiceHandler* handler_ = nullptr;
  IdentificationReader ident_;
  // Where input_space() lets reads land before the identification line is complete.
  wire::Bytes ident_input_;
  std::string ident_out_;         // our identification line until written
  std::string refusal_out_;       // why the client's identification was refused, after packets
  bool packets_written_ = false;  // some binary packet output has been taken by the caller
  packet::PacketEncoder encoder_;
  packet::PacketDecoder decoder_;
  LegalityState legality_;
  wire::Bytes server_kexinit_;  // our KEXINIT payload of the exchange in progress
  bool kexinit_sent_ = false;   // we sent KEXINIT for an exchange not finished yet
  bool first_packet_was_kexinit_ = true;
  bool skip_guessed_packet_ = false;
  Negotiated negotiated_;
  Negotiated pending_;  // what the exchange in progress negotiated
  std::unique_ptr<kex::ServerKex> kex_;
  std::optional<kex::KexOutput> kex_output_;
  std::optional<crypto::KeyMaterial> c2s_keys_;  // used once the client's NEWKEYS arrives
  bool newkeys_sent_ = false;
  wire::Bytes session_id_;
  size_t kex_count_ = 0;
  bool userauth_started_ = false;
  std::deque<wire::Bytes> held_;  // service output during key exchange
  size_t held_bytes_ = 0;
  Clock::time_point keys_time_{};
  Clock::time_point now_{};  // the time of the input being handled
  bool closed_ = false;
};

}  // namespace wharf::transport
