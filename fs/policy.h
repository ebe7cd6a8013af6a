// Per-user filesystem policy, in the spirit of OpenSSH's `internal-sftp -R -p -P -u`.
// Filled in by conf/ from Match blocks; fs::Root enforces the file-level rules and the protocol
// layers (sftp/, scp/) consult `allows()` for request names before dispatch.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wharf::fs {

struct Policy {
  // No request that changes anything succeeds (EACCES).
  bool read_only = false;
  // Upload only: no listing, no reading back, no overwrite, no delete or rename. STAT of a file
  // this session wrote (and of directories) is allowed; SETSTAT of times/modes is a no-op.
  bool drop_box = false;
  // New uploads go to a hidden temporary file renamed into place on a clean close. Always on in
  // drop-box mode.
  bool atomic_uploads = false;
  // Applied to every mode a client asks for when creating files and directories.
  mode_t umask = 022;
  // When set, created files/directories get exactly this mode and chmod requests are ignored.
  std::optional<mode_t> file_mode;
  std::optional<mode_t> dir_mode;
  // Request names (e.g. "open", "remove", "posix-rename"). An empty allow list allows all; the
  // deny list wins over the allow list (like sftp-server -P / -p).
  std::vector<std::string> allowed_requests;
  std::vector<std::string> denied_requests;
  // Set when an allow list was narrowed to nothing: no request is allowed.
  bool allows_none = false;
  // The directory the client sees as home ("~"), as a client path.
  std::string home = "/";
  // Where relative paths start (sftp-server's -d), as a client path. Only the SFTP layer uses
  // it; fs itself resolves every path from the root.
  std::string start_directory = "/";
  // Log each file operation at INFO, as sftp-server -l INFO does (not a file-system rule, but it
  // travels with the session's policy).
  bool log_file_operations = false;
  // The session is chrooted into its root, so the root's "/" is not the host's: a symlink the
  // client creates is judged by where a host process (a backup, an admin's cp -r) would follow it.
  bool chrooted = false;

  bool allows(std::string_view request) const {
    auto has = [&](const std::vector<std::string>& v) {
      return std::find(v.begin(), v.end(), request) != v.end();
    };
    if (allows_none || has(denied_requests)) return false;
    return allowed_requests.empty() || has(allowed_requests);
  }
  // Applies an allow list (sftp-server -p) on top of this one: only names in both stay allowed,
  // and an empty result allows nothing, as sftp-server's -p with no names does.
  void narrow_allowed(const std::vector<std::string>& names) {
    if (allowed_requests.empty()) {
      allowed_requests = names;
    } else {
      std::erase_if(allowed_requests, [&](const std::string& n) {
        return std::find(names.begin(), names.end(), n) == names.end();
      });
    }
    if (allowed_requests.empty()) allows_none = true;
  }
  bool atomic() const { return atomic_uploads || drop_box; }
};

// A request list as sftp-server's -p/-P take it: comma-separated names, empty entries ignored.
inline std::vector<std::string> parse_request_list(std::string_view list) {
  std::vector<std::string> names;
  while (!list.empty()) {
    size_t comma = std::min(list.find(','), list.size());
    if (comma > 0) names.emplace_back(list.substr(0, comma));
    list.remove_prefix(std::min(comma + 1, list.size()));
  }
  return names;
}

}  // namespace wharf::fs
