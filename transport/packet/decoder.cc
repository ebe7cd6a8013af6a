#include "transport/packet/decoder.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "transport/crypto/algorithms.h"
#include "transport/errors.h"

namespace wharf::transport::packet {
namespace {

// padding_length byte + message number + 4 bytes of padding (RFC 4253 section 6).
constexpr uint32_t kMinPacketLength = 6;

[[noreturn]] void violation(const std::string& what) {
  throw ProtocolError(DisconnectReason::kProtocolError, what);
}

}  // namespace

PacketDecoder::PacketDecoder() : opener_(crypto::make_none_opener()) {}
PacketDecoder::~PacketDecoder() = default;

void PacketDecoder::set_keys(std::unique_ptr<crypto::PacketOpener> opener) {
  if (length_) throw std::logic_error("set_keys in the middle of a packet");
  opener_ = std::move(opener);
  counters_ = {};
}

void PacketDecoder::set_compression(bool on) {
  inflater_ = on ? std::make_unique<Inflater>() : nullptr;
}

void PacketDecoder::release() {
  start_ += release_;
  release_ = 0;
  if (start_ == in_.size()) {
    in_.clear();
    start_ = 0;
  }
}

void PacketDecoder::feed(wire::ByteView data) {
  std::span<uint8_t> room = prepare(data.size());
  if (!data.empty()) std::memcpy(room.data(), data.data(), data.size());
  commit(data.size());
}

std::span<uint8_t> PacketDecoder::prepare(size_t n) {
  release();
  if (in_.capacity() - in_.size() < n && start_ != 0) {
    in_.erase_front(start_);
    start_ = 0;
  }
  in_.reserve_for_ciphertext(in_.size() + n);  // only commit() makes it plaintext
  return {in_.data() + in_.size(), n};
}

void PacketDecoder::commit(size_t n) {
  if (in_.size() + n > in_.capacity()) throw std::logic_error("commit beyond prepare");
  in_.resize(in_.size() + n);
}

// RFC 4253 section 6.1 and OpenSSH's packet.c: reject before reserving anything.
void PacketDecoder::check_length(uint32_t len) const {
  const size_t bs = opener_->block_size();
  const size_t aligned = opener_->padding_excludes_length() ? len : size_t{4} + len;
  if (len < kMinPacketLength || len > wire::kMaxPacket || aligned % bs != 0) {
    violation("bad packet length " + std::to_string(len));
  }
}

std::optional<wire::ByteView> PacketDecoder::next() {
  release();
  const size_t avail = in_.size() - start_;
  if (!length_) {
    if (avail < opener_->first_block_size()) return std::nullopt;
    const uint32_t len = opener_->read_length(seq_, in_.data() + start_);
    check_length(len);
    length_ = len;
  }
  const size_t total = size_t{4} + *length_ + opener_->tag_size();
  if (avail < total) {
    // Bounded by the checked length: make room for the whole packet once.
    if (in_.capacity() - start_ < total) {
      in_.erase_front(start_);
      start_ = 0;
      in_.reserve(total);
    }
    return std::nullopt;
  }
  return finish_packet(in_.data() + start_, *length_);
}

wire::ByteView PacketDecoder::finish_packet(uint8_t* p, uint32_t len) {
  const size_t tag = opener_->tag_size();
  opener_->open(seq_, p, size_t{4} + len, p + 4 + len);  // throws on a bad MAC/tag
  const uint8_t pad = p[4];
  if (pad < 4 || size_t{pad} + 1 >= len) violation("bad padding length");
  length_.reset();
  release_ = size_t{4} + len + tag;
  ++seq_;
  counters_.bytes += release_;
  ++counters_.packets;
  const wire::ByteView payload(p + 5, len - 1 - pad);
  if (!inflater_) return payload;
  inflater_->decompress(payload.data(), payload.size(), inflated_, wire::kMaxPacket);
  if (inflated_.size() == 0) violation("empty payload");
  return {inflated_.data(), inflated_.size()};
}

}  // namespace wharf::transport::packet
