#include "connection/sftp_app.h"

namespace wharf::connection {

SftpApp::SftpApp(fs::Root& root, sftp::ServerOptions options) : server_(root, options) {}

SftpApp::SftpApp(std::unique_ptr<fs::Root> root, sftp::ServerOptions options)
    : owned_root_(std::move(root)), server_(*owned_root_, options) {}

std::optional<uint32_t> SftpApp::exit_status() const {
  if (!eof_) return std::nullopt;
  return 0;
}

}  // namespace wharf::connection
