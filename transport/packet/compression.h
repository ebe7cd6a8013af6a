// zlib and zlib@openssh.com (RFC 4253 section 6.2; OpenSSH PROTOCOL section 1.4 for the delayed
// start): one continuous deflate stream per direction, each packet's payload ending in a
// Z_PARTIAL_FLUSH as OpenSSH does, so the peer can inflate it on its own.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <cstdint>

#include "transport/packet/buffer.h"

namespace wharf::transport::packet {

class Deflater {
 public:
  Deflater();
  ~Deflater();
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Most bytes compress() can write for `n` input bytes.
  static size_t bound(size_t n);
  // Compresses `in` and flushes; writes at most bound(n) bytes to `out`, returns the count.
  size_t compress(const uint8_t* in, size_t n, uint8_t* out, size_t out_cap);

 private:
  z_stream z_{};
};

class Inflater {
 public:
  Inflater();
  ~Inflater();
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Inflates one packet's payload into `out` (replacing its contents). Throws
  // ProtocolError(kCompressionError) on corrupt input or if the output would exceed `limit`;
  // never holds more than limit + 1 bytes.
  void decompress(const uint8_t* in, size_t n, ByteBuffer& out, size_t limit);

 private:
  z_stream z_{};
};

}  // namespace wharf::transport::packet
