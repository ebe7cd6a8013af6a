#include "daemon/users.h"

namespace wharf::daemon {

std::optional<auth::User> find_user(const ServerContext& ctx, const std::string& name) {
  if (ctx.demo && name == ctx.demo->user.name) return ctx.demo->user;
  if (const auth::User* user = ctx.virtual_users.find(name)) return *user;
  return auth::lookup_system_user(name);
}

conf::Settings settings_for_user(const ServerContext& ctx, const std::string& name,
                                 const std::vector<std::string>& groups, const PeerInfo& peer) {
  conf::ConnectionInfo info{name, groups, peer.address, peer.local_address, peer.local_port};
  conf::Settings s = ctx.config.for_connection(info);
  s.ports = ctx.settings.ports;
  if (ctx.demo && name == ctx.demo->user.name) {
    // The demo's key lives outside its drop folder, where the demo cannot change it.
    s.authorized_keys_files = {ctx.demo->authorized_keys};
    s.chroot_directory = ctx.demo->user.home;
    s.atomic_uploads = conf::AtomicUploads::kYes;
  }
  return s;
}

}  // namespace wharf::daemon
