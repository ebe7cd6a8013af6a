// Protection of one direction of the binary packet protocol (RFC 4253 section 6): the interface
// every cipher/MAC construction implements, and the keys it is built from.
//
// A packet travels as [uint32 packet_length][byte padding_length][payload][padding], followed by
// a tag (MAC or AEAD tag) that is passed separately. Sealers and openers work IN PLACE on that
// buffer (a sealer may read part of the plaintext from elsewhere: seal_detached) and allocate
// nothing per packet.
#pragma once

#include <botan/secmem.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace wharf::transport::crypto {

// Keys for one direction, as RFC 4253 section 7.2 derives them (A/B, C/D, E/F).
struct KeyMaterial {
  Botan::secure_vector<uint8_t> iv;
  Botan::secure_vector<uint8_t> enc_key;
  Botan::secure_vector<uint8_t> mac_key;
};

// Packet bytes [at, at + size) whose plaintext is not in the packet buffer yet but at `data`
// (the data of a channel message, still in the application's output): a sealer reads it from
// there and writes it, encrypted, into the packet, so outgoing data is not copied first.
struct DetachedPlaintext {
  size_t at = 0;
  const uint8_t* data = nullptr;
  size_t size = 0;
};

// Properties both directions share.
class PacketProtection {
 public:
  virtual ~PacketProtection() = default;
  // Packets are padded to a multiple of this (at least 8, RFC 4253 section 6).
  virtual size_t block_size() const = 0;
  // Bytes of MAC/tag following each packet.
  virtual size_t tag_size() const = 0;
  // True when the 4-byte length is left out of the block alignment: the -etm MACs and the AEAD
  // ciphers (OpenSSH PROTOCOL 1.5 and PROTOCOL.chacha20poly1305; RFC 5647 section 7.2).
  virtual bool padding_excludes_length() const = 0;
};

// Seals outgoing packets.
class PacketSealer : public PacketProtection {
 public:
  // Encrypts `packet` (len bytes, starting at the length field, fully padded) in place and
  // writes tag_size() bytes to `tag_out`.
  virtual void seal(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out) = 0;
  // seal() of a packet whose bytes [part.at, part.at + part.size) are at part.data (the caller
  // guarantees 5 <= part.at and part.at + part.size <= len; an empty part is a plain seal()).
  // This default copies them in and seals in place; the stream ciphers encrypt them from where
  // they are.
  virtual void seal_detached(uint32_t seq, uint8_t* packet, size_t len, uint8_t* tag_out,
                             const DetachedPlaintext& part) {
    if (part.size != 0) std::memcpy(packet + part.at, part.data, part.size);
    seal(seq, packet, len, tag_out);
  }
};

// Opens incoming packets.
class PacketOpener : public PacketProtection {
 public:
  // Bytes needed before read_length() can be called (4, or one cipher block for encrypt-and-MAC).
  virtual size_t first_block_size() const = 0;
  // The packet_length field of the packet starting at `first_block`. Consumes no state and does
  // not modify the buffer, so it may be called again and the packet still opened afterwards.
  virtual uint32_t read_length(uint32_t seq, const uint8_t* first_block) = 0;
  // Verifies and decrypts `packet` (len bytes starting at the length field) in place. Throws
  // ProtocolError(kMacError) on a bad tag; no plaintext may be used unless this returns.
  virtual void open(uint32_t seq, uint8_t* packet, size_t len, const uint8_t* tag) = 0;
};

}  // namespace wharf::transport::crypto
