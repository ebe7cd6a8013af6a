#include "transport/version.h"

#include <fmt/format.h>

#include "transport/errors.h"

namespace wharf::transport {

namespace {

// softwareversion: printable US-ASCII without space (RFC 4253 section 4.2). The RFC also rules
// out '-', but OpenSSH accepts it and its own ssh-keyscan sends "SSH-2.0-OpenSSH-keyscan".
bool valid_software_version(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c <= ' ' || c >= 127) return false;
  }
  return true;
}

[[noreturn]] void bad_identification(const char* why) {
  throw ProtocolError(DisconnectReason::kProtocolError,
                      fmt::format("invalid SSH identification string: {}", why));
}

}  // namespace

std::string server_identification() { return fmt::format("SSH-2.0-Wharf_{}", kWharfVersion); }

size_t IdentificationReader::feed(wire::ByteView in) {
  size_t used = 0;
  while (!done_ && used < in.size()) {
    char c = static_cast<char>(in[used++]);
    if (c == '\0') bad_identification("NUL byte");
    if (c == '\n') {
      finish_line();
      continue;
    }
    // Room for the line end still to come: the limit counts CR LF.
    if (line_.size() + 2 > kMaxIdentLine) bad_identification("line longer than 255 bytes");
    line_ += c;
  }
  return used;
}

void IdentificationReader::finish_line() {
  std::string line = std::move(line_);
  line_.clear();
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.rfind("SSH-", 0) != 0) {
    if (++lines_skipped_ > kMaxPreIdentLines) bad_identification("too many lines before it");
    return;
  }
  std::string_view rest = std::string_view(line).substr(4);
  size_t dash = rest.find('-');
  if (dash == std::string_view::npos) bad_identification("no software version");
  std::string_view proto = rest.substr(0, dash);
  if (proto != "2.0" && proto != "1.99") {
    throw ProtocolError(
        DisconnectReason::kProtocolVersionNotSupported,
        fmt::format("protocol version {} is not supported (SSH-2.0 only)", proto.substr(0, 16)));
  }
  std::string_view after = rest.substr(dash + 1);
  std::string_view software = after.substr(0, after.find(' '));
  if (!valid_software_version(software)) bad_identification("bad software version");
  ident_ = std::move(line);
  done_ = true;
}

std::string_view IdentificationReader::client_software() const {
  std::string_view v = ident_;
  if (v.empty()) return v;
  v = v.substr(v.find('-', 4) + 1);
  return v.substr(0, v.find(' '));
}

}  // namespace wharf::transport
