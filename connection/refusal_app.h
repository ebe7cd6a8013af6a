// A session that only says no: a message on stderr and a non-zero exit status. Used for shell,
// any exec that is not scp, and sessions whose forced command Wharf cannot run.
#pragma once

#include <string>

#include "connection/session_app.h"

namespace wharf::connection {

class RefusalApp : public SessionApp {
 public:
  explicit RefusalApp(std::string message, uint32_t exit_status = 1)
      : message_(std::move(message)), status_(exit_status) {}

  void feed(wire::ByteView) override {}  // input is dropped
  void on_eof() override {}
  wire::ByteView output() const override { return {}; }
  void consume(size_t) override {}
  wire::ByteView error_output() const override;
  void consume_error(size_t n) override;
  bool backed_up() const override { return false; }
  std::optional<uint32_t> exit_status() const override { return status_; }

 private:
  std::string message_;
  size_t sent_ = 0;
  uint32_t status_;
};

}  // namespace wharf::connection
