#include "daemon/server_core.h"

#include "log/log.h"
#include "transport/errors.h"

namespace wharf::daemon {

ServerCore::ServerCore(ServerCoreConfig config)
    : config_(std::move(config)), transport_(config_.transport) {}

void ServerCore::start(Clock::time_point now) {
  if (config_.login_grace_seconds > 0) {
    grace_deadline_ = now + std::chrono::seconds(config_.login_grace_seconds);
  }
  transport_.start();
}

void ServerCore::on_input(wire::ByteView in, Clock::time_point now) {
  if (finished_) return;
  try {
    transport_.feed(in, now);
    if (transport_.authenticated()) grace_deadline_ = Clock::time_point::max();
    if (transport_.closed()) finished_ = true;
  } catch (const transport::ProtocolError& e) {
    end(e.reason(), e.what());
  } catch (const wire::DecodeError& e) {
    // A message that does not decode is a protocol error (RFC 4253 section 11.1).
    end(transport::DisconnectReason::kProtocolError, e.what());
  }
}

void ServerCore::on_input_closed() {
  if (!finished_) {
    log::verbose("Connection closed by {} port {}", config_.peer.address, config_.peer.port);
  }
  finished_ = true;
}

wire::ByteView ServerCore::pending_output() const { return transport_.pending_output(); }

void ServerCore::consume_output(size_t n) { transport_.consume_output(n); }

bool ServerCore::input_paused() const { return transport_.output_backlogged(); }

bool ServerCore::finished() const { return finished_; }

Clock::time_point ServerCore::next_deadline() const {
  return finished_ ? Clock::time_point::max() : grace_deadline_;
}

void ServerCore::on_timer(Clock::time_point now) {
  if (now >= grace_deadline_ && !finished_) {
    grace_deadline_ = Clock::time_point::max();
    log::info("Timeout before authentication for {} port {}", config_.peer.address,
              config_.peer.port);
    end(transport::DisconnectReason::kByApplication, "login grace time exceeded");
  }
}

void ServerCore::end(transport::DisconnectReason reason, const std::string& why) {
  log::info("Disconnecting {} port {}: {}", config_.peer.address, config_.peer.port,
            log::sanitize(why));
  transport_.disconnect(reason, why);
  finished_ = true;
}

}  // namespace wharf::daemon
