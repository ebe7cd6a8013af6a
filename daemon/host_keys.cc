#include "daemon/host_keys.h"

#include "log/log.h"

namespace wharf::daemon {

std::vector<keys::HostKey> load_host_keys(const std::vector<std::string>& configured,
                                          const std::string& state_dir) {
  std::vector<keys::HostKey> out;
  if (!configured.empty()) {
    for (const auto& path : configured) out.push_back(keys::HostKey::load(path));
  } else {
    struct Default {
      const char* file;
      keys::KeyType type;
    };
    for (const Default& d : {Default{"ssh_host_ed25519_key", keys::KeyType::kEd25519},
                             Default{"ssh_host_ecdsa_key", keys::KeyType::kEcdsaP256},
                             Default{"ssh_host_rsa_key", keys::KeyType::kRsa}}) {
      out.push_back(keys::HostKey::load_or_generate(state_dir + "/" + d.file, d.type));
    }
  }
  for (const auto& key : out) {
    log::info("Host key: {}", key.public_key().fingerprint_line());
  }
  return out;
}

}  // namespace wharf::daemon
