#include "auth/passwords.h"

#include <botan/argon2.h>
#include <botan/auto_rng.h>
#include <botan/base64.h>
#include <botan/bcrypt.h>
#include <botan/exceptn.h>
#include <botan/mem_ops.h>
#include <botan/secmem.h>
#include <crypt.h>
#include <shadow.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <memory>
#include <mutex>
#include <vector>

namespace wharf::auth {
namespace {

// Argon2id parameter bounds accepted when verifying ("$argon2id$v=19$m=M,t=T,p=P$...").
bool sane_argon2_params(std::string_view hash) {
  const size_t m = hash.find("$m=");
  if (m == std::string_view::npos) return false;
  size_t vals[3] = {0, 0, 0};
  const char* keys = "mtp";
  std::string_view rest = hash.substr(m + 1);
  for (int i = 0; i < 3; ++i) {
    if (rest.size() < 2 || rest[0] != keys[i] || rest[1] != '=') return false;
    rest.remove_prefix(2);
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), vals[i]);
    if (ec != std::errc()) return false;
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    if (i < 2 && (rest.empty() || rest[0] != ',')) return false;
    if (i < 2) rest.remove_prefix(1);
  }
  return vals[0] >= 8 && vals[0] <= (1u << 20) && vals[1] >= 1 && vals[1] <= 64 && vals[2] >= 1 &&
         vals[2] <= 16;
}

// A NUL-terminated copy of the password in a wiped buffer (for crypt_r and check_bcrypt).
Botan::secure_vector<char> c_string(std::string_view s) {
  Botan::secure_vector<char> v(s.begin(), s.end());
  v.push_back('\0');
  return v;
}

// crypt_r into a heap crypt_data that is wiped afterwards. Returns the hash ("" on failure).
std::string crypt_hash(std::string_view password, const std::string& setting) {
  auto data = std::make_unique<crypt_data>();
  const Botan::secure_vector<char> pw = c_string(password);
  const char* out = ::crypt_r(pw.data(), setting.c_str(), data.get());
  std::string result = (out != nullptr && out[0] != '*') ? out : "";
  Botan::secure_scrub_memory(data.get(), sizeof(crypt_data));
  return result;
}

std::string unpadded_base64(const uint8_t* data, size_t n) {
  std::string s = Botan::base64_encode(data, n);
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

// An Argon2id hash string with wharf-passwd's cost, a random salt and a zero digest that no
// password matches. It is built, not computed: checking it costs exactly what checking a real
// hash of that cost does, while computing one here (once per connection child, at the first
// attempt for an unknown user) made that attempt take twice as long as for a known user.
const std::string& dummy_argon2_hash() {
  static std::once_flag once;
  static std::string hash;
  std::call_once(once, [] {
    const Argon2Params p;
    uint8_t salt[16];
    Botan::AutoSeeded_RNG().randomize(salt, sizeof salt);
    const uint8_t digest[32] = {};
    hash = "$argon2id$v=19$m=" + std::to_string(p.memory_kib) +
           ",t=" + std::to_string(p.iterations) + ",p=" + std::to_string(p.parallelism) + "$" +
           unpadded_base64(salt, sizeof salt) + "$" + unpadded_base64(digest, sizeof digest);
  });
  return hash;
}

const std::string& dummy_crypt_setting() {
  static std::once_flag once;
  static std::string setting;
  std::call_once(once, [] {
    char buf[CRYPT_GENSALT_OUTPUT_SIZE];
    // NULL prefix: the system's default (preferred) hashing method.
    if (::crypt_gensalt_rn(nullptr, 0, nullptr, 0, buf, sizeof buf) != nullptr) setting = buf;
  });
  return setting;
}

bool no_nul(std::string_view s) { return s.find('\0') == std::string_view::npos; }

PasswordResult fail_with_dummy(std::string reason, std::string_view password, DummyShape shape) {
  if (shape != DummyShape::kSystemCrypt) dummy_argon2id(password);
  if (shape != DummyShape::kArgon2id) dummy_system_crypt(password);
  return {false, std::move(reason)};
}

PasswordResult check_system(const User& user, std::string_view password) {
  if (::geteuid() != 0) {
    return fail_with_dummy("system passwords need root (shadow)", password,
                           DummyShape::kSystemCrypt);
  }
  struct spwd sp;
  std::vector<char> buf(4096);
  struct spwd* found = nullptr;
  while (::getspnam_r(user.name.c_str(), &sp, buf.data(), buf.size(), &found) == ERANGE &&
         buf.size() < kMaxPasswdBuffer) {
    buf.resize(buf.size() * 2);
  }
  const std::string stored = (found && sp.sp_pwdp) ? sp.sp_pwdp : "";
  Botan::secure_scrub_memory(buf.data(), buf.size());
  if (stored.empty() || stored[0] != '$') {  // "", "*", "!...": no usable password
    return fail_with_dummy("no usable password", password, DummyShape::kSystemCrypt);
  }
  const bool ok = verify_crypt_hash(stored, password);
  return {ok, ok ? "" : "wrong password"};
}

}  // namespace

std::string hash_password(std::string_view password, Botan::RandomNumberGenerator& rng,
                          const Argon2Params& params) {
  return Botan::argon2_generate_pwhash(password.data(), password.size(), rng, params.parallelism,
                                       params.memory_kib, params.iterations,
                                       /*y=Argon2id*/ 2);
}

bool verify_password_hash(std::string_view hash, std::string_view password) {
  try {
    if (hash.starts_with("$argon2id$")) {
      return sane_argon2_params(hash) &&
             Botan::argon2_check_pwhash(password.data(), password.size(), std::string(hash));
    }
    if (hash.starts_with("$2a$") || hash.starts_with("$2b$") || hash.starts_with("$2y$")) {
      if (!no_nul(password)) return false;
      const Botan::secure_vector<char> pw = c_string(password);
      // check_bcrypt takes a std::string; this temporary is wiped before it is freed.
      std::string tmp(pw.data(), password.size());
      const bool ok = Botan::check_bcrypt(tmp, std::string(hash));
      Botan::secure_scrub_memory(tmp.data(), tmp.size());
      return ok;
    }
  } catch (const Botan::Exception&) {
  } catch (const std::invalid_argument&) {
  }
  return false;
}

bool verify_crypt_hash(std::string_view stored, std::string_view password) {
  if (stored.empty() || stored[0] != '$' || !no_nul(password) || !no_nul(stored)) return false;
  const std::string setting(stored);
  const std::string computed = crypt_hash(password, setting);
  return !computed.empty() && computed.size() == stored.size() &&
         Botan::constant_time_compare(reinterpret_cast<const uint8_t*>(computed.data()),
                                      reinterpret_cast<const uint8_t*>(stored.data()),
                                      stored.size());
}

void dummy_argon2id(std::string_view password) {
  (void)verify_password_hash(dummy_argon2_hash(), password);
}

void dummy_system_crypt(std::string_view password) {
  if (!dummy_crypt_setting().empty()) (void)crypt_hash(password, dummy_crypt_setting());
}

PasswordResult check_password(const User* user, std::string_view password,
                              DummyShape unknown_user_shape) {
  const bool both = unknown_user_shape == DummyShape::kBoth;
  const DummyShape shape = both || user == nullptr ? unknown_user_shape
                           : user->is_virtual      ? DummyShape::kArgon2id
                                                   : DummyShape::kSystemCrypt;
  const std::string_view bounded = password.substr(0, kMaxPasswordLength);
  if (password.size() > kMaxPasswordLength || !no_nul(password)) {
    return fail_with_dummy("password too long or contains NUL", bounded, shape);
  }
  if (user == nullptr) return fail_with_dummy("unknown user", password, shape);
  if (user->locked) return fail_with_dummy("account is locked", password, shape);
  if (!user->is_virtual) {
    PasswordResult r = check_system(*user, password);
    if (!r.ok && both) dummy_argon2id(password);
    return r;
  }
  if (!user->has_password_hash) return fail_with_dummy("no password set", password, shape);
  const bool ok = verify_password_hash(user->password_hash, password);
  if (!ok && both) dummy_system_crypt(password);
  return {ok, ok ? "" : "wrong password"};
}

}  // namespace wharf::auth
