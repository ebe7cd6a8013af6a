// Value codecs of authentication and SFTP policy keywords; see codecs.h.
#include <algorithm>

#include "conf/codecs.h"
#include "conf/errors.h"
#include "conf/pattern.h"
#include "conf/sftp_server_flags.h"

namespace wharf::conf::codecs {

Strings request_list(const ConfigLine& l, const char* empty_word) {
  const std::string& v = single(l);
  if (iequals(v, empty_word)) return {};
  Strings out = split_commas(v, l.keyword);
  for (const auto& r : out) {
    const auto& known = algorithms::kSftpRequests;
    if (std::find(known.begin(), known.end(), r) == known.end()) {
      throw ConfigError(l.keyword + ": unknown SFTP request \"" + r + "\"");
    }
  }
  return out;
}

PermitRootLogin PermitRootC::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  if (iequals(v, "yes")) return PermitRootLogin::kYes;
  if (iequals(v, "no")) return PermitRootLogin::kNo;
  if (iequals(v, "prohibit-password") || iequals(v, "without-password")) {
    return PermitRootLogin::kProhibitPassword;
  }
  if (iequals(v, "forced-commands-only")) return PermitRootLogin::kForcedCommandsOnly;
  throw ConfigError(l.keyword + ": expected yes, no, prohibit-password, without-password or " +
                    "forced-commands-only, got \"" + v + "\"");
}

std::string PermitRootC::dump(PermitRootLogin p) {
  switch (p) {
    case PermitRootLogin::kYes:
      return "yes";
    case PermitRootLogin::kNo:
      return "no";
    case PermitRootLogin::kForcedCommandsOnly:
      return "forced-commands-only";
    case PermitRootLogin::kProhibitPassword:
      break;
  }
  return "prohibit-password";
}

Strings AuthMethodsC::parse(const ConfigLine& l) {
  if (l.args.size() == 1 && iequals(l.args[0], "any")) return {};
  for (const auto& list : l.args) {
    for (const auto& m : split_commas(list, l.keyword)) {
      if (m != "publickey" && m != "password") {
        throw ConfigError(l.keyword + ": unsupported method \"" + m +
                          "\" (supported: publickey, password)");
      }
    }
  }
  return l.args;
}

std::string AuthMethodsC::dump(const Strings& v) { return v.empty() ? "any" : join(v, " "); }

Strings KeysFilesC::parse(const ConfigLine& l) {
  if (l.args.size() == 1 && is_none(l.args[0])) return {};
  for (const auto& f : l.args) {
    if (f.empty()) throw ConfigError(l.keyword + ": empty path");
    check_tokens(f, l.keyword);
  }
  return l.args;
}

std::string KeysFilesC::dump(const Strings& v) {
  if (v.empty()) return "none";
  std::string out;
  for (const auto& f : v) out += (out.empty() ? "" : " ") + quote_argument(f);
  return out;
}

std::string ChrootC::parse(const ConfigLine& l) {
  std::string v = PathOrNone::parse(l);
  check_tokens(v, l.keyword);
  if (!v.empty() && v[0] != '/' && v.rfind("%h", 0) != 0) {
    throw ConfigError(l.keyword + ": \"" + v + "\" is not an absolute path");
  }
  return v;
}

std::string ChrootC::dump(const std::string& v) { return none_or(v); }

namespace {

// internal-sftp's flags are checked when the configuration is read, so a bad one stops the
// server with its file and line instead of refusing every session later.
void check_sftp_flags(const ConfigLine& l, size_t first) {
  SftpServerFlags flags;
  std::vector<std::string> args(l.args.begin() + static_cast<std::ptrdiff_t>(first), l.args.end());
  if (auto error = parse_sftp_server_flags(args, flags))
    throw ConfigError(l.keyword + ": " + *error);
}

}  // namespace

std::string ForceCommandC::parse(const ConfigLine& l) {
  if (l.args.size() == 1 && l.args[0].empty()) throw ConfigError(l.keyword + ": empty command");
  if (l.args.size() == 1 && is_none(l.args[0])) return "";
  if (l.args[0] == "internal-sftp") check_sftp_flags(l, 1);
  return l.raw;
}

std::string ForceCommandC::dump(const std::string& v) { return v.empty() ? "none" : v; }

// Wharf serves SFTP itself whatever program the line names, so OpenSSH's sftp-server path is
// accepted as a synonym of internal-sftp, and the flags of either are honoured (a read-only -R
// must never be dropped on the way).
std::string SubsystemC::parse(const ConfigLine& l) {
  if (l.args[0] != "sftp")
    throw ConfigError(l.keyword + ": only the \"sftp\" subsystem is supported");
  if (l.args.size() < 2) throw ConfigError(l.keyword + ": missing command for \"sftp\"");
  if (l.args[1] != "internal-sftp" && (l.args[1].empty() || l.args[1][0] != '/')) {
    throw ConfigError(l.keyword + ": \"" + l.args[1] +
                      "\" is not internal-sftp or an absolute path");
  }
  check_sftp_flags(l, 2);
  size_t after = l.raw.find_first_of(" \t");
  return l.raw.substr(l.raw.find_first_not_of(" \t", after));
}

std::string SubsystemC::dump(const std::string& v) { return "sftp " + v; }

AtomicUploads AtomicC::parse(const ConfigLine& l) {
  const std::string& v = single(l);
  if (iequals(v, "auto")) return AtomicUploads::kAuto;
  return parse_yes_no(v, l.keyword) ? AtomicUploads::kYes : AtomicUploads::kNo;
}

std::string AtomicC::dump(AtomicUploads a) {
  return a == AtomicUploads::kAuto ? "auto" : a == AtomicUploads::kYes ? "yes" : "no";
}

Strings UserPatterns::parse(const ConfigLine& l) {
  for (const auto& p : l.args) {
    if (p.empty()) throw ConfigError(l.keyword + ": empty pattern");
    size_t at = p.find('@');
    if (at != std::string::npos &&
        (at == 0 || !valid_address_list(std::string_view(p).substr(at + 1)))) {
      throw ConfigError(l.keyword + ": invalid pattern \"" + p + "\"");
    }
  }
  return l.args;
}

std::string UserPatterns::dump(const std::string& v) { return quote_argument(v); }

Strings GroupPatterns::parse(const ConfigLine& l) {
  for (const auto& p : l.args) {
    if (p.empty()) throw ConfigError(l.keyword + ": empty pattern");
  }
  return l.args;
}

std::string GroupPatterns::dump(const std::string& v) { return quote_argument(v); }

}  // namespace wharf::conf::codecs
