// A private key that signs: the server's host keys (and, in tests, a client's user key).
// Generated on first start, saved in OpenSSH's private key format (PROTOCOL.key) with mode 0600
// plus a .pub file; loaded from OpenSSH or PEM files. Every signature is verified with the public
// key before it is returned (a fault-induced bad signature could leak the key).
#pragma once

#include <botan/secmem.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "transport/keys/key_types.h"
#include "transport/keys/public_key.h"

namespace Botan {
class Private_Key;
}

namespace wharf::keys {

class HostKey {
 public:
  HostKey(KeyType type, std::unique_ptr<Botan::Private_Key> key, std::string comment);
  HostKey(HostKey&&) noexcept;
  HostKey& operator=(HostKey&&) noexcept;
  ~HostKey();

  // A new key; RSA keys have kDefaultRsaBits unless `rsa_bits` says otherwise.
  static HostKey generate(KeyType type, std::string comment = "",
                          size_t rsa_bits = kDefaultRsaBits);
  // Reads an OpenSSH-format or PEM (PKCS#8, "RSA PRIVATE KEY", "EC PRIVATE KEY") private key.
  // Throws KeyError for encrypted keys, unknown formats and malformed or inconsistent keys.
  static HostKey load(const std::string& path);
  static HostKey parse(std::string_view text);
  // Loads `path` if it exists, otherwise generates a key of `type` and saves it there.
  static HostKey load_or_generate(const std::string& path, KeyType type);

  // Writes `path` (OpenSSH format, mode 0600, replaced atomically) and `path`.pub.
  void save(const std::string& path) const;
  // The OpenSSH private key file contents (PEM-armoured PROTOCOL.key, cipher "none").
  Botan::secure_vector<uint8_t> to_openssh() const;

  KeyType type() const { return type_; }
  const Bytes& public_blob() const { return public_key_.blob(); }
  const PublicKey& public_key() const { return public_key_; }
  const std::string& comment() const { return comment_; }
  // The signature algorithms this key makes, strongest first ("ssh-rsa" only if asked for).
  std::vector<std::string> algorithms(bool with_ssh_rsa = false) const;
  // The SSH signature blob over `data`. Throws KeyError if `algorithm` is not one of this key's
  // (ssh-rsa included), or if the signature does not verify.
  Bytes sign(std::string_view algorithm, ByteView data) const;

  const Botan::Private_Key& botan_key() const { return *key_; }

 private:
  KeyType type_;
  std::unique_ptr<Botan::Private_Key> key_;
  std::string comment_;
  PublicKey public_key_;
};

}  // namespace wharf::keys
