#include "transport/server_transport.h"

#include <botan/system_rng.h>
#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "log/log.h"
#include "transport/crypto/algorithms.h"
#include "transport/crypto/kdf.h"
#include "transport/messages.h"

namespace wharf::transport {

namespace {

constexpr uint64_t kDefaultRekeyBytes = uint64_t{1} << 30;
// Largest read taken before the client's identification line is complete.
constexpr size_t kMaxIdentificationRead = 4096;

bool contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

ServerTransport::ServerTransport(ServerTransportConfig config) : config_(std::move(config)) {}

ServerTransport::~ServerTransport() = default;

void ServerTransport::start(Clock::time_point now) {
  ident_out_ = server_identification() + "\r\n";
  keys_time_ = now_ = now;
  // RFC 4253 section 7.1: KEXINIT may be sent right after the identification string.
  send_kexinit();
}

void ServerTransport::feed(wire::ByteView in, Clock::time_point now) {
  if (closed_) return;
  now_ = now;
  if (!ident_.done()) {
    size_t used = ident_.feed(in);
    if (!ident_.done()) return;
    log::verbose("Client identification: {}", log::sanitize(ident_.client_identification()));
    in = in.subspan(used);
  }
  decoder_.feed(in);
  handle_packets();
}

std::span<uint8_t> ServerTransport::input_space(size_t n) {
  if (ident_.done()) return decoder_.prepare(n);
  // The identification exchange is short; what follows it in the same read is fed on.
  ident_input_.resize(std::min(n, kMaxIdentificationRead));
  return ident_input_;
}

void ServerTransport::commit_input(size_t n, Clock::time_point now) {
  // Only input completes the identification, so this takes the branch input_space() took.
  if (!ident_.done()) return feed(wire::ByteView(ident_input_).first(n), now);
  if (closed_) return;
  now_ = now;
  decoder_.commit(n);
  handle_packets();
}

void ServerTransport::handle_packets() {
  while (!closed_) {
    std::optional<wire::ByteView> payload = decoder_.next();
    if (!payload) break;
    handle_packet(*payload);
  }
  rekey_if_due();
}

// Judged after every packet in and every service packet out, as OpenSSH checks before each
// packet it sends: a download whose input is paused while its output drains would otherwise run
// far past RekeyLimit's data part. The time part uses the last input's time; on_timer() has it
// exactly.
void ServerTransport::rekey_if_due() {
  if (!closed_ && rekey_due(now_)) send_kexinit();
}

void ServerTransport::handle_packet(wire::ByteView payload) {
  if (payload.empty()) throw ProtocolError(DisconnectReason::kProtocolError, "empty payload");
  uint8_t type = payload[0];
  if (legality_.phase == Phase::kAwaitKexInit && !legality_.in_kex && type != msg::kKexInit) {
    first_packet_was_kexinit_ = false;  // judged when the KEXINIT says whether KEX is strict
  }
  Legality legal = check_incoming(legality_, type);
  switch (legal.verdict) {
    case Verdict::kDisconnect:
      throw ProtocolError(legal.reason, fmt::format("message {} is not allowed {}", type,
                                                    legality_.in_kex  ? "during key exchange"
                                                    : authenticated() ? "after authentication"
                                                                      : "before authentication"));
    case Verdict::kUnimplemented:
      send_unimplemented(decoder_.sequence() - 1);
      return;
    case Verdict::kIgnore:
      log::debug3("ignored message {}", type);
      return;
    case Verdict::kDispatch:
      break;
  }
  if (type < msg::kUserauthRequest) {
    handle_transport_message(type, payload);
  } else if (type == msg::kUserauthRequest && !userauth_started_) {
    throw ProtocolError(DisconnectReason::kProtocolError, "user auth before service request");
  } else if (handler_ != nullptr) {
    handler_->on_message(payload);
  } else {
    throw ProtocolError(DisconnectReason::kServiceNotAvailable, "no service");
  }
}

void ServerTransport::handle_transport_message(uint8_t type, wire::ByteView payload) {
  wire::Reader r(payload.subspan(1));
  switch (type) {
    case msg::kDisconnect: {
      uint32_t reason = r.u32("disconnect reason");
      std::string_view why = r.text("disconnect description", 1024);
      log::verbose("Received disconnect: {}: {}", reason, log::sanitize(why));
      closed_ = true;
      return;
    }
    case msg::kServiceRequest:
      return on_service_request(payload);
    case msg::kKexInit:
      return on_client_kexinit(payload);
    case msg::kNewKeys:
      r.expect_end("NEWKEYS");
      return on_client_newkeys();
    default:
      return on_kex_message(payload);  // 30..49: the legality table let only those through
  }
}

void ServerTransport::on_service_request(wire::ByteView payload) {
  wire::Reader r(payload.subspan(1));
  std::string_view service = r.text("service name", 64);
  r.expect_end("SERVICE_REQUEST");
  // Until authentication succeeds the request may come again (paramiko sends one before every
  // attempt; sshd accepts it); after success the legality table refuses it.
  if (service != "ssh-userauth") {
    throw ProtocolError(DisconnectReason::kServiceNotAvailable,
                        fmt::format("service {} not available", log::sanitize(service)));
  }
  userauth_started_ = true;
  wire::Writer w;
  w.u8(msg::kServiceAccept).string(service);
  send_now(w.bytes());
}

void ServerTransport::send_unimplemented(uint32_t seq) {
  wire::Writer w;
  w.u8(msg::kUnimplemented).u32(seq);
  send_now(w.bytes());
}

void ServerTransport::send(wire::ByteView payload) {
  if (closed_) return;
  if (kexinit_sent_ && !newkeys_sent_) {
    // RFC 4253 section 7.1: nothing but transport messages between our KEXINIT and NEWKEYS.
    held_.emplace_back(payload.begin(), payload.end());
    held_bytes_ += payload.size();
    return;
  }
  send_now(payload);
  rekey_if_due();
}

std::span<uint8_t> ServerTransport::begin_send(size_t max_payload) {
  if (closed_ || (kexinit_sent_ && !newkeys_sent_)) return {};
  return encoder_.begin_packet(max_payload);
}

void ServerTransport::end_send(size_t head_len, wire::ByteView tail) {
  // An empty payload is no message (the peer would disconnect for it).
  if (head_len + tail.size() == 0) throw std::logic_error("end_send of an empty payload");
  encoder_.end_packet(head_len, tail);
  rekey_if_due();
}

void ServerTransport::send_now(wire::ByteView payload) { encoder_.encode(payload); }

void ServerTransport::flush_held_output() {
  while (!held_.empty()) {
    send_now(held_.front());
    held_bytes_ -= held_.front().size();
    held_.pop_front();
  }
}

void ServerTransport::set_authenticated() {
  legality_.phase = Phase::kPostAuth;
  // zlib@openssh.com starts after authentication (OpenSSH PROTOCOL section 2.1): the packet
  // after USERAUTH_SUCCESS, in both directions.
  if (negotiated_.compression_s2c == "zlib@openssh.com" && !encoder_.compression_enabled()) {
    encoder_.enable_compression();
  }
  if (negotiated_.compression_c2s == "zlib@openssh.com" && !decoder_.compression_enabled()) {
    decoder_.enable_compression();
  }
}

void ServerTransport::disconnect(DisconnectReason reason, const std::string& description) {
  if (closed_) return;
  closed_ = true;
  if (!ident_.done()) {
    // No packets yet: tell a person reading the stream what went wrong, as OpenSSH does. The
    // text follows our queued KEXINIT (which may be half written already), after a line end.
    if (packets_written_ || !encoder_.pending().empty()) refusal_out_ = "\r\n";
    refusal_out_ += description + "\r\n";
    return;
  }
  wire::Writer w;
  w.u8(msg::kDisconnect).u32(static_cast<uint32_t>(reason));
  w.string(description.substr(0, 256)).string(std::string_view());
  send_now(w.bytes());
}

wire::ByteView ServerTransport::pending_output() const {
  if (!ident_out_.empty()) return wire::as_bytes(ident_out_);
  if (!encoder_.pending().empty()) return encoder_.pending();
  return wire::as_bytes(refusal_out_);
}

void ServerTransport::consume_output(size_t n) {
  // In pending_output()'s order, which only ever appends behind what it handed out.
  if (!ident_out_.empty()) {
    ident_out_.erase(0, n);
  } else if (!encoder_.pending().empty()) {
    if (n > 0) packets_written_ = true;
    encoder_.consume(n);
  } else {
    refusal_out_.erase(0, n);
  }
}

size_t ServerTransport::output_queued() const { return encoder_.pending().size() + held_bytes_; }

bool ServerTransport::output_backlogged() const {
  return output_queued() > config_.output_high_water;
}

bool ServerTransport::rekey_due(Clock::time_point now) const {
  // No re-exchange before authentication, and never two at once.
  if (!authenticated() || kexinit_sent_ || legality_.in_kex) return false;
  uint64_t limit = config_.rekey_bytes ? config_.rekey_bytes : kDefaultRekeyBytes;
  if (encoder_.since_keys().bytes >= limit || decoder_.since_keys().bytes >= limit) return true;
  return config_.rekey_seconds > 0 &&
         now - keys_time_ >= std::chrono::seconds(config_.rekey_seconds);
}

ServerTransport::Clock::time_point ServerTransport::on_timer(Clock::time_point now) {
  if (!closed_ && rekey_due(now)) send_kexinit();
  return rekey_deadline();
}

ServerTransport::Clock::time_point ServerTransport::rekey_deadline() const {
  if (config_.rekey_seconds <= 0 || !authenticated() || kexinit_sent_ || legality_.in_kex) {
    return Clock::time_point::max();
  }
  return keys_time_ + std::chrono::seconds(config_.rekey_seconds);
}

const keys::HostKey& ServerTransport::host_key_for(const std::string& algorithm) const {
  for (const keys::HostKey* key : config_.host_keys) {
    if (contains(key->algorithms(true), algorithm)) return *key;
  }
  throw ProtocolError(DisconnectReason::kKeyExchangeFailed, "no host key for " + algorithm);
}

}  // namespace wharf::transport
