#include "transport/keys/openssh_key_file.h"

#include <botan/base64.h>
#include <botan/ec_group.h>
#include <botan/ecdsa.h>
#include <botan/ed25519.h>
#include <botan/mem_ops.h>
#include <botan/rsa.h>
#include <botan/system_rng.h>

#include "transport/keys/key_codec.h"
#include "transport/keys/pem_armor.h"
#include "transport/keys/secure_writer.h"

namespace wharf::keys {

namespace {

using wire::Reader;

constexpr std::string_view kMagic("openssh-key-v1\0", 15);
constexpr size_t kBlockSize = 8;  // cipher "none"
constexpr size_t kMaxComment = 1024;

Botan::BigInt read_mpint(Reader& r, const char* what) {
  ByteView v = r.mpint_unsigned(what, kMaxRsaBits / 8);
  return Botan::BigInt(v.data(), v.size());
}

std::unique_ptr<Botan::Private_Key> read_ed25519(Reader& r) {
  ByteView pk = r.string("ed25519 public key", 64);
  ByteView sk = r.string("ed25519 private key", 128);
  // The 64-byte private half is seed || public key; derive from the seed and compare.
  if (pk.size() != 32 || sk.size() != 64 || !Botan::same_mem(sk.data() + 32, pk.data(), 32)) {
    throw KeyError("malformed ed25519 private key");
  }
  Botan::secure_vector<uint8_t> seed(sk.begin(), sk.begin() + 32);
  auto key = std::make_unique<Botan::Ed25519_PrivateKey>(seed);
  if (!Botan::same_mem(key->get_public_key().data(), pk.data(), 32)) {
    throw KeyError("ed25519 private key does not match its public key");
  }
  return key;
}

std::unique_ptr<Botan::Private_Key> read_ecdsa(Reader& r, KeyType type) {
  const KeyTypeInfo& info = key_info(type);
  if (r.text("ecdsa curve", wire::kMaxName) != info.curve) throw KeyError("ecdsa curve mismatch");
  ByteView q = r.string("ecdsa point", 256);
  Botan::EC_Group group{std::string(info.botan_curve)};
  ByteView d_bytes = r.mpint_unsigned("ecdsa private scalar", group.get_order_bytes());
  Botan::BigInt d(d_bytes.data(), d_bytes.size());
  if (d < 1 || d >= group.get_order()) throw KeyError("ecdsa private scalar out of range");
  auto key = std::make_unique<Botan::ECDSA_PrivateKey>(Botan::system_rng(), group, d);
  if (key->public_point() != decode_ec_point(group, q)) {
    throw KeyError("ecdsa private key does not match its public key");
  }
  return key;
}

std::unique_ptr<Botan::Private_Key> read_rsa(Reader& r) {
  Botan::BigInt n = read_mpint(r, "rsa n");
  Botan::BigInt e = read_mpint(r, "rsa e");
  Botan::BigInt d = read_mpint(r, "rsa d");
  read_mpint(r, "rsa iqmp");  // Botan recomputes q^-1 mod p
  Botan::BigInt p = read_mpint(r, "rsa p");
  Botan::BigInt q = read_mpint(r, "rsa q");
  if (n.bits() < kMinRsaBits) throw KeyError("rsa key is smaller than 2048 bits");
  if (p < 3 || q < 3 || p * q != n || e < 3 || d < 1) throw KeyError("inconsistent rsa key");
  auto key = std::make_unique<Botan::RSA_PrivateKey>(p, q, e, d, n);
  if (!key->check_key(Botan::system_rng(), false)) throw KeyError("inconsistent rsa key");
  return key;
}

void check_padding(const Reader& r) {
  ByteView pad = r.rest();
  if (pad.size() >= kBlockSize) throw KeyError("bad private key padding");
  for (size_t i = 0; i < pad.size(); ++i) {
    if (pad[i] != i + 1) throw KeyError("bad private key padding");
  }
}

HostKey read_private_section(ByteView section, ByteView public_blob) {
  if (section.size() % kBlockSize != 0) throw KeyError("private section is not block aligned");
  Reader r(section);
  uint32_t check1 = r.u32("check-int");
  uint32_t check2 = r.u32("check-int");
  if (check1 != check2) throw KeyError("private key check-ints differ (corrupt file)");
  auto type = key_type_by_name(r.text("key type", wire::kMaxName));
  if (!type) throw KeyError("unsupported private key type");
  std::unique_ptr<Botan::Private_Key> key;
  if (*type == KeyType::kEd25519) {
    key = read_ed25519(r);
  } else if (is_ecdsa(*type)) {
    key = read_ecdsa(r, *type);
  } else {
    key = read_rsa(r);
  }
  std::string comment(r.text("comment", kMaxComment));
  check_padding(r);
  HostKey host_key(*type, std::move(key), std::move(comment));
  if (!std::equal(public_blob.begin(), public_blob.end(), host_key.public_blob().begin(),
                  host_key.public_blob().end())) {
    throw KeyError("private key does not match the file's public key");
  }
  return host_key;
}

void write_private_fields(SecureWriter& w, const HostKey& key) {
  const Botan::Private_Key& k = key.botan_key();
  const KeyTypeInfo& info = key_info(key.type());
  if (key.type() == KeyType::kEd25519) {
    const auto& ed = dynamic_cast<const Botan::Ed25519_PrivateKey&>(k);
    w.string(ByteView(ed.get_public_key()));
    w.string(ByteView(ed.get_private_key()));  // seed || public key, as OpenSSH stores it
  } else if (is_ecdsa(key.type())) {
    const auto& ec = dynamic_cast<const Botan::ECDSA_PrivateKey&>(k);
    w.string(info.curve);
    w.string(ByteView(ec.public_point().encode(Botan::PointGFp::UNCOMPRESSED)));
    w.mpint(ec.private_value());
  } else {
    const auto& rsa = dynamic_cast<const Botan::RSA_PrivateKey&>(k);
    w.mpint(rsa.get_n()).mpint(rsa.get_e()).mpint(rsa.get_d());
    w.mpint(rsa.get_c()).mpint(rsa.get_p()).mpint(rsa.get_q());  // get_c() is q^-1 mod p
  }
}

}  // namespace

HostKey parse_openssh_key(std::string_view text) {
  Botan::secure_vector<uint8_t> bin = pem_dearmor(text, kOpensshArmorLabel);
  try {
    Reader r(ByteView(bin.data(), bin.size()));
    if (wire::as_text(r.raw(kMagic.size(), "magic")) != kMagic) {
      throw KeyError("not an OpenSSH private key");
    }
    std::string_view cipher = r.text("cipher name", wire::kMaxName);
    std::string_view kdf = r.text("kdf name", wire::kMaxName);
    ByteView kdf_options = r.string("kdf options", 1024);
    if (cipher != "none" || kdf != "none") {
      throw KeyError("encrypted private keys are not supported (decrypt with ssh-keygen -p)");
    }
    if (!kdf_options.empty()) throw KeyError("unexpected kdf options");
    if (r.u32("number of keys") != 1) throw KeyError("only one key per file is supported");
    ByteView public_blob = r.string("public key", kMaxKeyBlob);
    ByteView section = r.string("private section", 64 * 1024);
    r.expect_end("private key file");
    return read_private_section(section, public_blob);
  } catch (const wire::DecodeError& e) {
    throw KeyError(std::string("malformed OpenSSH private key: ") + e.what());
  } catch (const Botan::Exception& e) {
    throw KeyError(std::string("invalid OpenSSH private key: ") + e.what());
  }
}

Botan::secure_vector<uint8_t> encode_openssh_key(const HostKey& key) {
  SecureWriter priv;
  uint32_t check = 0;
  Botan::system_rng().randomize(reinterpret_cast<uint8_t*>(&check), sizeof check);
  priv.u32(check).u32(check);
  priv.string(key_info(key.type()).name);
  write_private_fields(priv, key);
  priv.string(key.comment());
  for (uint8_t pad = 1; priv.size() % kBlockSize != 0; ++pad) priv.raw(ByteView(&pad, 1));

  SecureWriter file;
  file.raw(wire::as_bytes(kMagic));
  file.string("none").string("none").string(ByteView());
  file.u32(1);
  file.string(ByteView(key.public_blob()));
  file.string(ByteView(priv.buffer().data(), priv.size()));
  return pem_armor(ByteView(file.buffer().data(), file.size()), kOpensshArmorLabel, 70);
}

}  // namespace wharf::keys
