// No allocation per packet once warm (ARCHITECTURE.md, performance rules): counts every
// operator new while packets go through the encoder and decoder for every cipher x MAC.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "tests/transport/packet/link.h"

namespace {
std::atomic<size_t> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace wharf::transport::packet {
namespace {

using namespace testing;

// Encodes `count` packets of 32 KiB and smaller, feeds them in 64 KiB reads, drains payloads.
size_t run(PacketEncoder& enc, PacketDecoder& dec, const Bytes& payload, int count) {
  size_t seen = 0;
  for (int i = 0; i < count; ++i) {
    enc.encode({payload.data(), i % 4 == 0 ? 100 : payload.size()});
    while (!enc.pending().empty()) {
      const size_t n = std::min<size_t>(enc.pending().size(), 65536);
      std::span<uint8_t> room = dec.prepare(n);
      std::copy_n(enc.pending().begin(), n, room.begin());
      dec.commit(n);
      enc.consume(n);
      while (auto p = dec.next()) seen += p->size();
    }
  }
  return seen;
}

class Alloc : public ::testing::TestWithParam<Combo> {};

TEST_P(Alloc, NoAllocationOnceWarm) {
  for (bool compress : {false, true}) {
    PacketEncoder enc;
    PacketDecoder dec;
    key_encoder(enc, GetParam());
    key_decoder(dec, GetParam());
    if (compress) {
      enc.enable_compression();
      dec.enable_compression();
    }
    Bytes payload(32768);
    for (size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<uint8_t>(i * 7 / 5);
    const size_t cold = g_allocations.load();
    run(enc, dec, payload, 50);  // warm up buffers
    const size_t before = g_allocations.load();
    const size_t seen = run(enc, dec, payload, 300);
    const size_t after = g_allocations.load();  // before any failure message allocates
    EXPECT_GT(before, cold) << "the counter sees the buffers grow";
    EXPECT_EQ(after - before, 0u) << (compress ? "with zlib" : "");
    EXPECT_EQ(seen, 75 * 100 + 225 * payload.size());
  }
}

std::string name(const ::testing::TestParamInfo<Combo>& info) {
  std::string s = info.param.label();
  for (char& c : s) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return s;
}

INSTANTIATE_TEST_SUITE_P(All, Alloc, ::testing::ValuesIn(crypto::testing::all_combos()), name);

}  // namespace
}  // namespace wharf::transport::packet
