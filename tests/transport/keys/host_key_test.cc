#include "transport/keys/host_key.h"

#include <botan/base64.h>
#include <botan/der_enc.h>
#include <botan/ecdsa.h>
#include <botan/pem.h>
#include <botan/pk_keys.h>
#include <botan/pkcs8.h>
#include <botan/system_rng.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace wharf::keys {
namespace {

std::string tmp_path(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/" + name;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string as_string(const Botan::secure_vector<uint8_t>& v) {
  return std::string(v.begin(), v.end());
}

// One RSA key for the whole binary: generation is slow, especially under ASan.
const HostKey& rsa_key() {
  static const HostKey key = HostKey::generate(KeyType::kRsa, "rsa", 2048);
  return key;
}

class EveryType : public ::testing::TestWithParam<KeyType> {
 protected:
  HostKey make() const {
    if (GetParam() == KeyType::kRsa) return HostKey::parse(as_string(rsa_key().to_openssh()));
    return HostKey::generate(GetParam(), "comment here");
  }
};

TEST_P(EveryType, SignsEveryAlgorithmAndRefusesOthers) {
  HostKey key = make();
  const Bytes data = {'h', 'e', 'l', 'l', 'o'};
  std::vector<std::string> algs = key.algorithms(true);
  ASSERT_FALSE(algs.empty());
  for (const auto& alg : algs) {
    Bytes sig = key.sign(alg, data);
    EXPECT_TRUE(key.public_key().verify(alg, data, sig)) << alg;
    EXPECT_FALSE(key.public_key().verify(alg, Bytes{'h'}, sig)) << alg;
    wire::Reader r{ByteView(sig)};
    EXPECT_EQ(r.text("alg"), alg);
    ByteView inner = r.string("sig");
    if (GetParam() == KeyType::kRsa) {
      EXPECT_EQ(inner.size(), 256u);  // the modulus length, RFC 8332 section 3
    }
    if (GetParam() == KeyType::kEd25519) {
      EXPECT_EQ(inner.size(), 64u);
    }
  }
  EXPECT_THROW(key.sign("ssh-dss", data), KeyError);
  const std::string foreign = GetParam() == KeyType::kEd25519 ? "rsa-sha2-256" : "ssh-ed25519";
  EXPECT_THROW(key.sign(foreign, data), KeyError);
}

TEST_P(EveryType, OpensshFileRoundTrip) {
  HostKey key = make();
  const std::string text = as_string(key.to_openssh());
  EXPECT_EQ(text.rfind("-----BEGIN OPENSSH PRIVATE KEY-----\n", 0), 0u);
  HostKey back = HostKey::parse(text);
  EXPECT_EQ(back.type(), key.type());
  EXPECT_EQ(back.public_blob(), key.public_blob());
  EXPECT_EQ(back.comment(), key.comment());
  const Bytes data = {1, 2, 3};
  const std::string alg = key.algorithms().front();
  EXPECT_TRUE(key.public_key().verify(alg, data, back.sign(alg, data)));
}

INSTANTIATE_TEST_SUITE_P(Keys, EveryType,
                         ::testing::Values(KeyType::kEd25519, KeyType::kEcdsaP256,
                                           KeyType::kEcdsaP384, KeyType::kEcdsaP521,
                                           KeyType::kRsa));

TEST(HostKey, AlgorithmsOfferSshRsaOnlyWhenAsked) {
  EXPECT_EQ(rsa_key().algorithms(), (std::vector<std::string>{"rsa-sha2-512", "rsa-sha2-256"}));
  EXPECT_EQ(rsa_key().algorithms(true),
            (std::vector<std::string>{"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"}));
  EXPECT_EQ(HostKey::generate(KeyType::kEcdsaP521).algorithms(),
            std::vector<std::string>{"ecdsa-sha2-nistp521"});
}

// Decodes our file by hand following PROTOCOL.key and checks its layout.
TEST(HostKey, FileLayoutFollowsProtocolKey) {
  HostKey key = HostKey::generate(KeyType::kEd25519, "layout");
  std::string text = as_string(key.to_openssh());
  const std::string begin = "-----BEGIN OPENSSH PRIVATE KEY-----\n";
  const std::string end = "-----END OPENSSH PRIVATE KEY-----\n";
  ASSERT_EQ(text.substr(text.size() - end.size()), end);
  std::string body = text.substr(begin.size(), text.size() - begin.size() - end.size());
  size_t start = 0;
  while (start < body.size()) {
    size_t nl = body.find('\n', start);
    EXPECT_LE(nl - start, 70u);
    start = nl + 1;
  }
  auto bin = Botan::base64_decode(body);
  wire::Reader r(ByteView(bin.data(), bin.size()));
  EXPECT_EQ(wire::as_text(r.raw(15, "magic")), std::string_view("openssh-key-v1\0", 15));
  EXPECT_EQ(r.text("cipher"), "none");
  EXPECT_EQ(r.text("kdf"), "none");
  EXPECT_EQ(r.string("kdfoptions").size(), 0u);
  EXPECT_EQ(r.u32("n"), 1u);
  EXPECT_TRUE(std::ranges::equal(r.string("pub"), key.public_blob()));
  wire::Reader p = r.sub_string("private");
  r.expect_end("file");
  EXPECT_EQ(p.remaining() % 8, 0u);
  EXPECT_EQ(p.u32("check1"), p.u32("check2"));
  EXPECT_EQ(p.text("type"), "ssh-ed25519");
  ByteView pk = p.string("pk");
  ByteView sk = p.string("sk");
  ASSERT_EQ(sk.size(), 64u);
  EXPECT_TRUE(std::ranges::equal(sk.subspan(32), pk));
  EXPECT_EQ(p.text("comment"), "layout");
  ByteView pad = p.rest();
  for (size_t i = 0; i < pad.size(); ++i) EXPECT_EQ(pad[i], i + 1);
}

TEST(HostKey, SaveWritesMode0600AndPubFile) {
  const std::string path = tmp_path("saved_key");
  HostKey key = HostKey::generate(KeyType::kEcdsaP256, "saved");
  key.save(path);
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(slurp(path + ".pub"), key.public_key().to_line() + "\n");
  EXPECT_EQ(HostKey::load(path).public_blob(), key.public_blob());
  EXPECT_THROW(HostKey::load(path + ".missing"), KeyError);
}

TEST(HostKey, LoadOrGenerateKeepsTheFirstKey) {
  const std::string path = tmp_path("first_start_key");
  ::unlink(path.c_str());
  HostKey first = HostKey::load_or_generate(path, KeyType::kEd25519);
  HostKey second = HostKey::load_or_generate(path, KeyType::kEd25519);
  EXPECT_EQ(first.public_blob(), second.public_blob());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// Re-armours a modified binary body.
std::string rearmor(const Botan::secure_vector<uint8_t>& bin) {
  return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + Botan::base64_encode(bin) +
         "\n-----END OPENSSH PRIVATE KEY-----\n";
}

std::string error_of(const std::string& text) {
  try {
    HostKey::parse(text);
  } catch (const KeyError& e) {
    return e.what();
  }
  return "no error";
}

TEST(HostKey, RefusesEncryptedAndCorruptFiles) {
  HostKey key = HostKey::generate(KeyType::kEd25519, "x");
  std::string text = as_string(key.to_openssh());
  const std::string body = text.substr(36, text.size() - 36 - 34);
  const auto bin = Botan::base64_decode(body);
  ASSERT_EQ(error_of(rearmor(bin)), "no error");

  // cipher "none" -> "aes256-ctr" (same length as a string? no: rebuild the prefix).
  Botan::secure_vector<uint8_t> enc(bin.begin(), bin.begin() + 15);
  const std::string cipher = "aes256-ctr";
  enc.insert(enc.end(), {0, 0, 0, static_cast<uint8_t>(cipher.size())});
  enc.insert(enc.end(), cipher.begin(), cipher.end());
  enc.insert(enc.end(), bin.begin() + 15 + 8, bin.end());
  EXPECT_NE(error_of(rearmor(enc)).find("encrypted"), std::string::npos);

  // The check-ints sit right after the private section's length.
  const size_t pub_len = key.public_blob().size();
  const size_t check = 15 + 8 + 8 + 4 + 4 + 4 + pub_len + 4;
  Botan::secure_vector<uint8_t> bad_check = bin;
  bad_check[check] ^= 1;
  EXPECT_NE(error_of(rearmor(bad_check)).find("check-int"), std::string::npos);

  Botan::secure_vector<uint8_t> bad_pad = bin;
  bad_pad.back() ^= 0x40;
  EXPECT_NE(error_of(rearmor(bad_pad)), "no error");

  EXPECT_NE(error_of(text.substr(0, text.size() / 2)), "no error");
  EXPECT_NE(error_of("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE "
                     "KEY-----\n")
                .find("encrypted"),
            std::string::npos);
  EXPECT_NE(error_of("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: "
                     "AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n")
                .find("encrypted"),
            std::string::npos);
  EXPECT_NE(error_of("not a key"), "no error");
}

TEST(HostKey, MutatedFilesNeverCrash) {
  HostKey key = HostKey::generate(KeyType::kEcdsaP256, "m");
  std::string text = as_string(key.to_openssh());
  const std::string body = text.substr(36, text.size() - 36 - 34);
  const auto bin = Botan::base64_decode(body);
  size_t accepted = 0;
  for (size_t i = 0; i < bin.size(); ++i) {
    Botan::secure_vector<uint8_t> m = bin;
    m[i] ^= 0x21;
    if (error_of(rearmor(m)) == "no error") ++accepted;
    Botan::secure_vector<uint8_t> cut(bin.begin(), bin.begin() + i);
    EXPECT_NE(error_of(rearmor(cut)), "no error") << i;
  }
  // Only a changed comment byte ("m") still loads; every other byte is checked.
  EXPECT_LE(accepted, 1u);
}

}  // namespace
}  // namespace wharf::keys

namespace wharf::keys {
namespace {

struct PemCase {
  std::string label;
  Botan::secure_vector<uint8_t> der;
  Bytes public_blob;
};

// RFC 5915 ECPrivateKey with the curve OID and public key, as OpenSSL writes it (Botan's own
// private_key_bits() leaves the curve to the PKCS#8 wrapper).
Botan::secure_vector<uint8_t> sec1(const Botan::ECDSA_PrivateKey& k) {
  Botan::DER_Encoder der;
  der.start_cons(Botan::SEQUENCE)
      .encode(size_t{1})
      .encode(Botan::BigInt::encode_1363(k.private_value(), k.domain().get_order_bytes()),
              Botan::OCTET_STRING)
      .start_explicit(0)
      .encode(k.domain().get_curve_oid())
      .end_explicit()
      .start_explicit(1)
      .encode(k.public_point().encode(Botan::PointGFp::UNCOMPRESSED), Botan::BIT_STRING)
      .end_explicit()
      .end_cons();
  return der.get_contents();
}

// The PEM forms OpenSSL writes, made here with Botan from keys of ours.
std::vector<PemCase> pem_cases() {
  std::vector<PemCase> cases;
  HostKey ed = HostKey::generate(KeyType::kEd25519);
  cases.push_back({"PRIVATE KEY", Botan::PKCS8::BER_encode(ed.botan_key()), ed.public_blob()});
  HostKey ec = HostKey::generate(KeyType::kEcdsaP384);
  cases.push_back({"PRIVATE KEY", Botan::PKCS8::BER_encode(ec.botan_key()), ec.public_blob()});
  cases.push_back({"EC PRIVATE KEY",
                   sec1(dynamic_cast<const Botan::ECDSA_PrivateKey&>(ec.botan_key())),
                   ec.public_blob()});
  // A public point that is not the private scalar's is caught when loading.
  Botan::ECDSA_PrivateKey other(Botan::system_rng(), Botan::EC_Group("secp384r1"));
  Botan::ECDSA_PrivateKey mixed(
      Botan::system_rng(), Botan::EC_Group("secp384r1"),
      dynamic_cast<const Botan::ECDSA_PrivateKey&>(ec.botan_key()).private_value());
  Botan::secure_vector<uint8_t> mixed_der = sec1(mixed);
  Botan::secure_vector<uint8_t> other_der = sec1(other);
  // Swap in the other key's public point (the last 97 bytes: 0x04 || X || Y).
  std::copy(other_der.end() - 97, other_der.end(), mixed_der.end() - 97);
  EXPECT_NE(error_of(Botan::PEM_Code::encode(mixed_der, "EC PRIVATE KEY")).find("does not match"),
            std::string::npos);
  // Without the curve the key cannot be used.
  EXPECT_NE(error_of(Botan::PEM_Code::encode(ec.botan_key().private_key_bits(), "EC PRIVATE KEY"))
                .find("curve"),
            std::string::npos);
  cases.push_back(
      {"RSA PRIVATE KEY", rsa_key().botan_key().private_key_bits(), rsa_key().public_blob()});
  return cases;
}

TEST(PemKeys, LoadAndSurviveMutation) {
  for (const PemCase& c : pem_cases()) {
    SCOPED_TRACE(c.label);
    HostKey key = HostKey::parse(Botan::PEM_Code::encode(c.der, c.label));
    EXPECT_EQ(key.public_blob(), c.public_blob);
    const Bytes data = {9, 9};
    const std::string alg = key.algorithms().front();
    EXPECT_TRUE(key.public_key().verify(alg, data, key.sign(alg, data)));
    // Every truncation fails; byte changes either fail or load a key whose signatures verify.
    const size_t step = c.der.size() > 200 ? c.der.size() / 97 : 1;
    for (size_t i = 0; i < c.der.size(); i += step) {
      Botan::secure_vector<uint8_t> cut(c.der.begin(), c.der.begin() + i);
      EXPECT_NE(error_of(Botan::PEM_Code::encode(cut, c.label)), "no error") << i;
      Botan::secure_vector<uint8_t> m = c.der;
      m[i] ^= 0x10;
      try {
        HostKey k = HostKey::parse(Botan::PEM_Code::encode(m, c.label));
        const std::string a = k.algorithms().front();
        EXPECT_TRUE(k.public_key().verify(a, data, k.sign(a, data)));
      } catch (const KeyError&) {
      }
    }
  }
}

}  // namespace
}  // namespace wharf::keys
