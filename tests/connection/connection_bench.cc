// Throughput of the connection layer alone (no crypto, no sockets): download (application
// output -> CHANNEL_DATA payloads) with a copying sink and an in-place sink, and upload
// (CHANNEL_DATA -> application feed), next to a plain memcpy of the same bytes. Not a test:
//   bazel run -c opt //tests/connection:connection_bench
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>

#include "connection/connection_service.h"
#include "tests/connection/harness.h"

namespace wharf::connection {
namespace {

using Clock = std::chrono::steady_clock;
constexpr double kSeconds = 0.3;

double measure(const std::function<size_t()>& step) {
  auto start = Clock::now();
  size_t done = 0;
  double elapsed = 0;
  do {
    done += step();
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < kSeconds);
  return done / elapsed / (1024.0 * 1024.0);
}

// Endless output from a 1 MiB buffer; input is counted and dropped.
class BenchApp : public SessionApp {
 public:
  BenchApp() : buf_(1 << 20, 0x5a) {}
  void feed(wire::ByteView d) override { fed += d.size(); }
  void on_eof() override {}
  wire::ByteView output() const override {
    return produce ? wire::ByteView(buf_).subspan(pos_) : wire::ByteView();
  }
  void consume(size_t n) override { pos_ = (pos_ + n) % buf_.size(); }
  bool backed_up() const override { return false; }
  std::optional<uint32_t> exit_status() const override { return std::nullopt; }
  size_t fed = 0;
  bool produce = true;

 private:
  wire::Bytes buf_;
  size_t pos_ = 0;
};

// Discards what is sent after copying it once, as the transport would; offers in-place
// writing when asked.
class NullSink : public PacketSink {
 public:
  // Copies like ServerTransport::send() copies into its encoder.
  void send(wire::ByteView p) override {
    room.resize(p.size());
    std::memcpy(room.data(), p.data(), p.size());
    bytes += p.size();
  }
  bool backlogged() const override { return bytes > limit; }
  std::span<uint8_t> begin_payload(size_t n) override {
    if (!in_place) return {};
    room.resize(n);
    return room;
  }
  // The transport encrypts the tail into the packet: a copy here stands in for that pass.
  void end_payload(size_t head_len, wire::ByteView tail) override {
    std::memcpy(room.data() + head_len, tail.data(), tail.size());
    bytes += head_len + tail.size();
  }
  size_t bytes = 0;
  size_t limit = std::numeric_limits<size_t>::max();
  bool in_place = false;
  wire::Bytes room;
};

struct Rig {
  NullSink sink;
  BenchApp* app = nullptr;
  std::unique_ptr<ConnectionService> service;
  explicit Rig(bool in_place, uint32_t peer_max_packet) {
    sink.in_place = in_place;
    SessionFactories f;
    f.sftp = [this](const std::vector<std::string>&) {
      auto a = std::make_unique<BenchApp>();
      app = a.get();
      return a;
    };
    service = std::make_unique<ConnectionService>(sink, std::move(f), ConnectionConfig{});
    service->on_message(testing::Open(1, 0, peer_max_packet));
    service->on_message(testing::Request(0, "subsystem", false, "sftp"));
  }
};

double download(bool in_place, uint32_t max_packet) {
  Rig rig(in_place, max_packet);
  wire::Bytes adjust = testing::Adjust(0, 8u << 20);
  return measure([&] {
    size_t before = rig.sink.bytes;
    rig.service->on_message(adjust);  // sends 8 MiB
    return rig.sink.bytes - before;
  });
}

double upload(uint32_t chunk) {
  Rig rig(false, 32768);
  rig.app->produce = false;
  wire::Bytes data = testing::Data(0, wire::Bytes(chunk, 0x33));
  return measure([&] {
    size_t before = rig.app->fed;
    for (int i = 0; i < 64; ++i) rig.service->on_message(data);
    return rig.app->fed - before;
  });
}

double memcpy_rate(size_t chunk) {
  wire::Bytes a(chunk, 1), b(chunk + 16);
  return measure([&] {
    for (int i = 0; i < 64; ++i) {
      std::memcpy(b.data() + 9, a.data(), chunk);
      a[0] = b[10];
    }
    return 64 * chunk;
  });
}

}  // namespace
}  // namespace wharf::connection

int main() {
  using namespace wharf::connection;
  for (uint32_t packet : {32768u, 256u * 1024 - 4096}) {
    std::printf(
        "packet %6u  memcpy %8.0f MiB/s  download copy %8.0f  in-place %8.0f  "
        "upload %8.0f MiB/s\n",
        packet, memcpy_rate(packet), download(false, packet), download(true, packet),
        upload(packet));
  }
}
