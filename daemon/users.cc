#include "daemon/users.h"

#include <sys/stat.h>
#include <unistd.h>

#include "daemon/confine.h"

namespace wharf::daemon {

namespace {

constexpr uid_t kNobody = 65534;

void settle_session_ids(const ServerContext& ctx, auth::User& user, const PeerInfo& peer) {
  conf::Settings s = settings_for_user(ctx, user.name, user.group_names, peer);
  struct stat st {};
  bool owned = stat(user_root_path(user, s).c_str(), &st) == 0 && st.st_uid != 0;
  user.uid = owned ? st.st_uid : kNobody;
  user.gid = owned ? st.st_gid : kNobody;
  user.groups = {user.gid};
  user.has_ids = true;
}

}  // namespace

std::optional<auth::User> find_user(const ServerContext& ctx, const std::string& name,
                                    const PeerInfo& peer) {
  std::optional<auth::User> user;
  if (ctx.demo && name == ctx.demo->user.name) {
    user = ctx.demo->user;
  } else if (const auth::User* v = ctx.virtual_users.find(name)) {
    user = *v;
  } else {
    return auth::lookup_system_user(name);
  }
  if (!user->has_ids && geteuid() == 0) settle_session_ids(ctx, *user, peer);
  return user;
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
