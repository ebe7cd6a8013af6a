#include "transport/packet/encoder.h"

#include <botan/loadstor.h>

#include <cstring>
#include <stdexcept>

#include "transport/crypto/algorithms.h"

namespace wharf::transport::packet {

PacketEncoder::PacketEncoder() : sealer_(crypto::make_none_sealer()) {}

PacketEncoder::~PacketEncoder() { Botan::secure_scrub_memory(pool_.data(), pool_.size()); }

void PacketEncoder::set_keys(std::unique_ptr<crypto::PacketSealer> sealer) {
  if (open_) throw std::logic_error("set_keys with a packet open");
  sealer_ = std::move(sealer);
  counters_ = {};
}

void PacketEncoder::set_compression(bool on) {
  deflater_ = on ? std::make_unique<Deflater>() : nullptr;
}

void PacketEncoder::consume(size_t n) {
  if (n > out_.size() - sent_) throw std::out_of_range("consume beyond pending bytes");
  sent_ += n;
  if (sent_ == out_.size() && !open_) {
    out_.clear();
    sent_ = 0;
  }
}

void PacketEncoder::encode(wire::ByteView payload) {
  std::span<uint8_t> room = begin_packet(payload.size());
  if (!payload.empty()) std::memcpy(room.data(), payload.data(), payload.size());
  end_packet(payload.size());
}

// length + padding_length + worst padding (block + 3) + tag.
size_t PacketEncoder::max_overhead() const {
  return 5 + sealer_->block_size() + 3 + sealer_->tag_size();
}

std::span<uint8_t> PacketEncoder::begin_packet(size_t max_payload) {
  if (open_) throw std::logic_error("begin_packet twice");
  if (max_payload > kMaxPayload) throw std::length_error("payload exceeds kMaxPayload");
  // Reclaim consumed space when it is at least as large as what is still pending.
  if (sent_ != 0 && sent_ >= out_.size() - sent_) {
    out_.erase_front(sent_);
    sent_ = 0;
  }
  start_ = out_.size();
  const size_t body = deflater_ ? Deflater::bound(max_payload) : max_payload;
  out_.reserve(start_ + body + max_overhead());
  open_ = true;
  room_ = max_payload;
  if (deflater_) {
    scratch_.resize(max_payload);
    return {scratch_.data(), max_payload};
  }
  return {packet_start() + 5, max_payload};
}

void PacketEncoder::end_packet(size_t payload_len) { end_packet(payload_len, {}); }

void PacketEncoder::end_packet(size_t head_len, wire::ByteView tail) {
  const size_t payload_len = head_len + tail.size();
  if (!open_ || payload_len > room_) throw std::logic_error("end_packet without room");
  size_t n = payload_len;
  crypto::DetachedPlaintext part;  // the tail, unless it goes through zlib
  if (deflater_) {
    if (!tail.empty()) std::memcpy(scratch_.data() + head_len, tail.data(), tail.size());
    n = deflater_->compress(scratch_.data(), payload_len, packet_start() + 5,
                            Deflater::bound(room_));
  } else {
    part = {5 + head_len, tail.data(), tail.size()};
  }
  // RFC 4253 section 6: at least 4 bytes of padding, aligning the packet (without the length
  // field for etm/AEAD, OpenSSH PROTOCOL 1.5) to the block size.
  const size_t bs = sealer_->block_size();
  const size_t aligned = (sealer_->padding_excludes_length() ? 1 : 5) + n;
  size_t pad = bs - aligned % bs;
  if (pad < 4) pad += bs;
  const size_t packet_length = 1 + n + pad;
  uint8_t* p = packet_start();
  Botan::store_be(static_cast<uint32_t>(packet_length), p);
  p[4] = static_cast<uint8_t>(pad);
  fill_padding(p + 5 + n, pad);
  const size_t total = 4 + packet_length;
  sealer_->seal_detached(seq_, p, total, p + total, part);  // an empty part: plain seal()
  out_.resize(start_ + total + sealer_->tag_size());
  open_ = false;
  room_ = 0;
  ++seq_;
  counters_.bytes += total + sealer_->tag_size();
  ++counters_.packets;
}

void PacketEncoder::fill_padding(uint8_t* dest, size_t n) {
  if (pool_used_ + n > pool_.size()) {
    rng_.randomize(pool_.data(), pool_.size());
    pool_used_ = 0;
  }
  std::memcpy(dest, pool_.data() + pool_used_, n);
  pool_used_ += n;
}

}  // namespace wharf::transport::packet
