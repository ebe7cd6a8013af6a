#include "sftp/handles.h"

#include <sys/random.h>

#include <cstring>

namespace wharf::sftp {
namespace {

uint64_t random_tag([[maybe_unused]] uint64_t issued) {
#ifdef WHARF_FUZZING
  // sftp_server_fuzz runs each input twice and compares the replies: a handle whose bytes land
  // where the input meant another field must parse the same both times (splitmix64 of a count).
  uint64_t z = issued * 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
#else
  uint64_t tag = 0;
  while (::getrandom(&tag, sizeof tag, 0) != sizeof tag) {
  }
  return tag;
#endif
}

}  // namespace

std::optional<std::string> HandleTable::add(OpenObject object, std::string path) {
  if (open_ >= max_) return std::nullopt;
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& slot = slots_[index];
  slot.tag = random_tag(++issued_);
  slot.object.emplace(std::move(object));
  slot.path = std::move(path);
  ++open_;
  std::string handle(kHandleSize, '\0');
  for (int i = 0; i < 4; ++i) handle[i] = static_cast<char>(index >> (24 - 8 * i));
  std::memcpy(handle.data() + 4, &slot.tag, sizeof slot.tag);
  return handle;
}

HandleTable::Slot* HandleTable::find(wire::ByteView handle) {
  if (handle.size() != kHandleSize) return nullptr;
  uint32_t index = 0;
  for (int i = 0; i < 4; ++i) index = (index << 8) | handle[i];
  if (index >= slots_.size()) return nullptr;
  Slot& slot = slots_[index];
  uint64_t tag;
  std::memcpy(&tag, handle.data() + 4, sizeof tag);
  if (!slot.object || tag != slot.tag) return nullptr;
  return &slot;
}

fs::File* HandleTable::file(wire::ByteView handle) {
  Slot* s = find(handle);
  return s ? std::get_if<fs::File>(&*s->object) : nullptr;
}

OpenDir* HandleTable::dir(wire::ByteView handle) {
  Slot* s = find(handle);
  return s ? std::get_if<OpenDir>(&*s->object) : nullptr;
}

std::string HandleTable::path(wire::ByteView handle) {
  Slot* s = find(handle);
  return s ? s->path : std::string();
}

std::optional<OpenObject> HandleTable::take(wire::ByteView handle) {
  Slot* s = find(handle);
  if (s == nullptr) return std::nullopt;
  std::optional<OpenObject> out = std::move(s->object);
  s->object.reset();
  s->path.clear();
  s->tag = 0;
  --open_;
  free_.push_back(static_cast<uint32_t>(s - slots_.data()));
  return out;
}

}  // namespace wharf::sftp
