#include "transport/keys/public_key.h"

#include <botan/bigint.h>
#include <botan/hex.h>
#include <botan/system_rng.h>
#include <gtest/gtest.h>

#include "transport/keys/host_key.h"

namespace wharf::keys {
namespace {

Bytes blob_of(std::initializer_list<std::pair<bool, Bytes>> fields) {
  // Each field: (is_text, bytes) written as an SSH string.
  wire::Writer w;
  for (const auto& f : fields) w.string(ByteView(f.second));
  return w.take();
}

Bytes text(std::string_view s) { return Bytes(s.begin(), s.end()); }

// RFC 8032 section 7.1, TEST 2 (one-byte message 0x72).
constexpr char kRfc8032Pk[] = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
constexpr char kRfc8032Sig[] =
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00";

TEST(PublicKey, Ed25519KnownAnswerSignature) {
  Bytes blob = blob_of({{true, text("ssh-ed25519")}, {false, Botan::hex_decode(kRfc8032Pk)}});
  PublicKey key = PublicKey::parse(blob);
  EXPECT_EQ(key.type(), "ssh-ed25519");
  EXPECT_EQ(key.bits(), 256u);
  Bytes sig = blob_of({{true, text("ssh-ed25519")}, {false, Botan::hex_decode(kRfc8032Sig)}});
  const Bytes msg = {0x72};
  EXPECT_TRUE(key.verify("ssh-ed25519", msg, sig));
  EXPECT_FALSE(key.verify("ssh-ed25519", Bytes{0x73}, sig));
  EXPECT_FALSE(key.verify("rsa-sha2-256", msg, sig));  // algorithm must fit the key
  Bytes bad = sig;
  bad[bad.size() - 40] ^= 1;
  EXPECT_FALSE(key.verify("ssh-ed25519", msg, bad));
  Bytes trailing = sig;
  trailing.push_back(0);
  EXPECT_FALSE(key.verify("ssh-ed25519", msg, trailing));
}

TEST(PublicKey, FingerprintLineFormat) {
  PublicKey key = PublicKey::parse(
      blob_of({{true, text("ssh-ed25519")}, {false, Botan::hex_decode(kRfc8032Pk)}}));
  // "SHA256:" and 43 unpadded base64 characters of a 32-byte digest.
  const std::string fp = key.fingerprint();
  ASSERT_EQ(fp.size(), 7u + 43u);
  EXPECT_EQ(fp.substr(0, 7), "SHA256:");
  for (char c : fp.substr(7))
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/') << fp;
  EXPECT_EQ(key.fingerprint_line(), "256 " + key.fingerprint() + " no comment (ED25519)");
  key.set_comment("alice@example");
  EXPECT_EQ(key.fingerprint_line(), "256 " + key.fingerprint() + " alice@example (ED25519)");
}

TEST(PublicKey, LineRoundTripAndErrors) {
  HostKey host = HostKey::generate(KeyType::kEcdsaP384, "two words");
  const std::string line = host.public_key().to_line();
  PublicKey key = PublicKey::parse_line(line + "\r\n");
  EXPECT_EQ(key.blob(), host.public_blob());
  EXPECT_EQ(key.comment(), "two words");
  EXPECT_EQ(key.bits(), 384u);
  EXPECT_EQ(key.fingerprint_line(), "384 " + key.fingerprint() + " two words (ECDSA)");
  EXPECT_EQ(PublicKey::parse_line("  \t" + line).blob(), host.public_blob());
  std::string wrong_type = line;
  wrong_type.replace(wrong_type.find("nistp384"), 8, "nistp256");
  EXPECT_THROW(PublicKey::parse_line(wrong_type), KeyError);
  EXPECT_THROW(PublicKey::parse_line("ssh-ed25519 !!!notbase64"), KeyError);
  EXPECT_THROW(PublicKey::parse_line("ssh-ed25519"), KeyError);
  EXPECT_THROW(PublicKey::parse_line(""), KeyError);
  EXPECT_THROW(PublicKey::parse_line(std::string(20000, 'A')), KeyError);
}

Bytes rsa_blob(const Botan::BigInt& e, const Botan::BigInt& n) {
  wire::Writer w;
  w.string("ssh-rsa");
  w.mpint_unsigned(ByteView(Botan::BigInt::encode(e)));
  w.mpint_unsigned(ByteView(Botan::BigInt::encode(n)));
  return w.take();
}

TEST(PublicKey, RsaPolicy) {
  auto& rng = Botan::system_rng();
  Botan::BigInt n1024(rng, 1024);
  n1024.set_bit(0);
  n1024.set_bit(1023);
  EXPECT_THROW(PublicKey::parse(rsa_blob(65537, n1024)), KeyError);
  Botan::BigInt n2048(rng, 2048);
  n2048.set_bit(0);
  n2048.set_bit(2047);
  EXPECT_EQ(PublicKey::parse(rsa_blob(65537, n2048)).bits(), 2048u);
  EXPECT_THROW(PublicKey::parse(rsa_blob(65536, n2048)), KeyError);  // even exponent
  EXPECT_THROW(PublicKey::parse(rsa_blob(1, n2048)), KeyError);
  EXPECT_THROW(PublicKey::parse(rsa_blob(65537, n2048 + 1)), KeyError);  // even modulus
  // Exponents up to 64 bits; a longer one only makes verifying expensive.
  Botan::BigInt e64 = Botan::BigInt::power_of_2(63) + 1;
  EXPECT_EQ(PublicKey::parse(rsa_blob(e64, n2048)).bits(), 2048u);
  EXPECT_THROW(PublicKey::parse(rsa_blob(Botan::BigInt::power_of_2(64) + 1, n2048)), KeyError);
  EXPECT_THROW(PublicKey::parse(rsa_blob(Botan::BigInt::power_of_2(511) + 1, n2048)), KeyError);
}

TEST(PublicKey, EcdsaCurveAndPointChecked) {
  HostKey host = HostKey::generate(KeyType::kEcdsaP256);
  wire::Reader r2(ByteView(host.public_blob()));
  r2.string("type");
  r2.string("curve");
  ByteView q = r2.string("point");
  Bytes off(q.begin(), q.end());
  off.back() ^= 1;
  EXPECT_THROW(PublicKey::parse(blob_of(
                   {{true, text("ecdsa-sha2-nistp256")}, {true, text("nistp256")}, {false, off}})),
               KeyError);
  EXPECT_THROW(PublicKey::parse(blob_of({{true, text("ecdsa-sha2-nistp256")},
                                         {true, text("nistp384")},
                                         {false, Bytes(q.begin(), q.end())}})),
               KeyError);
  EXPECT_NO_THROW(PublicKey::parse(blob_of({{true, text("ecdsa-sha2-nistp256")},
                                            {true, text("nistp256")},
                                            {false, Bytes(q.begin(), q.end())}})));
  EXPECT_THROW(PublicKey::parse(blob_of({{true, text("ssh-dss")}, {false, Bytes(20, 1)}})),
               KeyError);
}

// Every truncation and every single-byte change of real blobs either parses or throws KeyError;
// signatures over mutated signature blobs never verify and never throw.
TEST(PublicKey, TruncatedAndMutatedBlobsNeverCrash) {
  std::vector<HostKey> keys;
  keys.push_back(HostKey::generate(KeyType::kEd25519));
  keys.push_back(HostKey::generate(KeyType::kEcdsaP256));
  keys.push_back(HostKey::generate(KeyType::kEcdsaP521));
  keys.push_back(HostKey::generate(KeyType::kRsa, "", 2048));
  const Bytes data = {1, 2, 3};
  for (const HostKey& k : keys) {
    const Bytes& blob = k.public_blob();
    for (size_t n = 0; n < blob.size(); ++n) {
      EXPECT_THROW(PublicKey::parse(ByteView(blob.data(), n)), KeyError) << n;
    }
    Bytes extended = blob;
    extended.push_back(0);
    EXPECT_THROW(PublicKey::parse(extended), KeyError);
    size_t parsed = 0;
    for (size_t i = 0; i < blob.size(); ++i) {
      for (uint8_t x : {0x01, 0x80, 0xff}) {
        Bytes m = blob;
        m[i] ^= x;
        try {
          PublicKey::parse(m);
          ++parsed;
        } catch (const KeyError&) {
        }
      }
    }
    EXPECT_LT(parsed, blob.size() * 3);
    const std::string alg = k.algorithms().front();
    const Bytes sig = k.sign(alg, data);
    ASSERT_TRUE(k.public_key().verify(alg, data, sig));
    for (size_t i = 0; i < sig.size(); ++i) {
      Bytes m = sig;
      m[i] ^= 0x01;
      EXPECT_FALSE(k.public_key().verify(alg, data, m)) << alg << " byte " << i;
      EXPECT_FALSE(k.public_key().verify(alg, data, ByteView(sig.data(), i)));
    }
  }
}

}  // namespace
}  // namespace wharf::keys
