// SCP as a session application: scp::Session (sink for `scp -t`, source for `scp -f`) behind an
// exec request, with the command line parsed by the SCP layer (scp/command.h), never a shell.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "connection/session_app.h"
#include "fs/root.h"
#include "scp/session.h"

namespace wharf::connection {

class ScpApp : public SessionApp {
 public:
  // `owned_root` (optional) is the root `session` works in, kept alive as long as the app.
  explicit ScpApp(std::unique_ptr<scp::Session> session,
                  std::unique_ptr<fs::Root> owned_root = nullptr);
  ~ScpApp() override;

  // For SessionFactories::scp: parses `command` and starts SCP over `root` (which outlives the
  // app). Returns null when the line is not an SCP server command; `error` then explains a bad
  // scp command ("scp: ...") and stays empty for other programs (the generic refusal).
  static std::unique_ptr<SessionApp> start(fs::Root& root, std::string_view command,
                                           std::string& error);

  void feed(wire::ByteView data) override;
  void on_eof() override { session_->feed_eof(); }
  wire::ByteView output() const override { return session_->output(); }
  void consume(size_t n) override { session_->consume(n); }
  bool backed_up() const override { return session_->output_backed_up(); }
  std::optional<uint32_t> exit_status() const override;

 private:
  std::unique_ptr<fs::Root> owned_root_;  // declared first: destroyed after the session
  std::unique_ptr<scp::Session> session_;
};

}  // namespace wharf::connection
