#include "daemon/confine.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "auth/tokens.h"
#include "daemon/safe_path.h"
#include "log/log.h"

namespace wharf::daemon {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// The ids the session runs as when the daemon is root. A virtual user without ids runs as the
// owner of its root directory, or as nobody when root owns it: never as root.
void target_ids(const auth::User& user, int root_fd, uid_t& uid, gid_t& gid) {
  if (user.has_ids) {
    uid = user.uid;
    gid = user.gid;
    return;
  }
  struct stat st {};
  if (fstat(root_fd, &st) != 0) fail("fstat root");
  uid = st.st_uid != 0 ? st.st_uid : 65534;
  gid = st.st_uid != 0 ? st.st_gid : 65534;
}

void drop_privileges(const auth::User& user, uid_t uid, gid_t gid) {
  std::vector<gid_t> groups = user.has_ids ? user.groups : std::vector<gid_t>{gid};
  if (setgroups(groups.size(), groups.data()) != 0) fail("setgroups");
  if (setresgid(gid, gid, gid) != 0) fail("setresgid");
  if (setresuid(uid, uid, uid) != 0) fail("setresuid");
  // Permanently: getting root back must be impossible.
  if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
    throw std::runtime_error("privileges could be regained after dropping them");
  }
}

// The umask wharfd was started with, read once: without SftpUmask it is the session's, as
// sftp-server without -u keeps sshd's.
mode_t inherited_umask() {
  static const mode_t inherited = [] {
    mode_t m = ::umask(022);
    ::umask(m);
    return m;
  }();
  return inherited;
}

}  // namespace

std::string user_root_path(const auth::User& user, const conf::Settings& settings) {
  if (settings.chroot_directory.empty() || settings.chroot_directory == "none") return user.home;
  auth::Expansion e = auth::expand_tokens(settings.chroot_directory, user);
  if (!e.value) throw std::runtime_error("ChrootDirectory: " + e.error);
  return *e.value;
}

fs::Policy policy_for(const auth::User& user, const conf::Settings& s,
                      const std::string& host_root) {
  fs::Policy p;
  p.read_only = s.sftp_read_only;
  p.drop_box = s.drop_box;
  p.atomic_uploads = conf::atomic_uploads_enabled(s);
  p.umask = s.sftp_umask ? static_cast<mode_t>(*s.sftp_umask) : inherited_umask();
  if (s.sftp_force_file_mode) p.file_mode = static_cast<mode_t>(*s.sftp_force_file_mode);
  if (s.sftp_force_directory_mode) p.dir_mode = static_cast<mode_t>(*s.sftp_force_directory_mode);
  p.allowed_requests = s.sftp_allowed_requests;
  p.denied_requests = s.sftp_denied_requests;
  // "~" is the home directory when it lies inside the root, else the root itself.
  std::string home = user.home;
  if (home.size() > host_root.size() && home.compare(0, host_root.size(), host_root) == 0 &&
      (host_root == "/" || home[host_root.size()] == '/')) {
    p.home = host_root == "/" ? home : home.substr(host_root.size());
  } else {
    p.home = "/";
  }
  return p;
}

Confined confine(const auth::User& user, const conf::Settings& settings) {
  Confined out;
  out.host_root = user_root_path(user, settings);
  // Only root (or the server's own user) may be able to change where the root path leads: a
  // directory above it that another account can write lets that account swap the root for any
  // directory it likes, and a virtual user without ids then even runs as that directory's owner
  // (sshd's safely_chroot() checks the same). The root itself may belong to the user.
  if (auto why = unsafe_directory_path(out.host_root, /*include_last=*/false)) {
    throw std::runtime_error("refusing root " + out.host_root + ": " + *why);
  }
  fs::Policy policy = policy_for(user, settings, out.host_root);
  std::string session_root = out.host_root;
  if (geteuid() == 0) {
    int fd = ::open(out.host_root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail("open root " + out.host_root);
    uid_t uid;
    gid_t gid;
    target_ids(user, fd, uid, gid);
    if (fchdir(fd) != 0 || chroot(".") != 0 || chdir("/") != 0) {
      close(fd);
      fail("chroot " + out.host_root);
    }
    close(fd);
    drop_privileges(user, uid, gid);
    out.chrooted = true;
    policy.chrooted = true;
    session_root = "/";
    log::debug("chrooted to {} as uid {} gid {}", out.host_root, uid, gid);
  }
  // fs applies the policy's umask to every mode it creates; the kernel must not add the
  // process's own on top (an -u 0002 would otherwise still give 0644).
  ::umask(0);
  auto root = fs::Root::open(session_root, policy);
  if (!root) {
    errno = root.error();
    fail("open root " + out.host_root);
  }
  out.root = std::move(*root);
  return out;
}

}  // namespace wharf::daemon
