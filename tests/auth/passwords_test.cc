// Password hashes: Argon2id and bcrypt (made by Botan here and by independent tools), crypt(3)
// hashes from the shadow file, and the constant-shape check_password paths.
#include "auth/passwords.h"

#include <botan/auto_rng.h>
#include <botan/bcrypt.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "auth/users.h"

namespace wharf::auth {
namespace {

constexpr char kPassword[] = "correct horse";

// Made with the reference implementation's CLI (Debian package argon2, phc-winner-argon2):
//   echo -n "correct horse" | argon2 wharfsaltwharfsalt -id -m 12 -t 2 -p 1 -e
constexpr char kRefArgon2idA[] =
    "$argon2id$v=19$m=4096,t=2,p=1$d2hhcmZzYWx0d2hhcmZzYWx0$"
    "fDdZa52iHGXazZpwxfHbxxxbmoDY0GuXC3l+xS67tiA";
//   echo -n "correct horse" | argon2 wharfsaltwharfsalt -id -m 10 -t 3 -p 2 -e
constexpr char kRefArgon2idB[] =
    "$argon2id$v=19$m=1024,t=3,p=2$d2hhcmZzYWx0d2hhcmZzYWx0$"
    "Ok0tgk0M5/zTdvw9Om3Zr8ZML8aQoLzmc0PHzNAkVbk";
// Made with python3-bcrypt 3.2: bcrypt.hashpw(b"correct horse", bcrypt.gensalt(6)) and
// gensalt(5, prefix=b"2a").
constexpr char kRefBcrypt2b[] = "$2b$06$CToWaOzRZ.9Rf56xiG2SZ.hqWADYWW.wakIZe53tdY264hm6aLKQq";
constexpr char kRefBcrypt2a[] = "$2a$05$Et/fQITNP9HAur9ojmX42euFxzHTzjWSf9zo1eLOjcmKSEyin8872";
// Made with OpenSSL 3.0: openssl passwd -6 (and -5) -salt wharfsalt hunter2.
constexpr char kRefSha512Crypt[] =
    "$6$wharfsalt$.2nNznm9cVlFJjvSzri.qArlBeBlQqAZz/ph/eQOb58yp03RNfjSVWfoyxknw9MiiLxJiPv4Pi6Xw"
    "I/j36Azj0";
constexpr char kRefSha256Crypt[] = "$5$wharfsalt$gudX5mqodSIlrg8hOH8AALq.MSyoW1LqezG8YqOdF37";

// Runs a shell command and returns its first output line ("" if it fails).
std::string run(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(cmd.c_str(), "r"), ::pclose);
  if (!p) return "";
  char buf[512] = {0};
  if (std::fgets(buf, sizeof buf, p.get()) == nullptr) return "";
  std::string s = buf;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

TEST(Argon2id, BotanHashRoundTrip) {
  Botan::AutoSeeded_RNG rng;
  const std::string h = hash_password(kPassword, rng, {1024, 1, 1});
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0), 0u) << h;
  EXPECT_TRUE(verify_password_hash(h, kPassword));
  EXPECT_FALSE(verify_password_hash(h, "correct horsE"));
  EXPECT_FALSE(verify_password_hash(h, ""));
  EXPECT_NE(hash_password(kPassword, rng, {1024, 1, 1}), h);  // fresh salt every time
}

TEST(Argon2id, DefaultParametersAreWhatWharfPasswdWrites) {
  Botan::AutoSeeded_RNG rng;
  const std::string h = hash_password("x", rng);
  EXPECT_EQ(h.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << h;
  EXPECT_TRUE(verify_password_hash(h, "x"));
}

TEST(Argon2id, ReferenceImplementationHashes) {
  for (const char* h : {kRefArgon2idA, kRefArgon2idB}) {
    EXPECT_TRUE(verify_password_hash(h, kPassword)) << h;
    EXPECT_FALSE(verify_password_hash(h, "correct horse ")) << h;
  }
}

TEST(Argon2id, MalformedAndUnboundedHashesAreRejected) {
  const std::string tail = "$d2hhcmZzYWx0d2hhcmZzYWx0$fDdZa52iHGXazZpwxfHbxxxbmoDY0GuXC3l+xS67tiA";
  for (const std::string& h :
       {"$argon2id$v=19$m=2000000,t=2,p=1" + tail, "$argon2id$v=19$m=4096,t=65,p=1" + tail,
        "$argon2id$v=19$m=4096,t=2,p=17" + tail, "$argon2id$v=19$m=4096,t=0,p=1" + tail,
        "$argon2id$v=19$t=2,m=4096,p=1" + tail, std::string("$argon2id$"),
        std::string("$argon2id$v=19$m=4096,t=2,p=1$!!$!!"),
        std::string("$argon2i$v=19$m=4096,t=2,p=1") + tail, std::string(""),
        std::string("plaintext")}) {
    EXPECT_FALSE(verify_password_hash(h, kPassword)) << h;
  }
}

TEST(Bcrypt, BotanAndReferenceHashes) {
  Botan::AutoSeeded_RNG rng;
  const std::string h = Botan::generate_bcrypt(kPassword, rng, 5, 'b');
  EXPECT_TRUE(verify_password_hash(h, kPassword));
  EXPECT_FALSE(verify_password_hash(h, "wrong"));
  for (const char* ref : {kRefBcrypt2b, kRefBcrypt2a}) {
    EXPECT_TRUE(verify_password_hash(ref, kPassword)) << ref;
    EXPECT_FALSE(verify_password_hash(ref, "Correct horse")) << ref;
  }
  EXPECT_FALSE(verify_password_hash("$2b$06$tooshort", kPassword));
  EXPECT_FALSE(verify_password_hash(kRefBcrypt2b, std::string("correct horse\0x", 15)));
}

TEST(Bcrypt, HashMadeByPythonBcryptNow) {
  const std::string h =
      run("/usr/bin/python3 -c 'import bcrypt; "
          "print(bcrypt.hashpw(b\"tr0ub4dor&3\", bcrypt.gensalt(5)).decode())' 2>/dev/null");
  if (h.empty()) GTEST_SKIP() << "/usr/bin/python3 with the bcrypt module is not available";
  EXPECT_EQ(h.rfind("$2b$05$", 0), 0u) << h;
  EXPECT_TRUE(verify_password_hash(h, "tr0ub4dor&3"));
  EXPECT_FALSE(verify_password_hash(h, "tr0ub4dor&4"));
}

TEST(Crypt, ShadowStyleHashes) {
  EXPECT_TRUE(verify_crypt_hash(kRefSha512Crypt, "hunter2"));
  EXPECT_FALSE(verify_crypt_hash(kRefSha512Crypt, "hunter3"));
  EXPECT_TRUE(verify_crypt_hash(kRefSha256Crypt, "hunter2"));
  EXPECT_FALSE(verify_crypt_hash(kRefSha256Crypt, ""));
  for (const char* unusable : {"", "*", "!", "!$6$wharfsalt$x", "!!", "x"}) {
    EXPECT_FALSE(verify_crypt_hash(unusable, "hunter2")) << unusable;
    EXPECT_FALSE(verify_crypt_hash(unusable, "")) << unusable;
  }
  // A truncated stored hash never matches, even though crypt accepts its salt.
  EXPECT_FALSE(verify_crypt_hash(std::string(kRefSha512Crypt).substr(0, 40), "hunter2"));
}

TEST(Crypt, HashMadeByOpensslNow) {
  const std::string h = run("openssl passwd -6 -salt n0wsalt 'pass word' 2>/dev/null");
  if (h.empty()) GTEST_SKIP() << "openssl is not available";
  EXPECT_TRUE(verify_crypt_hash(h, "pass word"));
  EXPECT_FALSE(verify_crypt_hash(h, "password"));
}

User virtual_user(const std::string& hash) {
  User u;
  u.name = "alice";
  u.is_virtual = true;
  u.has_ids = false;
  u.home = "/srv/alice";
  u.password_hash = hash;
  u.has_password_hash = !hash.empty();
  return u;
}

TEST(CheckPassword, VirtualUsers) {
  const User argon = virtual_user(kRefArgon2idA);
  PasswordResult r = check_password(&argon, kPassword, DummyShape::kArgon2id);
  EXPECT_TRUE(r.ok) << r.reason;
  r = check_password(&argon, "nope", DummyShape::kArgon2id);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "wrong password");
  const User bcrypt = virtual_user(kRefBcrypt2b);
  EXPECT_TRUE(check_password(&bcrypt, kPassword, DummyShape::kSystemCrypt).ok);

  const User nopass = virtual_user("");
  r = check_password(&nopass, "", DummyShape::kArgon2id);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, "no password set");
}

TEST(CheckPassword, FailurePathsRunTheDummyAndFail) {
  for (DummyShape shape : {DummyShape::kArgon2id, DummyShape::kSystemCrypt}) {
    PasswordResult r = check_password(nullptr, kPassword, shape);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.reason, "unknown user");
  }
  User locked = virtual_user(kRefArgon2idA);
  locked.locked = true;
  EXPECT_EQ(check_password(&locked, kPassword, DummyShape::kArgon2id).reason, "account is locked");
  const User argon = virtual_user(kRefArgon2idA);
  const std::string longpw(kMaxPasswordLength + 1, 'a');
  EXPECT_FALSE(check_password(&argon, longpw, DummyShape::kArgon2id).ok);
  EXPECT_FALSE(
      check_password(&argon, std::string("correct horse\0", 14), DummyShape::kArgon2id).ok);
  // The dummies themselves never throw, whatever the input.
  dummy_argon2id("");
  dummy_system_crypt(std::string(kMaxPasswordLength, 'x'));
}

TEST(CheckPassword, SystemAccountWithoutUsablePassword) {
  const auto nobody = lookup_system_user("nobody");
  ASSERT_TRUE(nobody.has_value());
  const PasswordResult r = check_password(&*nobody, "", DummyShape::kSystemCrypt);
  EXPECT_FALSE(r.ok);
  if (::geteuid() == 0) {
    EXPECT_EQ(r.reason, "no usable password");  // Debian's nobody has "*" in shadow
  } else {
    EXPECT_EQ(r.reason, "system passwords need root (shadow)");
  }
}

}  // namespace
}  // namespace wharf::auth
