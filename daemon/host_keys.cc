#include "daemon/host_keys.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

#include "log/log.h"

namespace wharf::daemon {
namespace {

// As sshd (sshkey_perm_ok): a private host key that other accounts can read, or that another
// account owns (and so can replace), is refused. Missing files are left to the loader.
void check_private_key_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return;
  if (st.st_uid != ::geteuid()) {
    throw std::runtime_error(
        fmt::format("HostKey {}: owned by uid {}, not by the server's", path, st.st_uid));
  }
  if (st.st_mode & 077) {
    throw std::runtime_error(fmt::format(
        "HostKey {}: permissions {:04o} are too open: a private key must not be accessible by "
        "group or others",
        path, st.st_mode & 07777));
  }
}

}  // namespace

std::vector<keys::HostKey> load_host_keys(const std::vector<std::string>& configured,
                                          const std::string& state_dir) {
  std::vector<keys::HostKey> out;
  if (!configured.empty()) {
    for (const auto& path : configured) {
      check_private_key_file(path);
      out.push_back(keys::HostKey::load(path));
    }
  } else {
    struct Default {
      const char* file;
      keys::KeyType type;
    };
    for (const Default& d : {Default{"ssh_host_ed25519_key", keys::KeyType::kEd25519},
                             Default{"ssh_host_ecdsa_key", keys::KeyType::kEcdsaP256},
                             Default{"ssh_host_rsa_key", keys::KeyType::kRsa}}) {
      check_private_key_file(state_dir + "/" + d.file);
      out.push_back(keys::HostKey::load_or_generate(state_dir + "/" + d.file, d.type));
    }
  }
  for (const auto& key : out) {
    log::info("Host key: {}", key.public_key().fingerprint_line());
  }
  return out;
}

}  // namespace wharf::daemon
