// Lexical helpers for client paths. These never decide confinement (the kernel does, through
// openat2); they split a path into parent and final name for the *at() calls, build the
// canonical client-visible form for REALPATH, and vet symlink targets before creation.
#pragma once

#include <string>
#include <string_view>

namespace wharf::fs {

// A client path split for the *at() calls: `parent` is resolved under the root, `name` is the
// final component. `name` is empty when the path names a directory by itself ("/", ".", "a/..").
struct SplitPath {
  std::string parent;
  std::string name;
};
SplitPath split_path(std::string_view path);

// The canonical absolute client form of `path`: "/" joined, "." dropped, ".." clamped at "/",
// repeated and trailing slashes removed. Purely lexical.
std::string normalize(std::string_view path);

// True when a symlink whose parent directory is `link_parent` (a normalized client path) with
// target `target` stays under the root when the target is read lexically from there.
bool target_stays_inside(std::string_view link_parent, std::string_view target);

// True when `target` has a ".." component anywhere.
bool climbs(std::string_view target);

bool has_nul(std::string_view s);

}  // namespace wharf::fs
