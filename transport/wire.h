// The SSH wire codec: RFC 4251 section 5 data types.
//
// Reader is a bounded cursor over a byte span. Every read checks the remaining length without
// overflow, consumes nothing when it fails, and throws DecodeError naming what was being read.
// Writer appends to a byte buffer; patch_u32() fills in lengths written afterwards.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wharf::wire {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Hard limits shared by every layer (ARCHITECTURE.md, "Wire codec").
inline constexpr size_t kMaxPacket = 256 * 1024;       // one SSH binary packet
inline constexpr size_t kMaxSftpMessage = 256 * 1024;  // one SFTP message
inline constexpr size_t kMaxNameListNames = 1024;      // names in one name-list
inline constexpr size_t kMaxName = 256;                // one algorithm or method name

// Thrown when input does not decode. `what()` names the field, e.g. "truncated uint32 (length)".
class DecodeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A signed multiple-precision integer as it travels (RFC 4251 section 5, "mpint").
struct Mpint {
  bool negative = false;
  Bytes magnitude;  // big-endian, no leading zero bytes; empty means zero
  bool operator==(const Mpint&) const = default;
};

class Reader {
 public:
  explicit Reader(ByteView data) : data_(data) {}
  Reader(const uint8_t* data, size_t size) : data_(data, size) {}

  uint8_t u8(const char* what);
  bool boolean(const char* what);
  uint32_t u32(const char* what);
  uint64_t u64(const char* what);

  // A `string` of at most `max` bytes, viewed in place (valid while the input is).
  ByteView string(const char* what, size_t max = kMaxPacket);
  // A `string` holding text: at most `max` bytes and no NUL byte.
  std::string_view text(const char* what, size_t max = kMaxPacket);
  // A comma-separated `name-list`: printable US-ASCII names, none with NUL. Empty names ("a,",
  // ",a", "a,,b") are dropped: RFC 4251 section 5 forbids them, but OpenSSH's match_list() passes
  // over them, and libssh 0.10.6 (Debian 12) ends its cipher list with a comma.
  std::vector<std::string> name_list(const char* what, size_t max = kMaxPacket);
  // A signed mpint, canonical form only (no unneeded leading 0x00 or 0xff byte).
  Mpint mpint(const char* what, size_t max_bytes = 2048);
  // A non-negative mpint's magnitude, as key exchange and signatures need it.
  ByteView mpint_unsigned(const char* what, size_t max_bytes = 2048);

  // Exactly `n` raw bytes, viewed in place.
  ByteView raw(size_t n, const char* what);
  // A sub-reader over the next `n` bytes, which this reader skips.
  Reader sub(size_t n, const char* what);
  // A sub-reader over the contents of the next `string`.
  Reader sub_string(const char* what, size_t max = kMaxPacket);

  // Throws unless every byte has been consumed.
  void expect_end(const char* what) const;

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  ByteView rest() const { return data_.subspan(pos_); }
  bool empty() const { return remaining() == 0; }

 private:
  void need(size_t n, const char* type, const char* what) const;
  uint32_t peek_u32(const char* type, const char* what) const;

  ByteView data_;
  size_t pos_ = 0;
};

class Writer {
 public:
  Writer() = default;
  explicit Writer(Bytes& out) : out_(&out) {}

  Writer& u8(uint8_t v);
  Writer& boolean(bool v) { return u8(v ? 1 : 0); }
  Writer& u32(uint32_t v);
  Writer& u64(uint64_t v);
  Writer& string(ByteView v);
  Writer& string(std::string_view v);
  Writer& name_list(const std::vector<std::string>& names);
  Writer& mpint(const Mpint& v);
  // Writes a non-negative integer given as big-endian bytes (leading zeros allowed).
  Writer& mpint_unsigned(ByteView magnitude);
  Writer& raw(ByteView v);
  Writer& raw(std::string_view v);

  // Overwrites four bytes at `offset` (e.g. a length written after its contents).
  void patch_u32(size_t offset, uint32_t v);

  size_t size() const { return out_->size(); }
  const Bytes& bytes() const { return *out_; }
  Bytes take() { return std::move(*out_); }

 private:
  Bytes own_;
  Bytes* out_ = &own_;
};

// Joins names with commas (the name-list text form) and splits it back.
std::string join_names(const std::vector<std::string>& names);

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_text(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace wharf::wire
