// The identification string exchange (RFC 4253 section 4.2).
//
// The server sends "SSH-2.0-Wharf_<version>\r\n". The client's identification is read
// incrementally: lines end in CR LF (a bare LF is accepted, as OpenSSH does), each at most 255
// bytes including the line end, at most 1024 other lines may precede it, and only protocol
// versions 2.0 and 1.99 are accepted.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "transport/wire.h"

namespace wharf::transport {

inline constexpr std::string_view kWharfVersion = "0.1";
inline constexpr size_t kMaxIdentLine = 255;  // including CR LF
inline constexpr size_t kMaxPreIdentLines = 1024;

// "SSH-2.0-Wharf_0.1" (no line end).
std::string server_identification();

class IdentificationReader {
 public:
  // Consumes bytes up to and including the client's identification line; returns how many bytes
  // of `in` were used (the rest belongs to the binary packet protocol). Throws ProtocolError
  // (kProtocolVersionNotSupported or kProtocolError) on bad input.
  size_t feed(wire::ByteView in);

  bool done() const { return done_; }
  // The identification line without its line end, as it enters the exchange hash.
  const std::string& client_identification() const { return ident_; }
  // The software version field, for logs (e.g. "OpenSSH_9.2p1").
  std::string_view client_software() const;
  size_t lines_skipped() const { return lines_skipped_; }

 private:
  void finish_line();

  std::string line_;
  std::string ident_;
  size_t lines_skipped_ = 0;
  bool done_ = false;
};

}  // namespace wharf::transport
