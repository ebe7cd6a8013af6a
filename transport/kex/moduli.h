// Diffie-Hellman groups for diffie-hellman-group-exchange-sha256 (RFC 4419), read from a file in
// OpenSSH's moduli(5) format: one group per line,
//   time type tests trials size generator modulus
// with type 2 (safe prime), `tests` a bit mask of the tests passed (0x01 = found composite),
// `size` the modulus bit length minus one, and the modulus in hex. '#' starts a comment line.
#pragma once

#include <botan/bigint.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wharf::kex {

class ModuliError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ModuliGroup {
  size_t bits = 0;
  Botan::BigInt p;
  Botan::BigInt g;
};

class Moduli {
 public:
  // Smallest group Wharf offers (RFC 8270 raises RFC 4419's 1024 to 2048; we ask for 3072).
  static constexpr size_t kMinBits = 3072;
  static constexpr size_t kMaxBits = 8192;

  // Malformed lines throw ModuliError naming the line. Well-formed groups that must not be used
  // (smaller than kMinBits or larger than kMaxBits, not a safe prime, marked composite or never
  // tested, generator out of range) are left out and counted in skipped(). A file with no usable
  // group at all is an error.
  static Moduli parse(std::string_view text);
  static Moduli load(const std::string& path);

  // RFC 4419 section 3: a group of at least `n` bits within [min, max], the smallest such;
  // failing that, the largest one in [min, max]. Picks at random among groups of that size.
  // nullptr if none fits.
  const ModuliGroup* choose(uint32_t min, uint32_t n, uint32_t max) const;

  const std::vector<ModuliGroup>& groups() const { return groups_; }
  size_t skipped() const { return skipped_; }

 private:
  std::vector<ModuliGroup> groups_;
  size_t skipped_ = 0;
};

}  // namespace wharf::kex
