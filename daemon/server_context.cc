#include "daemon/server_context.h"

#include <sys/stat.h>

#include "log/log.h"

namespace wharf::daemon {

extern const char kBuiltinModuli[];  // generated from transport/kex/moduli

kex::Moduli load_moduli(const std::string& path) {
  struct stat st {};
  if (!path.empty() && stat(path.c_str(), &st) == 0) {
    kex::Moduli m = kex::Moduli::load(path);
    log::debug("{} DH groups from {} ({} unusable skipped)", m.groups().size(), path, m.skipped());
    if (!m.groups().empty()) return m;
    log::info("{} has no group of {} bits or more; using Wharf's own", path, kex::Moduli::kMinBits);
  }
  return kex::Moduli::parse(kBuiltinModuli);
}

transport::ServerTransportConfig transport_config(const ServerContext& ctx,
                                                  const conf::Settings& s) {
  transport::ServerTransportConfig c;
  c.kex_algorithms = s.kex_algorithms;
  c.host_key_algorithms = s.host_key_algorithms;
  c.ciphers = s.ciphers;
  c.macs = s.macs;
  c.compression = conf::compression_methods(s.compression);
  c.server_sig_algs = s.pubkey_accepted_algorithms;
  for (const auto& key : ctx.host_keys) c.host_keys.push_back(&key);
  c.moduli = &ctx.moduli;
  c.rekey_bytes = s.rekey_limit.bytes;
  c.rekey_seconds = s.rekey_limit.seconds;
  return c;
}

}  // namespace wharf::daemon
