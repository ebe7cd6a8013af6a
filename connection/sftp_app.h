// SFTP as a session application: sftp::Server behind `subsystem sftp` (or internal-sftp).
#pragma once

#include <memory>

#include "connection/session_app.h"
#include "fs/root.h"
#include "sftp/server.h"

namespace wharf::connection {

class SftpApp : public SessionApp {
 public:
  // Serves `root`, which outlives the app.
  explicit SftpApp(fs::Root& root, sftp::ServerOptions options = {});
  // Serves a root the app owns (e.g. opened with a policy for this session only).
  explicit SftpApp(std::unique_ptr<fs::Root> root, sftp::ServerOptions options = {});

  void feed(wire::ByteView data) override { server_.feed(data); }
  // sftp-server ends at EOF on its input, and sshd then reports exit status 0.
  void on_eof() override { eof_ = true; }
  wire::ByteView output() const override { return server_.output(); }
  // Draining output lets the server run requests it held back while the output was backed up.
  void consume(size_t n) override {
    server_.consume(n);
    server_.pump();
  }
  bool backed_up() const override { return server_.output_backed_up(); }
  std::optional<uint32_t> exit_status() const override;

  sftp::Server& server() { return server_; }

 private:
  std::unique_ptr<fs::Root> owned_root_;
  sftp::Server server_;
  bool eof_ = false;
};

}  // namespace wharf::connection
