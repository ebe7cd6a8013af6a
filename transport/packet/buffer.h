// A growable byte buffer that does not zero-fill what it reserves (the packet path writes every
// byte it exposes) and scrubs its memory when it grows or dies, since it holds plaintext. What is
// scrubbed is what was ever reserved or inside size(), except room taken with
// reserve_for_ciphertext(): never written, or ciphertext, and touching it would fault pages in.
#pragma once

#include <botan/mem_ops.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

namespace wharf::transport::packet {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(const ByteBuffer&) = delete;
  ByteBuffer& operator=(const ByteBuffer&) = delete;
  ~ByteBuffer() { scrub(); }

  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }

  // Makes room for `n` bytes in total, keeping the contents; grows at least geometrically.
  void reserve(size_t n) {
    reserve_for_ciphertext(n);
    if (n > used_) used_ = n;
  }
  // reserve() for room that holds nothing but ciphertext until resize() takes it in.
  void reserve_for_ciphertext(size_t n) {
    if (n <= capacity_) return;
    const size_t cap = n > 2 * capacity_ ? n : 2 * capacity_;
    auto bigger = std::make_unique_for_overwrite<uint8_t[]>(cap);
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
    scrub();
    data_ = std::move(bigger);
    capacity_ = cap;
    used_ = size_;
  }
  // Sets the size; bytes beyond the old size are uninitialised until written.
  void resize(size_t n) {
    reserve(n);
    size_ = n;
  }
  // Drops the first `n` bytes, moving the rest to the front.
  void erase_front(size_t n) {
    if (n == 0) return;
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }
  void clear() { size_ = 0; }

 private:
  void scrub() {
    if (data_) Botan::secure_scrub_memory(data_.get(), used_);
  }

  std::unique_ptr<uint8_t[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t used_ = 0;  // how much of this allocation may hold plaintext
};

}  // namespace wharf::transport::packet
