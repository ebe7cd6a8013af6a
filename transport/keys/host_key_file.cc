// HostKey's file side: reading and writing private key files.
#include <botan/auto_rng.h>
#include <botan/pk_keys.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "transport/keys/host_key.h"
#include "transport/keys/openssh_key_file.h"
#include "transport/keys/pem_armor.h"
#include "transport/keys/pem_key_file.h"

namespace wharf::keys {

namespace {

constexpr size_t kMaxKeyFile = 256 * 1024;

std::string errno_text(const std::string& what, const std::string& path) {
  return what + " " + path + ": " + std::strerror(errno);
}

Botan::secure_vector<uint8_t> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw KeyError(errno_text("cannot open", path));
  Botan::secure_vector<uint8_t> data(kMaxKeyFile + 1);
  size_t used = 0;
  while (used < data.size()) {
    ssize_t n = ::read(fd, data.data() + used, data.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw KeyError(errno_text("cannot read", path));
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  ::close(fd);
  if (used > kMaxKeyFile) throw KeyError("key file is too large: " + path);
  data.resize(used);
  return data;
}

// Writes `data` to `path` with `mode` via a temporary file and rename, so a crash never leaves
// a half-written key behind.
void write_file(const std::string& path, wire::ByteView data, mode_t mode) {
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw KeyError(errno_text("cannot create", tmp));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == data.size() && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw KeyError(errno_text("cannot write", path));
  }
}

}  // namespace

HostKey HostKey::parse(std::string_view text) {
  HostKey key =
      pem_label(text) == kOpensshArmorLabel ? parse_openssh_key(text) : parse_pem_key(text);
  // A pairwise consistency test: some formats carry a public half that Botan does not check
  // against the private one (e.g. the public point of an EC PRIVATE KEY).
  //
  // Not by signing for RSA: Botan 2 runs RSA's two CRT exponentiations on its global thread
  // pool, and a pool started in the listener is inherited by every forked connection child
  // without its threads, so the child's first RSA signature would wait forever. An RSA public
  // key (n, e) is part of the private key itself, so Botan's arithmetic check suffices there.
  if (key.type() == KeyType::kRsa) {
    Botan::AutoSeeded_RNG rng;
    if (!key.botan_key().check_key(rng, false)) {
      throw KeyError("RSA private key is not consistent");
    }
    return key;
  }
  static constexpr std::string_view kProbe = "wharf host key consistency check";
  try {
    key.sign(key.algorithms().front(), wire::as_bytes(kProbe));
  } catch (const KeyError&) {
    throw KeyError("private key does not match its public key");
  }
  return key;
}

HostKey HostKey::load(const std::string& path) {
  Botan::secure_vector<uint8_t> data = read_file(path);
  try {
    return parse(wire::as_text(wire::ByteView(data.data(), data.size())));
  } catch (const KeyError& e) {
    throw KeyError(path + ": " + e.what());
  }
}

HostKey HostKey::load_or_generate(const std::string& path, KeyType type) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return load(path);
  if (errno != ENOENT) throw KeyError(errno_text("cannot stat", path));
  HostKey key = generate(type);
  key.save(path);
  return key;
}

Botan::secure_vector<uint8_t> HostKey::to_openssh() const { return encode_openssh_key(*this); }

void HostKey::save(const std::string& path) const {
  Botan::secure_vector<uint8_t> text = to_openssh();
  write_file(path, wire::ByteView(text.data(), text.size()), 0600);
  const std::string line = public_key_.to_line() + "\n";
  write_file(path + ".pub", wire::as_bytes(line), 0644);
}

}  // namespace wharf::keys
