#include "fs/host_path.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <memory>

namespace wharf::fs {

std::optional<RealPath> real_path(const std::string& path) {
  std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
  if (!real) return std::nullopt;
  RealPath out{real.get(), {}};
  for (const auto& part : std::filesystem::path(out.path).relative_path()) {
    if (!part.empty()) out.names.push_back(part.string());
  }
  return out;
}

DirChain open_dir_chain(const std::vector<std::string>& names, size_t count) {
  DirChain chain;
  std::string path = "/";
  UniqueFd dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  for (size_t i = 0;; ++i) {
    HostDir step{path, {}};
    if (!dir.valid() || ::fstat(dir.get(), &step.st) != 0) {
      chain.error = errno;
      chain.failed = path;
      return chain;
    }
    chain.dirs.push_back(std::move(step));
    if (i == count || i == names.size()) break;
    path += (i == 0 ? "" : "/") + names[i];
    const int next =
        ::openat(dir.get(), names[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int open_errno = errno;  // closing the parent must not hide why the open failed
    dir = UniqueFd(next);
    errno = open_errno;
  }
  chain.last = std::move(dir);
  return chain;
}

}  // namespace wharf::fs
