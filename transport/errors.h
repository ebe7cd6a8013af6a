// Errors that end a connection, carrying the SSH_MSG_DISCONNECT reason code (RFC 4253 section
// 11.1). One catch site per connection turns these into a DISCONNECT (ARCHITECTURE.md).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace wharf::transport {

enum class DisconnectReason : uint32_t {
  kHostNotAllowedToConnect = 1,
  kProtocolError = 2,
  kKeyExchangeFailed = 3,
  kReserved = 4,
  kMacError = 5,
  kCompressionError = 6,
  kServiceNotAvailable = 7,
  kProtocolVersionNotSupported = 8,
  kHostKeyNotVerifiable = 9,
  kConnectionLost = 10,
  kByApplication = 11,
  kTooManyConnections = 12,
  kAuthCancelledByUser = 13,
  kNoMoreAuthMethodsAvailable = 14,
  kIllegalUserName = 15,
};

// A violation by the peer: the connection ends with SSH_MSG_DISCONNECT carrying `reason`.
class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(DisconnectReason reason, const std::string& message)
      : std::runtime_error(message), reason_(reason) {}
  DisconnectReason reason() const { return reason_; }

 private:
  DisconnectReason reason_;
};

}  // namespace wharf::transport
