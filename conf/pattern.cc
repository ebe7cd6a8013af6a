// OpenSSH-compatible pattern and address matching; see pattern.h.
#include "conf/pattern.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

namespace wharf::conf {
namespace {

// Longest entry we try to parse as an address (OpenSSH uses a 64-byte buffer).
constexpr size_t kMaxAddressText = 63;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool same(char a, char b, bool fold) { return fold ? lower(a) == lower(b) : a == b; }

// Wildcard match with one backtracking point (the last '*'): O(|s| * |pattern|) worst case,
// same answers as OpenSSH's recursive match_pattern.
bool wildcard(std::string_view s, std::string_view p, bool fold) {
  size_t si = 0, pi = 0;
  size_t star = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      star_s = si;
    } else if (pi < p.size() && (p[pi] == '?' || same(p[pi], s[si], fold))) {
      ++si;
      ++pi;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

// Calls fn(entry) for each comma-separated entry (empty ones included); stops when fn
// returns false.
template <typename Fn>
void for_each_entry(std::string_view list, Fn fn) {
  size_t start = 0;
  while (true) {
    size_t comma = list.find(',', start);
    std::string_view entry = list.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (!fn(entry) || comma == std::string_view::npos) return;
    start = comma + 1;
  }
}

struct NetAddr {
  int family = 0;  // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};
  unsigned bits() const { return family == AF_INET ? 32 : 128; }
};

std::optional<NetAddr> parse_address(std::string_view text) {
  if (text.empty() || text.size() > kMaxAddressText) return std::nullopt;
  std::string z(text);
  NetAddr a;
  if (inet_pton(AF_INET, z.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET;
    return a;
  }
  if (inet_pton(AF_INET6, z.c_str(), a.bytes.data()) == 1) {
    a.family = AF_INET6;
    return a;
  }
  return std::nullopt;
}

// True if the first `len` bits of a and b agree.
bool prefix_equal(const NetAddr& a, const NetAddr& b, unsigned len) {
  for (unsigned i = 0; i < len; ++i) {
    unsigned byte = i / 8, bit = 7 - i % 8;
    if (((a.bytes[byte] >> bit) & 1) != ((b.bytes[byte] >> bit) & 1)) return false;
  }
  return true;
}

bool host_bits_zero(const NetAddr& a, unsigned len) {
  for (unsigned i = len; i < a.bits(); ++i) {
    if ((a.bytes[i / 8] >> (7 - i % 8)) & 1) return false;
  }
  return true;
}

struct Cidr {
  NetAddr net;
  unsigned len = 0;
};

enum class CidrResult { kOk, kNotCidr, kInconsistent };

// OpenSSH addr_pton_cidr: kNotCidr (-1) if the text is no address/mask; kInconsistent (-2) if
// the mask is too long for the family or host bits are set.
CidrResult parse_cidr(std::string_view text, Cidr& out) {
  if (text.size() > kMaxAddressText) return CidrResult::kNotCidr;
  size_t slash = text.find('/');
  std::optional<unsigned> len;
  if (slash != std::string_view::npos) {
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return CidrResult::kNotCidr;
    unsigned v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return CidrResult::kNotCidr;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > 128) return CidrResult::kNotCidr;
    len = v;
    text = text.substr(0, slash);
  }
  auto addr = parse_address(text);
  if (!addr) return CidrResult::kNotCidr;
  unsigned l = len.value_or(addr->bits());
  if (l > addr->bits() || !host_bits_zero(*addr, l)) return CidrResult::kInconsistent;
  out = Cidr{*addr, l};
  return CidrResult::kOk;
}

bool cidr_contains(const Cidr& c, const NetAddr& a) {
  return c.net.family == a.family && prefix_equal(c.net, a, c.len);
}

}  // namespace

bool match_pattern(std::string_view s, std::string_view pattern) {
  return wildcard(s, pattern, false);
}

int match_pattern_list(std::string_view s, std::string_view list, bool lowercase_s) {
  int result = 0;
  for_each_entry(list, [&](std::string_view entry) {
    bool negated = !entry.empty() && entry[0] == '!';
    if (negated) entry.remove_prefix(1);
    if (wildcard(s, entry, lowercase_s)) {
      if (negated) {
        result = -1;
        return false;
      }
      result = 1;
    }
    return true;
  });
  return result;
}

int match_address_list(std::string_view addr, std::string_view list) {
  std::optional<NetAddr> peer = parse_address(addr);
  int result = 0;
  for_each_entry(list, [&](std::string_view entry) {
    bool negated = !entry.empty() && entry[0] == '!';
    if (negated) entry.remove_prefix(1);
    if (entry.empty()) {
      result = -2;
      return false;
    }
    Cidr cidr;
    bool hit = false;
    switch (parse_cidr(entry, cidr)) {
      case CidrResult::kInconsistent:
        result = -2;
        return false;
      case CidrResult::kOk:
        hit = peer && cidr_contains(cidr, *peer);
        break;
      case CidrResult::kNotCidr:
        hit = wildcard(addr, entry, false);
        break;
    }
    if (hit) {
      if (negated) {
        result = -1;
        return false;
      }
      result = 1;
    }
    return true;
  });
  return result;
}

bool valid_address_list(std::string_view list) {
  bool ok = true;
  for_each_entry(list, [&](std::string_view entry) {
    if (!entry.empty() && entry[0] == '!') entry.remove_prefix(1);
    Cidr cidr;
    ok = !entry.empty() && parse_cidr(entry, cidr) != CidrResult::kInconsistent;
    return ok;
  });
  return ok;
}

bool valid_cidr_list(std::string_view list) {
  bool ok = true;
  for_each_entry(list, [&](std::string_view entry) {
    Cidr cidr;
    ok = !entry.empty() &&
         entry.find_first_not_of("0123456789abcdefABCDEF.:/") == std::string_view::npos &&
         parse_cidr(entry, cidr) == CidrResult::kOk;
    return ok;
  });
  return ok;
}

std::string unmap_ipv4_mapped(std::string_view addr) {
  auto a = parse_address(addr);
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!a || a->family != AF_INET6 || !std::equal(kMapped, kMapped + 12, a->bytes.begin())) {
    return std::string(addr);
  }
  char buf[INET_ADDRSTRLEN];
  if (!inet_ntop(AF_INET, a->bytes.data() + 12, buf, sizeof buf)) return std::string(addr);
  return buf;
}

}  // namespace wharf::conf
