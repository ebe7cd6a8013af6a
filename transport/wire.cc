#include "transport/wire.h"

#include <cstring>

#include "fmt/format.h"

namespace wharf::wire {

namespace {

[[noreturn]] void fail(const char* problem, const char* type, const char* what) {
  throw DecodeError(fmt::format("{} {} ({})", problem, type, what));
}

// Strips leading zero bytes so that magnitudes compare and encode canonically.
ByteView strip_zeros(ByteView b) {
  size_t i = 0;
  while (i < b.size() && b[i] == 0) ++i;
  return b.subspan(i);
}

}  // namespace

void Reader::need(size_t n, const char* type, const char* what) const {
  // Compare against what remains; never compute pos_ + n, which could overflow.
  if (n > remaining()) fail("truncated", type, what);
}

uint32_t Reader::peek_u32(const char* type, const char* what) const {
  need(4, type, what);
  const uint8_t* p = data_.data() + pos_;
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

uint8_t Reader::u8(const char* what) {
  need(1, "byte", what);
  return data_[pos_++];
}

bool Reader::boolean(const char* what) {
  // RFC 4251 section 5: any non-zero value is TRUE.
  need(1, "boolean", what);
  return data_[pos_++] != 0;
}

uint32_t Reader::u32(const char* what) {
  uint32_t v = peek_u32("uint32", what);
  pos_ += 4;
  return v;
}

uint64_t Reader::u64(const char* what) {
  need(8, "uint64", what);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

ByteView Reader::string(const char* what, size_t max) {
  uint32_t len = peek_u32("string length", what);
  if (len > max) fail("oversized", "string", what);
  if (len > remaining() - 4) fail("truncated", "string", what);
  ByteView v = data_.subspan(pos_ + 4, len);
  pos_ += 4 + size_t{len};
  return v;
}

std::string_view Reader::text(const char* what, size_t max) {
  size_t start = pos_;
  ByteView v = string(what, max);
  if (std::memchr(v.data(), 0, v.size()) != nullptr) {
    pos_ = start;
    fail("NUL byte in", "text", what);
  }
  return as_text(v);
}

std::vector<std::string> Reader::name_list(const char* what, size_t max) {
  size_t start = pos_;
  std::string_view all = text(what, max);
  std::vector<std::string> names;
  if (all.empty()) return names;
  size_t begin = 0;
  while (true) {
    size_t comma = all.find(',', begin);
    std::string_view name =
        all.substr(begin, comma == std::string_view::npos ? all.size() - begin : comma - begin);
    bool printable = name.size() <= kMaxName;
    for (char c : name) printable = printable && c > ' ' && c < 127;
    if (!printable || (!name.empty() && names.size() == kMaxNameListNames)) {
      pos_ = start;
      fail("bad name in", "name-list", what);
    }
    if (!name.empty()) names.emplace_back(name);
    if (comma == std::string_view::npos) break;
    begin = comma + 1;
  }
  return names;
}

Mpint Reader::mpint(const char* what, size_t max_bytes) {
  size_t start = pos_;
  ByteView v = string(what, max_bytes);
  // RFC 4251: "Unnecessary leading bytes with the value 0 or 255 MUST NOT be included."
  bool non_canonical =
      v.size() >= 2 && ((v[0] == 0x00 && !(v[1] & 0x80)) || (v[0] == 0xff && (v[1] & 0x80)));
  bool lone_zero = v.size() == 1 && v[0] == 0;
  if (non_canonical || lone_zero) {
    pos_ = start;
    fail("non-canonical", "mpint", what);
  }
  Mpint out;
  if (v.empty()) return out;
  out.negative = (v[0] & 0x80) != 0;
  Bytes mag(v.begin(), v.end());
  if (out.negative) {
    // Two's complement negation: invert and add one.
    for (auto& b : mag) b = static_cast<uint8_t>(~b);
    for (size_t i = mag.size(); i-- > 0;) {
      if (++mag[i] != 0) break;
    }
  }
  ByteView stripped = strip_zeros(mag);
  out.magnitude.assign(stripped.begin(), stripped.end());
  return out;
}

ByteView Reader::mpint_unsigned(const char* what, size_t max_bytes) {
  size_t start = pos_;
  ByteView v = string(what, max_bytes + 1);  // +1 for the sign byte
  bool negative = !v.empty() && (v[0] & 0x80);
  bool non_canonical =
      (v.size() >= 2 && v[0] == 0 && !(v[1] & 0x80)) || (v.size() == 1 && v[0] == 0);
  ByteView mag = strip_zeros(v);
  if (negative || non_canonical || mag.size() > max_bytes) {
    pos_ = start;
    fail(negative ? "negative" : (non_canonical ? "non-canonical" : "oversized"), "mpint", what);
  }
  return mag;
}

ByteView Reader::raw(size_t n, const char* what) {
  need(n, "bytes", what);
  ByteView v = data_.subspan(pos_, n);
  pos_ += n;
  return v;
}

Reader Reader::sub(size_t n, const char* what) { return Reader(raw(n, what)); }

Reader Reader::sub_string(const char* what, size_t max) { return Reader(string(what, max)); }

void Reader::expect_end(const char* what) const {
  if (remaining() != 0) {
    throw DecodeError(fmt::format("{} trailing bytes after {}", remaining(), what));
  }
}

Writer& Writer::u8(uint8_t v) {
  out_->push_back(v);
  return *this;
}

Writer& Writer::u32(uint32_t v) {
  uint8_t b[4] = {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
  out_->insert(out_->end(), b, b + 4);
  return *this;
}

Writer& Writer::u64(uint64_t v) {
  u32(static_cast<uint32_t>(v >> 32));
  return u32(static_cast<uint32_t>(v));
}

Writer& Writer::string(ByteView v) {
  u32(static_cast<uint32_t>(v.size()));
  return raw(v);
}

Writer& Writer::string(std::string_view v) { return string(as_bytes(v)); }

Writer& Writer::name_list(const std::vector<std::string>& names) {
  return string(join_names(names));
}

Writer& Writer::mpint(const Mpint& v) {
  ByteView mag = strip_zeros(v.magnitude);
  if (mag.empty()) return u32(0);
  if (!v.negative) return mpint_unsigned(mag);
  // Two's complement of the magnitude, with one extra byte so the sign bit fits.
  Bytes enc(mag.size() + 1, 0);
  std::copy(mag.begin(), mag.end(), enc.begin() + 1);
  for (auto& b : enc) b = static_cast<uint8_t>(~b);
  for (size_t i = enc.size(); i-- > 0;) {
    if (++enc[i] != 0) break;
  }
  // Drop leading 0xff bytes the sign does not need.
  size_t skip = 0;
  while (skip + 1 < enc.size() && enc[skip] == 0xff && (enc[skip + 1] & 0x80)) ++skip;
  return string(ByteView(enc).subspan(skip));
}

Writer& Writer::mpint_unsigned(ByteView magnitude) {
  ByteView mag = strip_zeros(magnitude);
  bool pad = !mag.empty() && (mag[0] & 0x80);
  u32(static_cast<uint32_t>(mag.size() + (pad ? 1 : 0)));
  if (pad) u8(0);
  return raw(mag);
}

Writer& Writer::raw(ByteView v) {
  out_->insert(out_->end(), v.begin(), v.end());
  return *this;
}

Writer& Writer::raw(std::string_view v) { return raw(as_bytes(v)); }

void Writer::patch_u32(size_t offset, uint32_t v) {
  if (offset > out_->size() || out_->size() - offset < 4) {
    throw std::out_of_range("patch_u32 outside the buffer");
  }
  uint8_t* p = out_->data() + offset;
  p[0] = uint8_t(v >> 24);
  p[1] = uint8_t(v >> 16);
  p[2] = uint8_t(v >> 8);
  p[3] = uint8_t(v);
}

std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) {
    if (!s.empty()) s += ',';
    s += n;
  }
  return s;
}

}  // namespace wharf::wire
