// Everything a connection child inherits from the parent: configuration, host keys, DH groups.
// Built once at startup, before any connection is accepted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/users.h"
#include "auth/virtual_users.h"
#include "conf/config.h"
#include "transport/kex/moduli.h"
#include "transport/keys/host_key.h"
#include "transport/server_transport.h"

namespace wharf::daemon {

// The demo user of the embedded default: a drop folder and a key pair in the state directory.
struct DemoUser {
  auth::User user;
  std::string authorized_keys;  // host path of the file holding the demo's public key
  std::string private_key;      // host path of the key the printed command uses
};

struct ServerContext {
  conf::Config config;
  conf::Settings settings;  // global settings (-p applied)
  std::string state_dir;
  std::vector<keys::HostKey> host_keys;
  kex::Moduli moduli;
  auth::VirtualUsers virtual_users;  // from VirtualUsersFile
  std::optional<DemoUser> demo;      // only with the embedded default
};

// ModuliFile if it exists, otherwise the groups shipped with Wharf (transport/kex/moduli).
kex::Moduli load_moduli(const std::string& path);

// The transport's algorithm lists and limits for `settings` with the context's keys.
transport::ServerTransportConfig transport_config(const ServerContext& ctx,
                                                  const conf::Settings& settings);

}  // namespace wharf::daemon
