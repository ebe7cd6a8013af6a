// Fuzzes the ssh-userauth service (RFC 4252) behind a real in-memory key exchange: the server
// transport and UserAuth on one side, tests/transport's TestClient on the other.
//
// Each input is a connection. After KEX and SERVICE_REQUEST, the input is records
// [kind][u16 length][bytes]; by kind % 4:
//   0: the bytes are a payload sent as is (any message number);
//   1: a publickey request for user <bytes>, signed with the key authorized for "alice";
//   2: a publickey query (no signature) for user <bytes> with that key;
//   3: a "none" request for user <bytes>.
// The daemon's catch site (daemon/server_core.cc) is mirrored: ProtocolError, DecodeError and
// other runtime_errors end the connection; anything else escapes and is a finding. Invariants:
// only a signed request for alice can succeed (the session id is random, so raw payloads cannot
// carry a valid signature), and a connection with more than kMaxAuthRequests requests is cut.
#include <botan/base64.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "auth/userauth/userauth.h"
#include "conf/settings.h"
#include "log/log.h"
#include "tests/fuzz/fuzz_util.h"
#include "tests/transport/test_client.h"
#include "transport/keys/host_key.h"
#include "transport/messages.h"
#include "transport/server_transport.h"
#include "transport/wire.h"

namespace {

using namespace wharf;
using fuzz::check;
namespace msg = transport::msg;

constexpr std::string_view kUser = "alice";
constexpr std::string_view kAlgorithm = "ssh-ed25519";

struct World {
  keys::HostKey host_key = keys::HostKey::generate(keys::KeyType::kEd25519);
  keys::HostKey user_key = keys::HostKey::generate(keys::KeyType::kEd25519);
  std::string home;
  auth::User alice;
  conf::Settings settings;

  World() {
    log::set_level(std::getenv("WHARF_FUZZ_LOG") ? log::Level::kDebug3 : log::Level::kQuiet);
    char templ[] = "/tmp/wharf-userauth-fuzz-XXXXXX";
    check(::mkdtemp(templ) != nullptr);
    home = templ;
    const std::string ssh = home + "/.ssh";
    check(::mkdir(ssh.c_str(), 0700) == 0);
    std::ofstream(ssh + "/authorized_keys")
        << "restrict " << kAlgorithm << " " << Botan::base64_encode(user_key.public_blob())
        << " fuzz\n";
    alice.name = std::string(kUser);
    alice.has_ids = false;
    alice.is_virtual = true;
    alice.home = home;
    settings.strict_modes = false;  // the temporary directory's owners are not the point here
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

transport::ServerTransportConfig server_config() {
  transport::ServerTransportConfig c;
  c.kex_algorithms = {"curve25519-sha256"};
  c.host_key_algorithms = {std::string(kAlgorithm)};
  c.ciphers = {"aes128-ctr"};
  c.macs = {"hmac-sha2-256"};
  c.server_sig_algs = {std::string(kAlgorithm)};
  c.host_keys = {&world().host_key};
  return c;
}

auth::UserAuthConfig userauth_config() {
  auth::UserAuthConfig c;
  c.client_address = "192.0.2.7";
  c.client_port = 40000;
  c.find_user = [](const std::string& name) -> std::optional<auth::User> {
    if (name == kUser) return world().alice;
    return std::nullopt;
  };
  c.settings_for = [](const std::string&, const std::vector<std::string>&) {
    return world().settings;
  };
  return c;
}

class Connection {
 public:
  Connection()
      : server_(server_config()),
        client_({}),
        userauth_(server_, userauth_config(),
                  [this](auth::AuthResult r) { succeeded_ = std::move(r); }) {
    server_.set_handler(&userauth_);
  }

  // Key exchange and the ssh-userauth service; false if the connection did not get there.
  bool start() {
    server_.start();
    client_.start();
    pump();
    if (!client_.keys_active() || ended_) return false;
    wire::Writer w;
    w.u8(msg::kServiceRequest).string(std::string_view("ssh-userauth"));
    send(w.bytes());
    return !ended_;
  }

  void send(wire::ByteView payload) {
    client_.send(payload);
    pump();
  }

  wire::Bytes publickey_request(std::string_view user, bool signed_request) const {
    const World& w = world();
    wire::Writer body;
    body.string(user).string(std::string_view("ssh-connection"));
    body.string(std::string_view("publickey")).boolean(signed_request).string(kAlgorithm);
    body.string(wire::ByteView(w.user_key.public_blob()));
    wire::Writer out;
    out.u8(msg::kUserauthRequest).raw(wire::ByteView(body.bytes()));
    if (!signed_request) return out.take();
    wire::Writer data;  // RFC 4252 section 7
    data.string(wire::ByteView(server_.session_id())).u8(msg::kUserauthRequest);
    data.raw(wire::ByteView(body.bytes()));
    out.string(wire::ByteView(w.user_key.sign(kAlgorithm, data.bytes())));
    return out.take();
  }

  bool ended() const { return ended_ || server_.closed(); }
  const std::optional<auth::AuthResult>& succeeded() const { return succeeded_; }
  bool authenticated() const { return server_.authenticated(); }

 private:
  // Moves bytes both ways until neither side has anything to send.
  void pump() {
    for (int rounds = 0; rounds < 1000 && !ended_; ++rounds) {
      bool moved = false;
      wire::ByteView out = server_.pending_output();
      if (!out.empty()) {
        wire::Bytes copy(out.begin(), out.end());
        server_.consume_output(copy.size());
        client_.feed(copy);
        moved = true;
      }
      wire::ByteView in = client_.pending();
      if (!in.empty()) {
        wire::Bytes copy(in.begin(), in.end());
        client_.consume(copy.size());
        feed_server(copy);
        moved = true;
      }
      if (!moved) return;
    }
  }

  void feed_server(wire::ByteView bytes) {
    try {
      server_.feed(bytes, transport::ServerTransport::Clock::now());
    } catch (const transport::ProtocolError&) {
      ended_ = true;
    } catch (const wire::DecodeError&) {
      ended_ = true;
    } catch (const std::runtime_error&) {
      ended_ = true;
    }
  }

  transport::ServerTransport server_;
  transport::testing::TestClient client_;
  auth::UserAuth userauth_;
  std::optional<auth::AuthResult> succeeded_;
  bool ended_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Connection c;
  check(c.start());
  fuzz::Input in(data, size);
  bool signed_for_alice = false;
  size_t requests = 0;
  while (!in.empty() && !c.ended()) {
    const uint8_t kind = in.byte();
    auto bytes = in.chunk();
    std::string_view text = wire::as_text(bytes);
    switch (kind % 4) {
      case 0:
        c.send(bytes);
        break;
      case 1:
        signed_for_alice = signed_for_alice || text == kUser;
        c.send(c.publickey_request(text, true));
        break;
      case 2:
        c.send(c.publickey_request(text, false));
        break;
      default: {
        wire::Writer w;
        w.u8(msg::kUserauthRequest).string(text).string(std::string_view("ssh-connection"));
        w.string(std::string_view("none"));
        c.send(w.bytes());
      }
    }
    if (kind % 4 != 0 && !c.succeeded()) ++requests;
  }
  if (c.succeeded()) {
    check(signed_for_alice && c.succeeded()->user.name == kUser && c.authenticated());
    check(c.succeeded()->method == "publickey");
  } else {
    check(!c.authenticated());
    if (requests > auth::kMaxAuthRequests) check(c.ended());
  }
  return 0;
}
