#include "daemon/demo.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "transport/keys/host_key.h"

namespace wharf::daemon {

namespace {

// The demo runs as nobody when wharfd is root, and owns its drop folder.
constexpr uid_t kNobody = 65534;

void write_file(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot write " + tmp + ": " + std::strerror(errno));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
}

}  // namespace

DemoUser prepare_demo_user(const std::string& state_dir) {
  DemoUser demo;
  demo.user.name = "demo";
  demo.user.is_virtual = true;
  demo.user.home = state_dir + "/drop";
  demo.user.has_ids = geteuid() == 0;
  demo.user.uid = demo.user.gid = kNobody;
  demo.user.groups = {kNobody};
  demo.private_key = state_dir + "/demo_key";
  demo.authorized_keys = state_dir + "/demo_authorized_keys";
  if (::mkdir(demo.user.home.c_str(), 0755) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create " + demo.user.home + ": " + std::strerror(errno));
  }
  if (demo.user.has_ids && ::chown(demo.user.home.c_str(), kNobody, kNobody) != 0) {
    throw std::runtime_error("cannot chown " + demo.user.home + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(demo.private_key.c_str(), &st) != 0) {
    keys::HostKey key = keys::HostKey::generate(keys::KeyType::kEd25519, "demo@wharf");
    key.save(demo.private_key);  // mode 0600, and demo_key.pub
    write_file(demo.authorized_keys, key.public_key().to_line() + "\n", 0600);
  }
  // Like any user's authorized_keys, the demo's is read with the demo's rights (StrictModes):
  // a root-owned public key file, 0644, in a state directory others may traverse (0711) but not
  // list. Host private keys stay 0600.
  if (::chmod(demo.authorized_keys.c_str(), 0644) != 0 || ::chmod(state_dir.c_str(), 0711) != 0) {
    throw std::runtime_error("cannot set modes in " + state_dir + ": " + std::strerror(errno));
  }
  return demo;
}

std::string demo_command(const DemoUser& demo, const std::string& address, int port) {
  std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
  return "sftp -P " + std::to_string(port) + " -i " + demo.private_key + " " + demo.user.name +
         "@" + host;
}

}  // namespace wharf::daemon
