// The server transport driven in memory by a test client of our own: every key exchange method
// with every host key type, every cipher with every MAC, random chunk sizes with IGNORE noise,
// re-exchanges every 1 MiB over 64 MiB, strict KEX and protocol violations.
#include "transport/server_transport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

#include "tests/transport/test_client.h"
#include "transport/kex/moduli.h"
#include "transport/messages.h"

namespace wharf::transport {
namespace {

using testing::TestClient;
using testing::TestClientConfig;

const std::vector<std::string> kAllKex = {"curve25519-sha256",
                                          "curve25519-sha256@libssh.org",
                                          "ecdh-sha2-nistp256",
                                          "ecdh-sha2-nistp384",
                                          "ecdh-sha2-nistp521",
                                          "diffie-hellman-group-exchange-sha256",
                                          "diffie-hellman-group16-sha512",
                                          "diffie-hellman-group18-sha512",
                                          "diffie-hellman-group14-sha256"};
const std::vector<std::string> kAllHostKeyAlgs = {"ssh-ed25519",         "ecdsa-sha2-nistp256",
                                                  "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
                                                  "rsa-sha2-512",        "rsa-sha2-256"};
const std::vector<std::string> kAllCiphers = {"chacha20-poly1305@openssh.com",
                                              "aes128-gcm@openssh.com",
                                              "aes256-gcm@openssh.com",
                                              "aes128-ctr",
                                              "aes192-ctr",
                                              "aes256-ctr"};
const std::vector<std::string> kAllMacs = {"hmac-sha2-256-etm@openssh.com",
                                           "hmac-sha2-512-etm@openssh.com", "hmac-sha2-256",
                                           "hmac-sha2-512", "hmac-sha1"};

struct HostKeys {
  std::vector<keys::HostKey> keys;
  HostKeys() {
    keys.push_back(keys::HostKey::generate(keys::KeyType::kEd25519));
    keys.push_back(keys::HostKey::generate(keys::KeyType::kEcdsaP256));
    keys.push_back(keys::HostKey::generate(keys::KeyType::kEcdsaP384));
    keys.push_back(keys::HostKey::generate(keys::KeyType::kEcdsaP521));
    keys.push_back(keys::HostKey::generate(keys::KeyType::kRsa, "", 2048));
  }
};

const HostKeys& host_keys() {
  static const HostKeys* k = new HostKeys();
  return *k;
}

const kex::Moduli& moduli() {
  static const kex::Moduli* m = [] {
    std::ifstream in("transport/kex/moduli");
    std::stringstream text;
    text << in.rdbuf();
    return new kex::Moduli(kex::Moduli::parse(text.str()));
  }();
  return *m;
}

ServerTransportConfig server_config() {
  ServerTransportConfig c;
  c.kex_algorithms = kAllKex;
  c.host_key_algorithms = kAllHostKeyAlgs;
  c.ciphers = kAllCiphers;
  c.macs = kAllMacs;
  c.compression = {"zlib@openssh.com", "zlib", "none"};
  c.server_sig_algs = kAllHostKeyAlgs;
  for (const auto& k : host_keys().keys) c.host_keys.push_back(&k);
  c.moduli = &moduli();
  return c;
}

// Collects what the server hands to the service layer.
struct Collector : ServiceHandler {
  std::vector<wire::Bytes> messages;
  size_t bytes = 0;
  void on_message(wire::ByteView p) override {
    bytes += p.size();
    if (messages.size() < 64) messages.emplace_back(p.begin(), p.end());
  }
};

// Hands the server client bytes the way wharfd's reader does: asks input_space() for a large room,
// fills part of it, then commit_input(). Returns how many of `data` it took (input_space may
// offer less before the identification line).
size_t feed_in_place(ServerTransport& server, wire::ByteView data) {
  std::span<uint8_t> room = server.input_space(std::max<size_t>(data.size(), 256 * 1024));
  const size_t n = std::min(room.size(), data.size());
  std::copy_n(data.begin(), n, room.begin());
  server.commit_input(n, ServerTransport::Clock::now());
  return n;
}

// Moves bytes both ways in random chunk sizes until neither side has anything to send. Client
// bytes go in through feed() or, at random, in place (feed_in_place).
void pump(ServerTransport& server, TestClient& client, std::mt19937& rng, size_t max_chunk = 0) {
  for (int rounds = 0; rounds < 100000; ++rounds) {
    bool moved = false;
    for (int dir = 0; dir < 2; ++dir) {
      wire::ByteView out = dir == 0 ? server.pending_output() : client.pending();
      if (out.empty()) continue;
      size_t n = max_chunk ? 1 + rng() % std::min(max_chunk, out.size()) : out.size();
      wire::Bytes chunk(out.begin(), out.begin() + static_cast<long>(n));
      if (dir == 0) {
        server.consume_output(n);
        client.feed(chunk);
      } else if (rng() % 2 == 0) {
        client.consume(n);
        server.feed(chunk, ServerTransport::Clock::now());
      } else {
        client.consume(feed_in_place(server, chunk));
      }
      moved = true;
    }
    if (!moved) return;
  }
  FAIL() << "pump did not settle";
}

wire::Bytes service_request() {
  wire::Writer w;
  w.u8(msg::kServiceRequest).string(std::string_view("ssh-userauth"));
  return w.take();
}

// Connects, asserts keys are active, returns the client's view of what was negotiated.
void connect(ServerTransport& server, TestClient& client, std::mt19937& rng, size_t chunk = 0) {
  server.start();
  client.start();
  pump(server, client, rng, chunk);
  ASSERT_FALSE(server.closed());
  ASSERT_TRUE(client.keys_active());
  ASSERT_EQ(server.key_exchanges(), 1u);
}

TEST(ServerTransport, EveryKexWithEveryHostKeyType) {
  std::mt19937 rng(1);
  for (const auto& kex : kAllKex) {
    for (const auto& hk : kAllHostKeyAlgs) {
      SCOPED_TRACE(kex + " / " + hk);
      ServerTransport server(server_config());
      TestClientConfig cc;
      cc.kex = {kex};
      cc.host_key = {hk};
      TestClient client(cc);
      connect(server, client, rng);
      EXPECT_EQ(server.negotiated().kex, kex);
      EXPECT_EQ(server.negotiated().host_key, hk);
      // The host key the client saw is the server's key for that algorithm, and the
      // exchange-hash signature was verified by the client's KEX.
      bool found = false;
      for (const auto& k : host_keys().keys)
        found = found || k.public_blob() == client.host_key_blob();
      EXPECT_TRUE(found);
      // EXT_INFO comes first after NEWKEYS, with server-sig-algs.
      ASSERT_FALSE(client.received.empty());
      EXPECT_EQ(client.received[0][0], msg::kExtInfo);
    }
  }
}

TEST(ServerTransport, EveryCipherWithEveryMacAndRandomChunks) {
  std::mt19937 rng(2);
  for (const auto& cipher : kAllCiphers) {
    for (const auto& mac : kAllMacs) {
      if (is_aead_cipher(cipher) && mac != kAllMacs[0]) continue;  // MAC unused: once is enough
      SCOPED_TRACE(cipher + " / " + mac);
      ServerTransport server(server_config());
      Collector sink;
      server.set_handler(&sink);
      TestClientConfig cc;
      cc.ciphers = {cipher};
      cc.macs = {mac};
      TestClient client(cc);
      connect(server, client, rng, 7);
      client.send(service_request());
      wire::Bytes ignore = {msg::kIgnore, 0, 0, 0, 3, 'a', 'b', 'c'};
      for (int i = 0; i < 20; ++i) {
        client.send(ignore);
        wire::Writer w;
        w.u8(msg::kUserauthRequest).string(std::string(static_cast<size_t>(rng() % 3000), 'x'));
        client.send(w.bytes());
      }
      pump(server, client, rng, 1 + rng() % 5000);
      EXPECT_FALSE(server.closed());
      EXPECT_EQ(sink.messages.size(), 20u);
      EXPECT_EQ(client.received.back()[0], msg::kServiceAccept);
    }
  }
}

TEST(ServerTransport, CompressionBothKinds) {
  std::mt19937 rng(3);
  for (const char* method : {"zlib", "zlib@openssh.com"}) {
    SCOPED_TRACE(method);
    ServerTransport server(server_config());
    Collector sink;
    server.set_handler(&sink);
    TestClientConfig cc;
    cc.compression = {method};
    TestClient client(cc);
    connect(server, client, rng);
    // zlib compresses from NEWKEYS on; zlib@openssh.com only after authentication.
    EXPECT_EQ(client.encoder().compression_enabled(), std::string(method) == "zlib");
    client.send(service_request());
    pump(server, client, rng);
    server.set_authenticated();  // what the auth layer does after USERAUTH_SUCCESS
    if (std::string(method) == "zlib@openssh.com") {
      client.encoder().enable_compression();
      client.decoder().enable_compression();
    }
    wire::Bytes data(1 + 4 + 4 + 30000, 'a');
    data[0] = msg::kChannelData;
    for (int i = 0; i < 10; ++i) client.send(data);
    size_t before = client.pending().size();
    pump(server, client, rng);
    EXPECT_LT(before, 10 * data.size() / 10) << "compression did not shrink the stream";
    EXPECT_EQ(sink.bytes, 10 * data.size());
    EXPECT_FALSE(server.closed());
  }
}

TEST(ServerTransport, RekeyEveryMebibyteOver64MiB) {
  std::mt19937 rng(4);
  ServerTransportConfig config = server_config();
  config.rekey_bytes = 1 << 20;
  ServerTransport server(config);
  Collector sink;
  server.set_handler(&sink);
  TestClientConfig cc;
  cc.ciphers = {"aes256-gcm@openssh.com"};
  TestClient client(cc);
  connect(server, client, rng);
  client.send(service_request());
  pump(server, client, rng);
  server.set_authenticated();
  wire::Bytes data(1 + 32 * 1024, 0x5a);
  data[0] = msg::kChannelData;
  size_t sent = 0;
  for (int i = 0; sent < (size_t{64} << 20); ++i) {
    client.send(data);
    sent += data.size();
    if (i % 8 == 0) pump(server, client, rng, 1 + rng() % 65536);
    // Server traffic during the exchanges: held back by the server, delivered in order after.
    if (i % 16 == 0) server.send(wire::Bytes{msg::kChannelData, 1, 2, 3});
  }
  pump(server, client, rng);
  EXPECT_FALSE(server.closed());
  EXPECT_EQ(sink.bytes, sent);
  EXPECT_GE(server.key_exchanges(), 60u);
  EXPECT_EQ(client.key_exchanges(), server.key_exchanges());
}

TEST(ServerTransport, RekeyByTimeOnlyAfterAuth) {
  std::mt19937 rng(10);
  ServerTransportConfig config = server_config();
  config.rekey_seconds = 60;
  ServerTransport server(config);
  Collector sink;
  server.set_handler(&sink);
  TestClient client(TestClientConfig{});
  auto t0 = ServerTransport::Clock::now();
  server.start(t0);
  client.start();
  pump(server, client, rng);
  ASSERT_TRUE(client.keys_active());
  // Before authentication the time limit never starts a re-exchange.
  EXPECT_EQ(server.on_timer(t0 + std::chrono::hours(1)), ServerTransport::Clock::time_point::max());
  pump(server, client, rng);
  EXPECT_EQ(server.key_exchanges(), 1u);
  client.send(service_request());
  pump(server, client, rng);
  server.set_authenticated();
  // After it, the deadline is the limit past the last key change; reaching it starts one.
  auto deadline = server.on_timer(t0 + std::chrono::seconds(1));
  EXPECT_NE(deadline, ServerTransport::Clock::time_point::max());
  server.on_timer(deadline + std::chrono::seconds(1));
  pump(server, client, rng);
  EXPECT_EQ(server.key_exchanges(), 2u);
  EXPECT_EQ(client.key_exchanges(), 2u);
  EXPECT_FALSE(server.closed());
}

TEST(ServerTransport, ClientStartedRekeyAfterAuth) {
  std::mt19937 rng(5);
  ServerTransport server(server_config());
  Collector sink;
  server.set_handler(&sink);
  TestClient client(TestClientConfig{});
  connect(server, client, rng);
  client.send(service_request());
  pump(server, client, rng);
  server.set_authenticated();
  for (int i = 0; i < 3; ++i) {
    client.start_rekey();
    pump(server, client, rng, 100);
  }
  EXPECT_EQ(server.key_exchanges(), 4u);
  EXPECT_FALSE(server.closed());
}

// Runs a connection where the client sends `payload` at the given moment; returns whether the
// server disconnected.
bool rejected_after_keys(wire::Bytes payload, bool authenticated = false) {
  std::mt19937 rng(6);
  ServerTransport server(server_config());
  Collector sink;
  server.set_handler(&sink);
  TestClient client(TestClientConfig{});
  connect(server, client, rng);
  if (authenticated) {
    client.send(service_request());
    pump(server, client, rng);
    server.set_authenticated();
  }
  client.send(payload);
  try {
    pump(server, client, rng);
  } catch (const ProtocolError&) {
    return true;
  }
  return server.closed();
}

TEST(ServerTransport, ConnectionMessagesBeforeAuthAreRefused) {
  wire::Writer open;
  open.u8(msg::kChannelOpen).string(std::string_view("session")).u32(0).u32(1 << 20).u32(32768);
  EXPECT_TRUE(rejected_after_keys(open.take()));
  EXPECT_TRUE(rejected_after_keys(wire::Bytes{msg::kUserauthSuccess}));  // forged success
  EXPECT_TRUE(rejected_after_keys(wire::Bytes{msg::kKexInit}));          // no pre-auth rekey
  wire::Writer open2;
  open2.u8(msg::kChannelOpen).string(std::string_view("session")).u32(0).u32(1 << 20).u32(32768);
  EXPECT_FALSE(rejected_after_keys(open2.take(), true));
}

TEST(ServerTransport, UnknownMessageGetsUnimplemented) {
  std::mt19937 rng(7);
  ServerTransport server(server_config());
  TestClient client(TestClientConfig{});
  connect(server, client, rng);
  client.send(wire::Bytes{200, 1, 2});
  pump(server, client, rng);
  ASSERT_FALSE(server.closed());
  ASSERT_FALSE(client.received.empty());
  EXPECT_EQ(client.received.back()[0], msg::kUnimplemented);
}

// Raw bytes, as a hostile client would write them before any keys: identification, then
// unencrypted packets.
wire::Bytes plain_packet(wire::ByteView payload) {
  size_t pad = 8 - (5 + payload.size()) % 8;
  if (pad < 4) pad += 8;
  wire::Writer w;
  w.u32(static_cast<uint32_t>(1 + payload.size() + pad)).u8(static_cast<uint8_t>(pad));
  w.raw(payload);
  w.raw(wire::Bytes(pad, 0));
  return w.take();
}

wire::Bytes kexinit_payload(bool strict) {
  KexInit k;
  k.kex = {"curve25519-sha256"};
  if (strict) k.kex.emplace_back(kStrictKexClient);
  k.host_key = {"ssh-ed25519"};
  k.cipher_c2s = k.cipher_s2c = {"aes128-ctr"};
  k.mac_c2s = k.mac_s2c = {"hmac-sha2-256"};
  k.compression_c2s = k.compression_s2c = {"none"};
  wire::Writer w;
  k.encode(w);
  return w.take();
}

TEST(ServerTransport, StrictKexRefusesIgnoreBeforeKexInit) {
  for (bool strict : {true, false}) {
    SCOPED_TRACE(strict ? "strict" : "not strict");
    ServerTransport server(server_config());
    server.start();
    wire::Bytes in;
    std::string ident = "SSH-2.0-raw\r\n";
    in.insert(in.end(), ident.begin(), ident.end());
    wire::Bytes ignore = plain_packet(wire::Bytes{msg::kIgnore, 0, 0, 0, 0});
    in.insert(in.end(), ignore.begin(), ignore.end());
    wire::Bytes kexinit = plain_packet(kexinit_payload(strict));
    in.insert(in.end(), kexinit.begin(), kexinit.end());
    bool refused = false;
    try {
      server.feed(in, ServerTransport::Clock::now());
    } catch (const ProtocolError& e) {
      refused = true;
      EXPECT_EQ(e.reason(), DisconnectReason::kProtocolError);
    }
    EXPECT_EQ(refused, strict);
  }
}

TEST(ServerTransport, StrictKexResetsSequenceNumbers) {
  std::mt19937 rng(8);
  ServerTransport server(server_config());
  TestClient client(TestClientConfig{});
  connect(server, client, rng);
  // Both sides reset at NEWKEYS: the server has sent EXT_INFO since (1 packet), the client
  // nothing.
  EXPECT_EQ(client.decoder().sequence(), 1u);
  EXPECT_EQ(client.encoder().sequence(), 0u);
}

TEST(ServerTransport, DisconnectIsSentEncrypted) {
  std::mt19937 rng(9);
  ServerTransport server(server_config());
  TestClient client(TestClientConfig{});
  connect(server, client, rng);
  server.disconnect(DisconnectReason::kByApplication, "bye");
  pump(server, client, rng);
  ASSERT_TRUE(client.disconnected());
  EXPECT_EQ(*client.disconnect_reason(), 11u);
  EXPECT_TRUE(server.closed());
}

// Connects with `cipher` (and `compression`) and authenticates, ready for service traffic.
void connect_authenticated(ServerTransport& server, TestClient& client, std::mt19937& rng) {
  connect(server, client, rng);
  client.send(service_request());
  pump(server, client, rng);
  server.set_authenticated();
  if (client.negotiated().compression_s2c == "zlib@openssh.com") {
    client.encoder().enable_compression();
    client.decoder().enable_compression();
  }
  client.received.clear();
}

// Writes `payload` in place through begin_send()/end_send(); false if no room was offered.
bool send_in_place(ServerTransport& server, wire::ByteView payload) {
  std::span<uint8_t> room = server.begin_send(payload.size() + 100);
  if (room.empty()) return false;
  EXPECT_GE(room.size(), payload.size() + 100);
  std::copy(payload.begin(), payload.end(), room.begin());
  server.end_send(payload.size());
  return true;
}

// RekeyLimit's data part holds for output alone: a long download whose client sends nothing
// (wharfd does not even read while its output is backed up) still gets its key exchanges.
TEST(ServerTransport, RekeyByBytesSentWithNoInput) {
  std::mt19937 rng(13);
  ServerTransportConfig config = server_config();
  config.rekey_bytes = 1 << 20;
  ServerTransport server(config);
  TestClient client(TestClientConfig{});
  connect_authenticated(server, client, rng);
  wire::Bytes data(1 + 32 * 1024, 0x5a);
  data[0] = msg::kChannelData;
  for (int i = 0; i < 3 * 32 + 8; ++i) {  // a little over 3 MiB through both send paths
    if (i % 2 == 0 || !send_in_place(server, data)) server.send(data);
  }
  // The client only answers what it reads: without a KEXINIT from us it sends nothing at all.
  pump(server, client, rng);
  EXPECT_GE(server.key_exchanges(), 2u);
  EXPECT_EQ(client.key_exchanges(), server.key_exchanges());
  EXPECT_EQ(client.received.size(), 3u * 32 + 8);
  EXPECT_FALSE(server.closed());
}

TEST(ServerTransport, InPlaceSendDeliversWhatSendDelivers) {
  std::mt19937 rng(11);
  for (const auto& cipher : kAllCiphers) {
    for (const char* compression : {"none", "zlib@openssh.com"}) {
      SCOPED_TRACE(cipher + " / " + compression);
      ServerTransport server(server_config());
      TestClientConfig cc;
      cc.ciphers = {cipher};
      cc.compression = {compression};
      TestClient client(cc);
      connect_authenticated(server, client, rng);
      std::vector<wire::Bytes> sent;
      for (int i = 0; i < 40; ++i) {
        wire::Bytes p(1 + rng() % 40000);
        for (auto& b : p) b = static_cast<uint8_t>(rng());
        p[0] = msg::kChannelData;
        if (i % 2 == 0) {
          ASSERT_TRUE(send_in_place(server, p));
        } else {
          server.send(p);  // the copying path, interleaved
        }
        sent.push_back(std::move(p));
        if (i % 7 == 0) pump(server, client, rng, 1 + rng() % 9000);
      }
      pump(server, client, rng);
      EXPECT_EQ(client.received, sent);
      EXPECT_FALSE(client.disconnected());
    }
  }
}

// Client packets read straight into the decoder's buffer, in chunks that split packets anywhere,
// arrive whole and in order, under every cipher.
TEST(ServerTransport, InPlaceInputDeliversWhatWasSent) {
  std::mt19937 rng(12);
  for (const auto& cipher : kAllCiphers) {
    SCOPED_TRACE(cipher);
    ServerTransport server(server_config());
    TestClientConfig cc;
    cc.ciphers = {cipher};
    TestClient client(cc);
    connect_authenticated(server, client, rng);
    Collector sink;
    server.set_handler(&sink);
    std::vector<wire::Bytes> sent;
    for (int i = 0; i < 40; ++i) {
      wire::Bytes p(1 + rng() % 40000);
      for (auto& b : p) b = static_cast<uint8_t>(rng());
      p[0] = msg::kChannelData;
      client.send(p);
      sent.push_back(std::move(p));
    }
    while (!client.pending().empty()) {
      wire::ByteView out = client.pending();
      const size_t n = 1 + rng() % std::min<size_t>(out.size(), 70000);
      client.consume(feed_in_place(server, out.first(n)));
    }
    EXPECT_FALSE(server.closed());
    EXPECT_EQ(sink.messages, sent);
  }
}

TEST(ServerTransport, InPlaceSendIsRefusedWhileOutputIsHeldForKex) {
  std::mt19937 rng(12);
  ServerTransport server(server_config());
  TestClient client(TestClientConfig{});
  connect_authenticated(server, client, rng);
  client.start_rekey();
  // The client's KEXINIT makes the server answer with its own: from then until its NEWKEYS,
  // service output is held, so no in-place room is offered and send() queues instead.
  wire::ByteView out = client.pending();
  server.feed(wire::Bytes(out.begin(), out.end()), ServerTransport::Clock::now());
  client.consume(out.size());
  const wire::Bytes held = {msg::kChannelData, 1, 2, 3};
  EXPECT_FALSE(send_in_place(server, held));
  server.send(held);
  pump(server, client, rng);
  EXPECT_EQ(server.key_exchanges(), 2u);
  const wire::Bytes after = {msg::kChannelData, 4, 5, 6};
  EXPECT_TRUE(send_in_place(server, after));
  pump(server, client, rng);
  EXPECT_EQ(client.received, (std::vector<wire::Bytes>{held, after}));
  EXPECT_THROW(server.end_send(0), std::logic_error);  // an empty payload is no message
}

// A refused identification is answered with a text line (as OpenSSH does). It follows our KEXINIT
// on a line of its own, whether the KEXINIT was still queued, had been written, or was being
// written (taken by pending_output() but not yet consumed) when the client's identification was
// refused; nothing is sent twice.
TEST(ServerTransport, RefusedIdentificationTextIsALineOfItsOwn) {
  enum class Kexinit { kQueued, kWritten, kBeingWritten };
  for (Kexinit state : {Kexinit::kQueued, Kexinit::kWritten, Kexinit::kBeingWritten}) {
    SCOPED_TRACE(static_cast<int>(state));
    ServerTransport server(server_config());
    server.start();
    std::string sent;
    auto take = [&server, &sent](size_t n) {
      wire::ByteView out = server.pending_output();
      sent.append(out.begin(), out.begin() + static_cast<long>(std::min(n, out.size())));
      server.consume_output(std::min(n, out.size()));
    };
    const std::string ident(wire::as_text(server.pending_output()));
    take(ident.size());
    wire::ByteView kexinit_view = server.pending_output();
    const std::string kexinit(kexinit_view.begin(), kexinit_view.end());
    if (state == Kexinit::kWritten) take(kexinit.size());
    const std::string bad = "SSH-2.0\r\n";
    try {
      server.feed(wire::as_bytes(bad), ServerTransport::Clock::now());
      FAIL() << "identification without a software version accepted";
    } catch (const ProtocolError& e) {
      server.disconnect(e.reason(), e.what());
    }
    if (state == Kexinit::kBeingWritten) {  // the write that took it completes now
      sent += kexinit;
      server.consume_output(kexinit.size());
    }
    for (int i = 0; i < 10 && !server.pending_output().empty(); ++i) take(SIZE_MAX);
    EXPECT_EQ(sent,
              ident + kexinit + "\r\ninvalid SSH identification string: no software version\r\n");
  }
}

}  // namespace
}  // namespace wharf::transport
