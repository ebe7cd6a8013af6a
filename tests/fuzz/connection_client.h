// The client side of connection_fuzz (fuzz builds only): the input format, the fixed user key,
// and the few messages a client sends, framed for the fuzz-only cleartext protection
// (transport/crypto/fuzz_none.h) after the fuzz-only key exchange (transport/kex/fuzz_kex.h).
//
// Input: [flags] then records [kind][u16 length][bytes] (fuzz::Input). Flags: bits 0-1 the SFTP
// policy (fuzz::policy_for), bit 2 ClientAliveInterval 15 s, bit 3 zlib offered. Records by
// kind % kKinds; `channel` is kind / kKinds % 4:
//   kRaw         the bytes as they are, straight into the transport (identification line,
//                hand-made packets, garbage);
//   kPacket      the bytes are one payload, framed as a packet;
//   kSignedAuth  a publickey USERAUTH_REQUEST for user <bytes>, signed with the fixed user key
//                over the connection's session id (authorized for kUser);
//   kSftp        one SFTP message: CHANNEL_DATA on `channel` carrying [u32 length][bytes], where
//                each string "HND<n>" (length 4) becomes a handle the server returned;
//   kData        CHANNEL_DATA on `channel` carrying the bytes (SCP, partial SFTP frames);
//   kTick        the clock moves on by bytes[0] seconds (1 if empty) and timers run.
#pragma once

#include <botan/ed25519.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "transport/crypto/fuzz_none.h"
#include "transport/kex/fuzz_kex.h"
#include "transport/kexinit.h"
#include "transport/keys/host_key.h"
#include "transport/messages.h"
#include "transport/wire.h"

namespace wharf::fuzz::conn {

enum Kind : uint8_t { kRaw, kPacket, kSignedAuth, kSftp, kData, kTick, kKinds };

inline constexpr std::string_view kUser = "fuzz";
inline constexpr std::string_view kKeyAlgorithm = "ssh-ed25519";

// Ed25519 from a fixed seed: signatures are deterministic, so seeds are reproducible.
inline keys::HostKey user_key() {
  Botan::secure_vector<uint8_t> seed(32, 0x42);
  return keys::HostKey(keys::KeyType::kEd25519, std::make_unique<Botan::Ed25519_PrivateKey>(seed),
                       "fuzz");
}

// One packet under the "none" protection: block size 8, at least 4 bytes of zero padding.
inline wire::Bytes frame_packet(wire::ByteView payload) {
  size_t padding = 8 - (5 + payload.size()) % 8;
  if (padding < 4) padding += 8;
  wire::Writer w;
  w.u32(static_cast<uint32_t>(1 + payload.size() + padding)).u8(static_cast<uint8_t>(padding));
  w.raw(payload);
  for (size_t i = 0; i < padding; ++i) w.u8(0);
  return w.take();
}

// The client's KEXINIT for the fuzz-only methods (strict KEX and ext-info offered).
inline wire::Bytes client_kexinit(bool zlib) {
  transport::KexInit k;
  k.cookie.fill(0x17);
  k.kex = {std::string(kex::kFuzzKex), std::string(transport::kExtInfoClient),
           std::string(transport::kStrictKexClient)};
  k.host_key = {std::string(kKeyAlgorithm)};
  k.cipher_c2s = k.cipher_s2c = {std::string(transport::crypto::kFuzzNoneCipher)};
  k.mac_c2s = k.mac_s2c = {"hmac-sha2-256"};
  k.compression_c2s = k.compression_s2c = {zlib ? "zlib@openssh.com" : "none"};
  wire::Writer w;
  k.encode(w);
  return w.take();
}

// USERAUTH_REQUEST publickey with a signature (RFC 4252 section 7).
inline wire::Bytes signed_userauth(const keys::HostKey& key, std::string_view user,
                                   wire::ByteView session_id) {
  wire::Writer body;
  body.string(user).string(std::string_view("ssh-connection"));
  body.string(std::string_view("publickey")).boolean(true).string(kKeyAlgorithm);
  body.string(wire::ByteView(key.public_blob()));
  wire::Writer data;
  data.string(session_id).u8(transport::msg::kUserauthRequest).raw(wire::ByteView(body.bytes()));
  wire::Writer out;
  out.u8(transport::msg::kUserauthRequest).raw(wire::ByteView(body.bytes()));
  out.string(wire::ByteView(key.sign(kKeyAlgorithm, data.bytes())));
  return out.take();
}

inline wire::Bytes channel_data(uint32_t channel, wire::ByteView data) {
  wire::Writer w;
  w.u8(transport::msg::kChannelData).u32(channel).string(data);
  return w.take();
}

// Appends one record to a fuzz input.
inline void add_record(wire::Bytes& input, uint8_t kind, wire::ByteView bytes) {
  input.push_back(kind);
  input.push_back(static_cast<uint8_t>(bytes.size() >> 8));
  input.push_back(static_cast<uint8_t>(bytes.size()));
  input.insert(input.end(), bytes.begin(), bytes.end());
}

// What a connection reached, for the seed checks.
struct Progress {
  bool kex_done = false;
  bool authenticated = false;
  size_t sftp_replies = 0;  // SFTP messages the server sent back
  size_t handles = 0;       // of which SSH_FXP_HANDLE
  size_t data_bytes = 0;    // CHANNEL_DATA bytes the server sent
  bool ended = false;
};

// Runs one input (connection_fuzz.cc).
Progress run_connection(const uint8_t* data, size_t size);

}  // namespace wharf::fuzz::conn
