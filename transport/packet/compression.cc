#include "transport/packet/compression.h"

#include <stdexcept>

#include "transport/errors.h"

namespace wharf::transport::packet {
namespace {

[[noreturn]] void corrupt(const char* what) {
  throw ProtocolError(DisconnectReason::kCompressionError, what);
}

}  // namespace

Deflater::Deflater() {
  if (deflateInit(&z_, Z_DEFAULT_COMPRESSION) != Z_OK) throw std::bad_alloc();
}

Deflater::~Deflater() { deflateEnd(&z_); }

size_t Deflater::bound(size_t n) {
  // deflateBound() assumes one Z_FINISH; a partial flush adds at most an empty static block and
  // the bits left over from the previous packet.
  return compressBound(static_cast<uLong>(n)) + 32;
}

size_t Deflater::compress(const uint8_t* in, size_t n, uint8_t* out, size_t out_cap) {
  z_.next_in = const_cast<Bytef*>(in);
  z_.avail_in = static_cast<uInt>(n);
  z_.next_out = out;
  z_.avail_out = static_cast<uInt>(out_cap);
  const int rc = deflate(&z_, Z_PARTIAL_FLUSH);
  if (rc != Z_OK || z_.avail_in != 0 || z_.avail_out == 0) {
    throw std::logic_error("deflate: output bound exceeded");
  }
  return out_cap - z_.avail_out;
}

Inflater::Inflater() {
  if (inflateInit(&z_) != Z_OK) throw std::bad_alloc();
}

Inflater::~Inflater() { inflateEnd(&z_); }

void Inflater::decompress(const uint8_t* in, size_t n, ByteBuffer& out, size_t limit) {
  out.resize(limit + 1);  // one spare byte tells "exactly at the limit" from "beyond it"
  z_.next_in = const_cast<Bytef*>(in);
  z_.avail_in = static_cast<uInt>(n);
  z_.next_out = out.data();
  z_.avail_out = static_cast<uInt>(limit + 1);
  for (;;) {
    const int rc = inflate(&z_, Z_SYNC_FLUSH);
    if (z_.avail_out == 0) corrupt("inflated payload exceeds the packet limit");
    if (rc == Z_BUF_ERROR || (rc == Z_OK && z_.avail_in == 0)) break;  // all input consumed
    if (rc != Z_OK) corrupt("corrupt compressed payload");
  }
  if (z_.avail_in != 0) corrupt("corrupt compressed payload");
  out.resize(limit + 1 - z_.avail_out);
}

}  // namespace wharf::transport::packet
