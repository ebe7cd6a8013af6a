#include "connection/scp_app.h"

namespace wharf::connection {

ScpApp::ScpApp(std::unique_ptr<scp::Session> session, std::unique_ptr<fs::Root> owned_root)
    : owned_root_(std::move(owned_root)), session_(std::move(session)) {}

ScpApp::~ScpApp() = default;

std::unique_ptr<SessionApp> ScpApp::start(fs::Root& root, std::string_view command,
                                          std::string& error) {
  scp::CommandParse parse = scp::parse_command(command);
  if (!parse.command) {
    if (parse.is_scp) error = "scp: " + parse.reason;
    return nullptr;
  }
  return std::make_unique<ScpApp>(scp::make_session(root, *parse.command));
}

void ScpApp::feed(wire::ByteView data) {
  if (!session_->finished()) session_->feed(data);
}

std::optional<uint32_t> ScpApp::exit_status() const {
  if (!session_->finished()) return std::nullopt;
  return static_cast<uint32_t>(session_->exit_status());
}

}  // namespace wharf::connection
