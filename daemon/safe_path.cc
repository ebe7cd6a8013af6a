#include "daemon/safe_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <vector>

#include "fs/fd.h"

namespace wharf::daemon {
namespace {

std::optional<std::string> unsafe(int fd, const std::string& shown) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return shown + ": " + std::strerror(errno);
  if (st.st_uid != 0 && st.st_uid != ::geteuid()) {
    return shown + " is owned by uid " + std::to_string(st.st_uid);
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX)) {
    return shown + " is writable by group or others";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> unsafe_directory_path(const std::string& path, bool include_last) {
  std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
  if (!real) return path + ": " + std::strerror(errno);
  std::vector<std::string> parts;  // the names below "/"
  for (const auto& part : std::filesystem::path(real.get()).relative_path()) {
    if (!part.empty()) parts.push_back(part.string());
  }
  fs::UniqueFd dir(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return std::string("/: ") + std::strerror(errno);
  std::string shown = "/";
  if (!parts.empty() || include_last) {
    if (auto why = unsafe(dir.get(), shown)) return why;
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    fs::UniqueFd next(
        ::openat(dir.get(), parts[i].c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    shown += (i == 0 ? "" : "/") + parts[i];
    if (!next.valid()) return shown + ": " + std::strerror(errno);
    dir = std::move(next);
    if (i + 1 < parts.size() || include_last) {
      if (auto why = unsafe(dir.get(), shown)) return why;
    }
  }
  return std::nullopt;
}

}  // namespace wharf::daemon
