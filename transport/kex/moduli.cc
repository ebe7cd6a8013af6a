#include "transport/kex/moduli.h"

#include <botan/hex.h>
#include <botan/system_rng.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <iterator>

namespace wharf::kex {

namespace {

constexpr size_t kMaxModuliFile = 4 * 1024 * 1024;
constexpr size_t kMaxLine = 8192;
constexpr uint32_t kTypeSafe = 2;           // MODULI_TYPE_SAFE
constexpr uint32_t kTestsComposite = 0x01;  // MODULI_TESTS_COMPOSITE

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size() && out.size() <= 7) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

uint64_t number(std::string_view s, size_t line_no, const char* what) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) {
    throw ModuliError("moduli line " + std::to_string(line_no) + ": bad " + what);
  }
  return v;
}

Botan::BigInt hex_number(std::string_view s, size_t line_no) {
  bool ok = !s.empty() && s.size() <= 2 * Moduli::kMaxBits / 8 + 2;
  for (char c : s) ok = ok && std::isxdigit(static_cast<unsigned char>(c));
  if (!ok) throw ModuliError("moduli line " + std::to_string(line_no) + ": bad modulus");
  std::string even(s.size() % 2, '0');
  even.append(s);
  std::vector<uint8_t> bytes = Botan::hex_decode(even);
  return Botan::BigInt(bytes.data(), bytes.size());
}

}  // namespace

Moduli Moduli::parse(std::string_view text) {
  Moduli out;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLine)
      throw ModuliError("moduli line " + std::to_string(line_no) + " is too long");
    std::vector<std::string_view> f = split(line);
    if (f.empty() || f[0][0] == '#') continue;
    if (f.size() != 7) {
      throw ModuliError("moduli line " + std::to_string(line_no) + ": expected 7 fields");
    }
    number(f[0], line_no, "time");
    const uint64_t type = number(f[1], line_no, "type");
    const uint64_t tests = number(f[2], line_no, "tests");
    number(f[3], line_no, "trials");
    const uint64_t size = number(f[4], line_no, "size");
    const uint64_t g = number(f[5], line_no, "generator");
    if (size > 2 * kMaxBits || g > 0xffffffff) {
      throw ModuliError("moduli line " + std::to_string(line_no) + ": size or generator too large");
    }
    ModuliGroup group{static_cast<size_t>(size) + 1, hex_number(f[6], line_no), Botan::BigInt(g)};
    // The file's size is the bit length minus one (as in OpenSSH's dh.c).
    if (group.p.bits() != group.bits) {
      throw ModuliError("moduli line " + std::to_string(line_no) + ": size does not match");
    }
    const bool usable = type == kTypeSafe && (tests & kTestsComposite) == 0 &&
                        (tests & ~kTestsComposite) != 0 && group.bits >= kMinBits &&
                        group.bits <= kMaxBits && g >= 2 && group.g < group.p - 1 &&
                        group.p.is_odd();
    if (usable) {
      out.groups_.push_back(std::move(group));
    } else {
      ++out.skipped_;
    }
  }
  if (out.groups_.empty()) {
    throw ModuliError("moduli file has no usable group of at least " + std::to_string(kMinBits) +
                      " bits");
  }
  return out;
}

Moduli Moduli::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModuliError("cannot read moduli file " + path);
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<size_t>(in.gcount()));
    if (text.size() > kMaxModuliFile) throw ModuliError("moduli file is too large: " + path);
  }
  return parse(text);
}

const ModuliGroup* Moduli::choose(uint32_t min, uint32_t n, uint32_t max) const {
  if (min > n || n > max) return nullptr;
  size_t best = 0;
  for (const auto& g : groups_) {
    if (g.bits < min || g.bits > max) continue;
    const bool better =
        best == 0 || (g.bits >= n ? (best < n || g.bits < best) : (best < n && g.bits > best));
    if (better) best = g.bits;
  }
  if (best == 0) return nullptr;
  std::vector<const ModuliGroup*> same;
  for (const auto& g : groups_) {
    if (g.bits == best) same.push_back(&g);
  }
  uint32_t pick = 0;
  Botan::system_rng().randomize(reinterpret_cast<uint8_t*>(&pick), sizeof pick);
  return same[pick % same.size()];
}

}  // namespace wharf::kex
