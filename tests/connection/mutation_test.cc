// Deterministic mutation of connection-protocol messages: whatever a client sends, the service
// either handles it or throws ProtocolError / wire::DecodeError (which end the connection). Any
// other exception (e.g. the windows' internal logic_error checks) or a sanitizer report fails.
#include <random>

#include "tests/connection/fixture.h"

namespace wharf::connection::testing {
namespace {

// A session of every kind of message: two channels, sftp and scp, data both ways, requests,
// window adjusts, EOF and CLOSE.
std::vector<Bytes> Script() {
  std::vector<Bytes> s;
  s.push_back(Open(1, 5000, 1000));
  s.push_back(Open(2, 0, 1));
  s.push_back(Open(3, 100, 100, "direct-tcpip"));
  s.push_back(Global("keepalive@openssh.com", true));
  s.push_back(Request(0, "pty-req", true, "xterm"));
  s.push_back(Request(0, "env", true, "LANG"));
  s.push_back(Data(0, "early"));
  s.push_back(Request(0, "subsystem", true, "sftp"));
  s.push_back(Request(1, "exec", true, "scp -t /x"));
  s.push_back(Data(0, std::string(3000, 'a')));
  s.push_back(Adjust(0, 10000));
  s.push_back(Adjust(1, 70000));
  s.push_back(ExtData(0, "err"));
  s.push_back(Data(1, "C0644 5 f\n"));
  s.push_back(Global("no-more-sessions@openssh.com", false));
  s.push_back(Request(1, "window-change", false, "x"));
  s.push_back(Eof(1));
  s.push_back(Data(0, std::string(500, 'b')));
  s.push_back(Eof(0));
  s.push_back(Close(1));
  s.push_back(Close(0));
  s.push_back(Bytes{msg::kRequestFailure});
  return s;
}

void Mutate(Bytes& m, std::mt19937& rng) {
  auto pick = [&](size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng);
  };
  switch (pick(6)) {
    case 0:  // flip a byte
      if (!m.empty()) m[pick(m.size())] ^= static_cast<uint8_t>(1 + pick(255));
      break;
    case 1:  // truncate
      m.resize(pick(m.size() + 1));
      break;
    case 2:  // append junk
      for (size_t i = 0, n = 1 + pick(8); i < n; ++i) m.push_back(static_cast<uint8_t>(rng()));
      break;
    case 3: {  // an edge value over four bytes
      static constexpr uint32_t kEdges[] = {0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};
      if (m.size() < 5) break;
      size_t at = 1 + pick(m.size() - 4);
      uint32_t v = kEdges[pick(6)];
      for (int i = 0; i < 4; ++i) m[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
      break;
    }
    case 4:  // another message type of the connection range
      if (!m.empty()) m[0] = static_cast<uint8_t>(80 + pick(48));
      break;
    default:  // duplicate a byte range
      if (m.size() > 2) {
        size_t at = pick(m.size());
        m.insert(m.begin() + static_cast<ptrdiff_t>(at), m.begin(),
                 m.begin() + static_cast<ptrdiff_t>(pick(m.size() - at) + 1));
      }
  }
}

TEST(Mutation, OnlyProtocolOrDecodeErrors) {
  std::mt19937 rng(20261121);
  const std::vector<Bytes> script = Script();
  size_t protocol_errors = 0, decode_errors = 0, clean = 0;
  for (int run = 0; run < 20000; ++run) {
    FakeSink sink;
    sink.in_place = run % 2 == 0;
    Factories factories;
    factories.echo = true;  // apps talk back, so output flows through the windows
    ConnectionConfig config;
    config.max_sessions = 2;
    config.client_alive_interval = 1;
    config.client_alive_count_max = 2;
    auto t = Clock::time_point() + std::chrono::hours(1);
    ConnectionService service(sink, factories.make(), config, t);
    std::vector<Bytes> msgs = script;
    for (int k = 0, n = 1 + static_cast<int>(rng() % 3); k < n; ++k) {
      Mutate(msgs[rng() % msgs.size()], rng);
    }
    try {
      for (size_t i = 0; i < msgs.size(); ++i) {
        if (i == 3) service.on_timer(t + std::chrono::seconds(2));
        service.on_message(msgs[i]);
        sink.backlog = (rng() % 4) == 0;
        service.pump();
      }
      ++clean;
    } catch (const transport::ProtocolError&) {
      ++protocol_errors;
    } catch (const wire::DecodeError&) {
      ++decode_errors;
    }
    for (const auto& m : sink.sent) ASSERT_LE(m.size(), kMaxSendPayload);
  }
  // The mutations reach all three outcomes.
  EXPECT_GT(protocol_errors, 1000u);
  EXPECT_GT(decode_errors, 1000u);
  EXPECT_GT(clean, 100u);
}

TEST(Mutation, UnmutatedScriptRunsCleanly) {
  FakeSink sink;
  Factories factories;
  factories.echo = true;
  ConnectionConfig config;
  config.client_alive_interval = 1;
  auto t = Clock::time_point() + std::chrono::hours(1);
  ConnectionService service(sink, factories.make(), config, t);
  service.on_timer(t + std::chrono::seconds(1));  // one keepalive, answered at the end
  for (const Bytes& m : Script()) service.on_message(m);
  EXPECT_EQ(service.open_channels(), 0u);
  EXPECT_EQ(factories.sftp_calls.size(), 1u);
  EXPECT_EQ(factories.scp_calls.size(), 1u);
}

}  // namespace
}  // namespace wharf::connection::testing
