// A small command-line front end to //transport/keys for the interop test (keys_interop_test.py),
// which checks our files and signatures against ssh-keygen and paramiko.
//   keytool generate TYPE PATH           TYPE: ed25519 ecdsa256 ecdsa384 ecdsa521 rsa
//   keytool fingerprint PRIVATE_KEY      prints the `ssh-keygen -l` line
//   keytool pubfingerprint PUB_FILE      the same for a .pub line
//   keytool publine PRIVATE_KEY          prints "type base64 comment"
//   keytool sign PRIVATE_KEY ALG DATA OUT   writes the SSH signature blob
//   keytool verify PUB_FILE ALG DATA SIG    exit 0 iff the signature verifies
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <string>

#include "transport/keys/host_key.h"
#include "transport/keys/public_key.h"

namespace {

using wharf::keys::HostKey;
using wharf::keys::KeyType;
using wharf::keys::PublicKey;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

int run(int argc, char** argv) {
  const std::string cmd = argc > 1 ? argv[1] : "";
  if (cmd == "generate" && argc == 4) {
    static const std::map<std::string, KeyType> kTypes = {{"ed25519", KeyType::kEd25519},
                                                          {"ecdsa256", KeyType::kEcdsaP256},
                                                          {"ecdsa384", KeyType::kEcdsaP384},
                                                          {"ecdsa521", KeyType::kEcdsaP521},
                                                          {"rsa", KeyType::kRsa}};
    HostKey::generate(kTypes.at(argv[2]), "wharf-test").save(argv[3]);
    return 0;
  }
  if (cmd == "fingerprint" && argc == 3) {
    std::cout << HostKey::load(argv[2]).public_key().fingerprint_line() << "\n";
    return 0;
  }
  if (cmd == "pubfingerprint" && argc == 3) {
    std::cout << PublicKey::parse_line(slurp(argv[2])).fingerprint_line() << "\n";
    return 0;
  }
  if (cmd == "publine" && argc == 3) {
    std::cout << HostKey::load(argv[2]).public_key().to_line() << "\n";
    return 0;
  }
  if (cmd == "sign" && argc == 6) {
    const std::string data = slurp(argv[4]);
    auto sig = HostKey::load(argv[2]).sign(argv[3], wharf::wire::as_bytes(data));
    std::ofstream(argv[5], std::ios::binary)
        .write(reinterpret_cast<const char*>(sig.data()), static_cast<std::streamsize>(sig.size()));
    return 0;
  }
  if (cmd == "verify" && argc == 6) {
    const std::string data = slurp(argv[4]);
    const std::string sig = slurp(argv[5]);
    PublicKey key = PublicKey::parse_line(slurp(argv[2]));
    return key.verify(argv[3], wharf::wire::as_bytes(data), wharf::wire::as_bytes(sig)) ? 0 : 1;
  }
  std::cerr << "usage: see keytool.cc\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "keytool: " << e.what() << "\n";
    return 3;
  }
}
