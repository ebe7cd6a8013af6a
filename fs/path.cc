#include "fs/path.h"

#include <vector>

namespace wharf::fs {
namespace {

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Applies `parts` to `stack` lexically. Returns false if ".." would climb above the root.
bool apply(std::vector<std::string_view>& stack, const std::vector<std::string_view>& parts) {
  bool inside = true;
  for (auto part : parts) {
    if (part == ".") continue;
    if (part == "..") {
      if (stack.empty()) {
        inside = false;
      } else {
        stack.pop_back();
      }
      continue;
    }
    stack.push_back(part);
  }
  return inside;
}

}  // namespace

bool has_nul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

bool climbs(std::string_view target) {
  for (auto part : components(target)) {
    if (part == "..") return true;
  }
  return false;
}

SplitPath split_path(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  std::string_view parent, name;
  if (slash == std::string_view::npos) {
    parent = ".";
    name = path;
  } else {
    parent = slash == 0 ? std::string_view("/") : path.substr(0, slash);
    name = path.substr(slash + 1);
  }
  if (name == "." || name == "..") return {std::string(path), ""};
  return {std::string(parent), std::string(name)};
}

std::string normalize(std::string_view path) {
  std::vector<std::string_view> stack;
  apply(stack, components(path));
  std::string out;
  for (auto part : stack) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

bool target_stays_inside(std::string_view link_parent, std::string_view target) {
  if (target.empty()) return false;
  std::vector<std::string_view> stack;
  if (target.front() != '/') apply(stack, components(link_parent));
  return apply(stack, components(target));
}

}  // namespace wharf::fs
