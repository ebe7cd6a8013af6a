// The handle table: a bounded set of open files and directories. A handle is the slot index plus
// a random 64-bit tag drawn when the slot is filled, so a client cannot forge a handle or reuse a
// closed one (a stale handle's tag no longer matches).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "fs/file.h"
#include "transport/wire.h"

namespace wharf::sftp {

struct OpenDir {
  fs::Dir dir;
  bool at_end = false;
};
using OpenObject = std::variant<fs::File, OpenDir>;

class HandleTable {
 public:
  static constexpr size_t kHandleSize = 12;

  explicit HandleTable(size_t max) : max_(max) {}

  // The new handle's bytes, or std::nullopt when `max` handles are open.
  std::optional<std::string> add(OpenObject object, std::string path = {});
  // nullptr unless `handle` names an open object of that kind.
  fs::File* file(wire::ByteView handle);
  OpenDir* dir(wire::ByteView handle);
  // Removes and returns the object (std::nullopt for an unknown handle).
  std::optional<OpenObject> take(wire::ByteView handle);
  // The path the object was opened with ("" for an unknown handle), for the operation log.
  std::string path(wire::ByteView handle);

  size_t size() const { return open_; }
  size_t max() const { return max_; }

 private:
  struct Slot {
    uint64_t tag = 0;
    std::optional<OpenObject> object;
    std::string path;
  };
  Slot* find(wire::ByteView handle);

  size_t max_;
  size_t open_ = 0;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  uint64_t issued_ = 0;  // handles handed out; fuzz builds derive their tags from it
};

}  // namespace wharf::sftp
