// Small helpers shared by the fuzz targets: a check that aborts (so libFuzzer records a crash)
// and a bounded cursor over the fuzz input for targets whose input is structured.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

namespace wharf::fuzz {

// An invariant of the code under test; a violation is a finding.
inline void check(bool ok) {
  if (!ok) std::abort();
}

// Takes bytes from the front of the input; running out yields zeros and empty spans.
class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data, size) {}

  bool empty() const { return pos_ >= data_.size(); }
  size_t remaining() const { return data_.size() - pos_; }
  uint8_t byte() { return empty() ? 0 : data_[pos_++]; }
  uint16_t u16() {
    uint16_t hi = byte();
    return static_cast<uint16_t>(hi << 8 | byte());
  }
  // The next `n` bytes, or fewer at the end of the input.
  std::span<const uint8_t> bytes(size_t n) {
    n = n < remaining() ? n : remaining();
    auto s = data_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // A chunk with a 16-bit length prefix.
  std::span<const uint8_t> chunk() { return bytes(u16()); }
  std::span<const uint8_t> rest() { return bytes(remaining()); }

 private:
  std::span<const uint8_t> data_;
  size_t pos_ = 0;
};

}  // namespace wharf::fuzz
