// Errors as values for the confined filesystem: an errno, never an exception.
//
// Every fs:: operation returns Status (errno or OK) or Result<T> (a value or an errno), so a
// failing client request becomes an SSH_FX_* status and the session goes on (ARCHITECTURE.md).
#pragma once

#include <cerrno>
#include <optional>
#include <utility>

namespace wharf::fs {

// An errno value wrapped so it cannot be confused with a count or a descriptor.
struct Errno {
  int code;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Errno e) : err_(e.code) {}
  static Status from_errno() { return Status(Errno{errno}); }
  bool ok() const { return err_ == 0; }
  explicit operator bool() const { return ok(); }
  int error() const { return err_; }

 private:
  int err_ = 0;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}
  Result(Errno e) : err_(e.code ? e.code : EIO) {}
  Result(Status s) : err_(s.ok() ? EIO : s.error()) {}
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  int error() const { return err_; }
  Status status() const { return ok() ? Status() : Status(Errno{err_}); }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  int err_ = 0;
};

}  // namespace wharf::fs
