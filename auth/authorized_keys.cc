#include "auth/authorized_keys.h"

#include <botan/base64.h>
#include <botan/exceptn.h>

#include <algorithm>
#include <optional>

namespace wharf::auth {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

size_t skip_blanks(std::string_view s, size_t pos) {
  while (pos < s.size() && is_blank(s[pos])) ++pos;
  return pos;
}

size_t word_end(std::string_view s, size_t pos) {
  while (pos < s.size() && !is_blank(s[pos])) ++pos;
  return pos;
}

// Key types OpenSSH knows but Wharf does not accept; a line starting with one has no options.
bool is_known_unsupported_type(std::string_view t) {
  return t == "ssh-dss" || t.starts_with("sk-") || t.ends_with("-cert-v01@openssh.com");
}

// End of the options field: the first space or tab outside double quotes, where `\"` inside
// quotes does not close them (OpenSSH sshauthopt/auth_check_authkey_line skipping rules).
std::optional<size_t> options_end(std::string_view s, size_t pos) {
  bool quoted = false;
  for (; pos < s.size(); ++pos) {
    const char c = s[pos];
    if (!quoted && is_blank(c)) return pos;
    if (quoted && c == '\\' && pos + 1 < s.size() && s[pos + 1] == '"') {
      ++pos;
    } else if (c == '"') {
      quoted = !quoted;
    }
  }
  if (quoted) return std::nullopt;
  return pos;
}

std::optional<wire::Bytes> decode_base64(std::string_view text) {
  if (text.empty() || text.size() > (kMaxKeyBlob / 3 + 1) * 4) return std::nullopt;
  try {
    const Botan::secure_vector<uint8_t> out =
        Botan::base64_decode(text.data(), text.size(), /*ignore_ws=*/false);
    return wire::Bytes(out.begin(), out.end());
  } catch (const Botan::Exception&) {
    return std::nullopt;
  }
}

// Parses one non-blank, non-comment line into `key`. Returns an error message or "".
std::string parse_line(std::string_view line, AuthorizedKey& key) {
  size_t pos = skip_blanks(line, 0);
  std::string_view first = line.substr(pos, word_end(line, pos) - pos);
  if (!is_supported_key_type(first) && !is_known_unsupported_type(first)) {
    const auto end = options_end(line, pos);
    if (!end) return "invalid key options: missing end quote";
    const OptionsParse opts = parse_key_options(line.substr(pos, *end - pos));
    if (!opts.options) return "invalid key options: " + opts.error;
    key.options = *opts.options;
    pos = skip_blanks(line, *end);
  }
  const size_t type_end = word_end(line, pos);
  key.key_type = std::string(line.substr(pos, type_end - pos));
  if (key.key_type.empty()) return "missing key type";
  if (!is_supported_key_type(key.key_type)) {
    return "unsupported key type \"" + key.key_type.substr(0, 64) + "\"";
  }
  pos = skip_blanks(line, type_end);
  const size_t blob_end = word_end(line, pos);
  const auto blob = decode_base64(line.substr(pos, blob_end - pos));
  if (!blob) return "invalid base64 key data";
  if (std::string err = check_key_blob(key.key_type, *blob); !err.empty()) return err;
  key.blob = std::move(*blob);
  std::string_view comment = line.substr(skip_blanks(line, blob_end));
  while (!comment.empty() && is_blank(comment.back())) comment.remove_suffix(1);
  key.comment = std::string(comment);
  return "";
}

// Checks the fields after the type string of each supported key type.
void check_fields(std::string_view type, wire::Reader& r) {
  if (type == "ssh-ed25519") {  // RFC 8709 section 4
    if (r.string("ed25519 public key", 32).size() != 32) {
      throw wire::DecodeError("ed25519 public key is not 32 bytes");
    }
  } else if (type == "ssh-rsa") {  // RFC 4253 section 6.6
    const wire::Mpint e = r.mpint("rsa e", 2048);
    const wire::Mpint n = r.mpint("rsa n", 2048);
    if (e.negative || e.magnitude.empty() || n.negative || n.magnitude.empty()) {
      throw wire::DecodeError("rsa key with a non-positive e or n");
    }
  } else {  // RFC 5656 section 3.1: string curve name, string Q (uncompressed point)
    const std::string_view curve = type.substr(type.rfind('-') + 1);
    if (r.text("ecdsa curve", wire::kMaxName) != curve) {
      throw wire::DecodeError("ecdsa curve name does not match the key type");
    }
    const size_t field = curve == "nistp256" ? 32 : curve == "nistp384" ? 48 : 66;
    const wire::ByteView q = r.string("ecdsa point", 2 * field + 1);
    if (q.size() != 2 * field + 1 || q[0] != 0x04) {
      throw wire::DecodeError("ecdsa point is not an uncompressed point of the curve");
    }
  }
}

}  // namespace

bool is_supported_key_type(std::string_view type) {
  return type == "ssh-ed25519" || type == "ecdsa-sha2-nistp256" || type == "ecdsa-sha2-nistp384" ||
         type == "ecdsa-sha2-nistp521" || type == "ssh-rsa";
}

std::string check_key_blob(std::string_view type, wire::ByteView blob) {
  if (!is_supported_key_type(type)) return "unsupported key type";
  try {
    wire::Reader r(blob);
    if (r.text("key type", wire::kMaxName) != type) {
      return "key blob type does not match the line's key type";
    }
    check_fields(type, r);
    r.expect_end("public key blob");
  } catch (const wire::DecodeError& e) {
    return std::string("invalid key blob: ") + e.what();
  }
  return "";
}

AuthorizedKeys parse_authorized_keys(std::string_view content) {
  AuthorizedKeys out;
  if (content.size() > kMaxAuthorizedKeysFile) {
    out.diagnostics.push_back({0, "file too large"});
    return out;
  }
  size_t line_number = 0;
  while (!content.empty()) {
    ++line_number;
    const size_t nl = content.find('\n');
    std::string_view line = content.substr(0, nl);
    content.remove_prefix(nl == std::string_view::npos ? content.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxAuthorizedKeysLine) {
      out.diagnostics.push_back({line_number, "line too long"});
      continue;
    }
    if (line.find('\0') != std::string_view::npos) {
      out.diagnostics.push_back({line_number, "line contains a NUL byte"});
      continue;
    }
    const size_t start = skip_blanks(line, 0);
    if (start == line.size() || line[start] == '#') continue;
    AuthorizedKey key;
    key.line_number = line_number;
    if (std::string err = parse_line(line, key); !err.empty()) {
      out.diagnostics.push_back({line_number, std::move(err)});
      continue;
    }
    out.keys.push_back(std::move(key));
  }
  return out;
}

KeyMatch match_key(const AuthorizedKeys& keys, std::string_view type, wire::ByteView blob,
                   std::string_view client_address, std::time_t now) {
  KeyMatch m;
  m.decision.reason = "key not found in authorized_keys";
  for (const AuthorizedKey& k : keys.keys) {
    if (k.key_type != type || !std::equal(k.blob.begin(), k.blob.end(), blob.begin(), blob.end())) {
      continue;
    }
    KeyDecision d = evaluate_options(k.options, client_address, now);
    if (!d.allowed) d.reason = "line " + std::to_string(k.line_number) + ": " + d.reason;
    m.decision = std::move(d);
    if (m.decision.allowed) {
      m.entry = &k;
      break;
    }
  }
  return m;
}

}  // namespace wharf::auth
