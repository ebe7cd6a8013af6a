// Value codecs: the syntax of each keyword's value (sshd_config(5) where it exists). A codec has
//   static T parse(const ConfigLine&)  -- throws ConfigError naming the keyword
//   static std::string dump(const T&)  -- text that parse reads back to the same value
// Codecs of accumulating keywords parse into a vector of new elements and dump one element.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conf/algorithms.h"
#include "conf/lexer.h"
#include "conf/settings.h"
#include "conf/values.h"

namespace wharf::conf::codecs {

using Strings = std::vector<std::string>;

// The only argument; throws "KEYWORD: garbage at end of line" if there are more.
const std::string& single(const ConfigLine& l);
std::string join(const Strings& v, const char* sep);
// Splits a comma list; throws on an empty entry.
Strings split_commas(const std::string& s, const std::string& what);
bool is_none(const std::string& s);
// %-tokens in paths: sshd_config(5) TOKENS allowed in AuthorizedKeysFile and ChrootDirectory.
void check_tokens(const std::string& s, const std::string& what);
std::string none_or(const std::string& v);  // "none" for empty, else quoted as needed
Strings algorithm_list(const ConfigLine& l, const Strings& defaults, const Strings& supported);
Strings request_list(const ConfigLine& l, const char* empty_word);

struct Flag {
  static bool parse(const ConfigLine& l);
  static std::string dump(bool v);
};

template <int Min, int Max>
struct Int {
  static int parse(const ConfigLine& l) { return parse_int(single(l), Min, Max, l.keyword); }
  static std::string dump(int v) { return std::to_string(v); }
};

struct Time {
  static int parse(const ConfigLine& l);
  static std::string dump(int v);
};

struct PathOrNone {  // empty = none
  static std::string parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

struct Path {
  static std::string parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

struct PathElem {
  static Strings parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

struct LogLevelC {
  static LogLevel parse(const ConfigLine& l);
  static std::string dump(LogLevel v);
};

struct PortElem {
  static std::vector<int> parse(const ConfigLine& l);
  static std::string dump(int v);
};

struct ListenElem {
  static std::vector<ListenAddress> parse(const ConfigLine& l);
  static std::string dump(const ListenAddress& v);
};

// "start:rate:full" or "start" (then rate 100, full = start), as sshd servconf.c.
struct MaxStartupsC {
  static MaxStartups parse(const ConfigLine& l);
  static std::string dump(const MaxStartups& m);
};

struct CountOrNone {  // 0 = none
  static int parse(const ConfigLine& l);
  static std::string dump(int v);
};

// PerSourceNetBlockSize: "ipv4" or "ipv4:ipv6" prefix lengths (sshd_config(5)).
struct NetBlockSizeC {
  static NetBlockSize parse(const ConfigLine& l);
  static std::string dump(const NetBlockSize& n);
};

// PerSourcePenalties: "yes", "no", or key:value words (OpenSSH 9.8 sshd_config(5)).
struct PenaltiesC {
  static Penalties parse(const ConfigLine& l);
  static void apply(Penalties& p, const std::string& word, const std::string& kw);
  static std::string dump(const Penalties& p);
};

// PerSourcePenaltyExemptList (OpenSSH 9.8): one address list (CIDR, wildcards, '!'), checked as
// sshd checks it with addr_match_list(NULL, list); "none" is the default, nobody exempt.
struct AddressListOrNone {
  static std::string parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

enum class Alg { kKex, kHostKey, kCipher, kMac, kPubkey };

template <Alg A>
struct AlgList {
  static Strings parse(const ConfigLine& l) {
    namespace a = algorithms;
    switch (A) {
      case Alg::kKex:
        return algorithm_list(l, a::kKexDefault, a::kKexSupported);
      case Alg::kHostKey:
        return algorithm_list(l, a::kHostKeyDefault, a::kHostKeySupported);
      case Alg::kCipher:
        return algorithm_list(l, a::kCipherDefault, a::kCipherSupported);
      case Alg::kMac:
        return algorithm_list(l, a::kMacDefault, a::kMacSupported);
      case Alg::kPubkey:
        break;
    }
    return algorithm_list(l, a::kPubkeyDefault, a::kPubkeySupported);
  }
  static std::string dump(const Strings& v) { return join(v, ","); }
};

struct CompressionC {
  static Compression parse(const ConfigLine& l);
  static std::string dump(Compression c);
};

// RekeyLimit default|SIZE [default|none|TIME] (sshd_config(5)).
struct RekeyC {
  static RekeyLimit parse(const ConfigLine& l);
  static std::string dump(const RekeyLimit& r);
};

struct PermitRootC {
  static PermitRootLogin parse(const ConfigLine& l);
  static std::string dump(PermitRootLogin p);
};

// AuthenticationMethods any | LIST... where each LIST is comma-separated methods (RFC 4252
// section 5.1 partial success). Wharf implements publickey and password.
struct AuthMethodsC {
  static Strings parse(const ConfigLine& l);
  static std::string dump(const Strings& v);
};

struct KeysFilesC {
  static Strings parse(const ConfigLine& l);
  static std::string dump(const Strings& v);
};

struct ChrootC {
  static std::string parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

struct ForceCommandC {  // the raw rest of the line, as sshd keeps it
  static std::string parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

// Subsystem sftp internal-sftp | Subsystem sftp /path/to/sftp-server [args]
struct SubsystemC {
  static std::string parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

// SftpAllowedRequests ("all" = empty) and SftpDeniedRequests ("none" = empty).
template <bool kAllowed>
struct RequestList {
  static Strings parse(const ConfigLine& l) { return request_list(l, kAllowed ? "all" : "none"); }
  static std::string dump(const Strings& v) {
    return v.empty() ? (kAllowed ? "all" : "none") : join(v, ",");
  }
};

template <uint32_t Max>
struct OctalOrNone {
  static std::optional<uint32_t> parse(const ConfigLine& l) {
    const std::string& v = single(l);
    if (is_none(v)) return std::nullopt;
    return parse_octal(v, Max, l.keyword);
  }
  static std::string dump(const std::optional<uint32_t>& v) {
    return v ? format_octal(*v) : "none";
  }
};

struct AtomicC {
  static AtomicUploads parse(const ConfigLine& l);
  static std::string dump(AtomicUploads a);
};

// AllowUsers/DenyUsers: USER or USER@HOST patterns; the host part may be an address list entry.
struct UserPatterns {
  static Strings parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

struct GroupPatterns {
  static Strings parse(const ConfigLine& l);
  static std::string dump(const std::string& v);
};

}  // namespace wharf::conf::codecs
