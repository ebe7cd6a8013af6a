// Fuzzes a whole server connection from the client side: ServerTransport, UserAuth and the
// ConnectionService with SFTP and SCP over a throwaway root, wired as daemon/server_core.cc wires
// them, in process and without sockets. The key exchange and the packet protection are the
// fuzz-only ones (transport/kex/fuzz_kex.h, transport/crypto/fuzz_none.h; compiled only with
// WHARF_FUZZING, never into wharfd), so every byte after KEXINIT is cleartext the fuzzer controls.
// Input format: connection_client.h. Seeds: WHARF_FUZZ_WRITE_SEEDS=DIR (connection_seeds.cc).
// WHARF_FUZZ_LOG=1 turns the server log on, WHARF_FUZZ_TRACE=1 prints what each input reached.
//
// The daemon's one catch site is mirrored: ProtocolError, DecodeError and other runtime_errors
// end the connection with a DISCONNECT; anything else escapes and is a finding. Oracles besides
// the sanitizers: the server's output is well framed (connection_output.h); only the fixed key
// of kUser authenticates, and only then do connection-layer messages flow.
#include <botan/base64.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#include "auth/userauth/userauth.h"
#include "conf/settings.h"
#include "connection/connection_service.h"
#include "connection/policy.h"
#include "connection/scp_app.h"
#include "connection/sftp_app.h"
#include "connection/transport_sink.h"
#include "fs/root.h"
#include "log/log.h"
#include "tests/fuzz/connection_client.h"
#include "tests/fuzz/connection_output.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/fuzz/scratch_root.h"
#include "transport/errors.h"
#include "transport/server_transport.h"

namespace wharf::fuzz::conn {

void write_seeds(const std::string& dir);  // connection_seeds.cc

namespace {

using Clock = transport::ServerTransport::Clock;

// Per process: the host key, the user's home with its authorized_keys, the SFTP root.
struct World {
  keys::HostKey host_key = keys::HostKey::generate(keys::KeyType::kEd25519);
  keys::HostKey user = user_key();
  std::string home;
  auth::User account;

  World() {
    log::set_level(std::getenv("WHARF_FUZZ_LOG") ? log::Level::kDebug3 : log::Level::kQuiet);
    char templ[] = "/tmp/wharf-conn-fuzz-home-XXXXXX";
    check(::mkdtemp(templ) != nullptr);
    home = templ;
    check(::mkdir((home + "/.ssh").c_str(), 0700) == 0);
    std::ofstream(home + "/.ssh/authorized_keys")
        << "restrict " << kKeyAlgorithm << " " << Botan::base64_encode(user.public_blob())
        << " fuzz\n";
    account.name = std::string(kUser);
    account.has_ids = false;
    account.is_virtual = true;
    account.home = home;
  }
  ~World() {
    ::unlink((home + "/.ssh/authorized_keys").c_str());
    ::rmdir((home + "/.ssh").c_str());
    ::rmdir(home.c_str());
  }
};

World& world() {
  static World w;
  return w;
}

transport::ServerTransportConfig transport_config(bool zlib) {
  transport::ServerTransportConfig c;
  c.kex_algorithms = {std::string(kex::kFuzzKex)};
  c.host_key_algorithms = {std::string(kKeyAlgorithm)};
  c.ciphers = {std::string(transport::crypto::kFuzzNoneCipher)};
  c.macs = {"hmac-sha2-256"};
  if (zlib) c.compression = {"none", "zlib@openssh.com", "zlib"};
  c.server_sig_algs = {std::string(kKeyAlgorithm)};
  c.host_keys = {&world().host_key};
  c.rekey_seconds = 600;
  return c;
}

// ServerCore without the daemon: no confinement step (the root is the scratch directory).
class Server : private transport::ServiceHandler {
 public:
  Server(uint8_t flags, Clock::time_point now)
      : flags_(flags),
        now_(now),
        transport_(transport_config(flags & 8)),
        userauth_(transport_, userauth_config(),
                  [this](auth::AuthResult r) { on_authenticated(std::move(r)); }) {
    transport_.set_handler(this);
    transport_.start(now_);
    grace_deadline_ = now_ + std::chrono::seconds(120);
  }

  void feed(wire::ByteView in) {
    if (finished_) return;
    guarded([&] {
      if (connection_) connection_->note_activity(now_);
      transport_.feed(in, now_);
      if (transport_.closed()) finished_ = true;
    });
  }

  void tick(int seconds) {
    now_ += std::chrono::seconds(seconds);
    if (finished_) return;
    if (now_ >= transport_.rekey_deadline()) guarded([&] { transport_.on_timer(now_); });
    if (connection_ && now_ >= connection_->next_deadline()) {
      guarded([&] { connection_->on_timer(now_); });
      check_end();
    }
    if (now_ >= grace_deadline_) end(transport::DisconnectReason::kByApplication, "grace time");
  }

  // Hands everything queued to `out`, letting the connection layer refill as output drains.
  void drain(ServerOutput& out, Progress& progress) {
    for (int i = 0; i < 256; ++i) {
      wire::ByteView pending = transport_.pending_output();
      if (pending.empty()) return;
      wire::Bytes copy(pending.begin(), pending.end());
      transport_.consume_output(copy.size());
      // After a DISCONNECT during the identification exchange the server may write a text line.
      if (!disconnected_) out.feed(copy, progress);
      if (connection_ && !finished_) guarded([this] { connection_->pump(); });
    }
  }

  const transport::ServerTransport& transport() const { return transport_; }
  bool finished() const { return finished_; }

 private:
  static auth::UserAuthConfig userauth_config() {
    auth::UserAuthConfig c;
    c.client_address = "192.0.2.7";
    c.client_port = 40000;
    c.find_user = [](const std::string& name) -> std::optional<auth::User> {
      if (name == kUser) return world().account;
      return std::nullopt;
    };
    c.settings_for = [](const std::string&, const std::vector<std::string>&) {
      conf::Settings s;
      s.strict_modes = false;  // the temporary home's owners are not the point here
      return s;
    };
    return c;
  }

  void on_message(wire::ByteView payload) override {
    if (!connection_) return userauth_.on_message(payload);
    connection_->on_message(payload);
    check_end();
  }

  void on_authenticated(auth::AuthResult result) {
    check(result.user.name == kUser && result.method == "publickey");
    grace_deadline_ = Clock::time_point::max();
    auto root = fs::Root::open(scratch_dir(), policy_for(flags_));
    check(root.ok());
    root_ = std::move(*root);
    connection::ConnectionConfig cc;
    cc.max_sessions = static_cast<size_t>(std::max(1, result.settings.max_sessions));
    cc.client_alive_interval = flags_ & 4 ? 15 : 0;
    cc.client_alive_count_max = 2;
    cc.policy = connection::make_session_policy(result.settings.force_command, result.key.command);
    connection::SessionFactories f;
    f.sftp =
        [this](const std::vector<std::string>& args) -> std::unique_ptr<connection::SessionApp> {
      if (!args.empty()) return nullptr;  // no forced internal-sftp flags in this world
      return std::make_unique<connection::SftpApp>(*root_);
    };
    f.scp = [this](std::string_view command, std::string& error) {
      return connection::ScpApp::start(*root_, command, error);
    };
    sink_ = std::make_unique<connection::TransportSink>(transport_);
    connection_ = std::make_unique<connection::ConnectionService>(*sink_, f, cc, now_);
  }

  void check_end() {
    if (connection_ && connection_->end_requested() && !finished_) {
      end(connection_->end_requested()->reason, connection_->end_requested()->description);
    }
  }

  template <typename Fn>
  void guarded(Fn&& fn) {
    try {
      fn();
    } catch (const transport::ProtocolError& e) {
      end(e.reason(), e.what());
    } catch (const wire::DecodeError& e) {
      end(transport::DisconnectReason::kProtocolError, e.what());
    } catch (const std::runtime_error& e) {
      end(transport::DisconnectReason::kByApplication, "internal error");
    }
  }

  void end(transport::DisconnectReason reason, const std::string& why) {
    disconnected_ = true;
    transport_.disconnect(reason, why);
    finished_ = true;
  }

  uint8_t flags_;
  Clock::time_point now_;
  transport::ServerTransport transport_;
  auth::UserAuth userauth_;
  std::unique_ptr<fs::Root> root_;
  std::unique_ptr<connection::TransportSink> sink_;
  std::unique_ptr<connection::ConnectionService> connection_;
  Clock::time_point grace_deadline_;
  bool finished_ = false;
  bool disconnected_ = false;
};

}  // namespace

Progress run_connection(const uint8_t* data, size_t size) {
  reset_root(scratch_dir());
  Input in(data, size);
  const uint8_t flags = in.byte();
  Progress progress;
  // A fixed start keeps runs reproducible; only kTick records move the clock.
  Server server(flags, Clock::time_point(std::chrono::hours(1000)));
  ServerOutput output(!(flags & 8));
  server.drain(output, progress);
  while (!in.empty() && !server.finished()) {
    const uint8_t kind = in.byte();
    auto bytes = in.chunk();
    const auto channel = static_cast<uint32_t>(kind / kKinds % 4);
    switch (kind % kKinds) {
      case kRaw:
        server.feed(bytes);
        break;
      case kPacket:
        server.feed(frame_packet(bytes));
        break;
      case kSignedAuth:
        server.feed(frame_packet(
            signed_userauth(world().user, wire::as_text(bytes), server.transport().session_id())));
        break;
      case kSftp: {
        wire::Bytes body = substitute_handles(bytes, output.handles());
        wire::Writer framed;
        framed.u32(static_cast<uint32_t>(body.size())).raw(wire::ByteView(body));
        server.feed(frame_packet(channel_data(channel, framed.bytes())));
        break;
      }
      case kData:
        server.feed(frame_packet(channel_data(channel, bytes)));
        break;
      default:
        server.tick(bytes.empty() ? 1 : bytes[0]);
        break;
    }
    server.drain(output, progress);
  }
  progress.kex_done = server.transport().key_exchanges() > 0;
  progress.authenticated = server.transport().authenticated();
  progress.ended = server.finished();
  return progress;
}

}  // namespace wharf::fuzz::conn

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("WHARF_FUZZ_WRITE_SEEDS")) {
    wharf::fuzz::conn::write_seeds(dir);
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto p = wharf::fuzz::conn::run_connection(data, size);
  if (std::getenv("WHARF_FUZZ_TRACE")) {
    std::fprintf(stderr, "kex %d auth %d sftp replies %zu handles %zu data %zu ended %d\n",
                 p.kex_done, p.authenticated, p.sftp_replies, p.handles, p.data_bytes, p.ended);
  }
  return 0;
}
