#include "transport/kex/kex.h"

#include <botan/dl_group.h>

#include <array>

#include "transport/kex/dh_gex.h"
#include "transport/kex/single_round.h"

#ifdef WHARF_FUZZING
#include "transport/kex/fuzz_kex.h"  // fuzz builds only (tools/fuzz)
#endif

namespace wharf::kex {

namespace {

constexpr char kGex[] = "diffie-hellman-group-exchange-sha256";

struct FixedMethod {
  std::string_view name;
  bool on_by_default;
  SingleRoundMethod (*make)();
};

// Points are read with a loose bound; the agreement checks their exact size.
constexpr size_t kMaxPoint = 256;

SingleRoundMethod x25519() { return {"SHA-256", false, kMaxPoint, make_x25519}; }

SingleRoundMethod ecdh(const char* hash, const char* curve) {
  return {hash, false, kMaxPoint, [curve] { return make_ecdh(curve); }};
}

// RFC 8268: the RFC 3526 MODP groups, generator 2, which Botan ships under these names.
SingleRoundMethod modp(const char* hash, const char* group, size_t bits) {
  return {hash, true, bits / 8, [group] { return make_dh(Botan::DL_Group(group)); }};
}

// Default preference order (ARCHITECTURE: curve25519 first; finite-field DH off by default).
const std::array<FixedMethod, 9> kMethods = {{
    {"curve25519-sha256", true, x25519},
    {"curve25519-sha256@libssh.org", true, x25519},
    {"ecdh-sha2-nistp256", true, [] { return ecdh("SHA-256", "secp256r1"); }},
    {"ecdh-sha2-nistp384", true, [] { return ecdh("SHA-384", "secp384r1"); }},
    {"ecdh-sha2-nistp521", true, [] { return ecdh("SHA-512", "secp521r1"); }},
    {kGex, false, nullptr},
    {"diffie-hellman-group16-sha512", false,
     [] { return modp("SHA-512", "modp/ietf/4096", 4096); }},
    {"diffie-hellman-group18-sha512", false,
     [] { return modp("SHA-512", "modp/ietf/8192", 8192); }},
    {"diffie-hellman-group14-sha256", false,
     [] { return modp("SHA-256", "modp/ietf/2048", 2048); }},
}};

const FixedMethod* find(std::string_view name) {
  for (const auto& m : kMethods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

}  // namespace

ServerKex::~ServerKex() = default;
ClientKex::~ClientKex() = default;

std::vector<std::string> supported_kex_methods() {
  std::vector<std::string> out;
  for (const auto& m : kMethods) out.emplace_back(m.name);
  return out;
}

std::vector<std::string> default_kex_methods() {
  std::vector<std::string> out;
  for (const auto& m : kMethods) {
    if (m.on_by_default) out.emplace_back(m.name);
  }
  return out;
}

std::unique_ptr<ServerKex> make_server_kex(std::string_view method, const KexContext& ctx,
                                           SignFn sign, const Moduli* moduli) {
#ifdef WHARF_FUZZING
  if (method == kFuzzKex) return std::make_unique<FuzzServerKex>();
#endif
  if (method == kGex) {
    return moduli == nullptr ? nullptr : make_gex_server(ctx, std::move(sign), *moduli);
  }
  const FixedMethod* m = find(method);
  if (m == nullptr) return nullptr;
  return make_single_round_server(m->make(), ctx, std::move(sign));
}

std::unique_ptr<ClientKex> make_client_kex(std::string_view method, const KexContext& ctx,
                                           std::string host_key_algorithm, GexRequest gex) {
  if (method == kGex) return make_gex_client(ctx, std::move(host_key_algorithm), gex);
  const FixedMethod* m = find(method);
  if (m == nullptr) return nullptr;
  return make_single_round_client(m->make(), ctx, std::move(host_key_algorithm));
}

}  // namespace wharf::kex
