// Fuzzes authorized_keys parsing and option evaluation (sshd(8) "AUTHORIZED_KEYS FILE FORMAT").
//
// The input is a file's contents. Every key the parser keeps must be of a supported type with a
// blob check_key_blob() accepts and a line number within the file; looking each key up must
// find a line with that key; each line's options field is also parsed and evaluated on its own.
#include <cstdint>
#include <ctime>
#include <string_view>

#include "auth/authorized_keys.h"
#include "auth/key_options.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using namespace wharf;
using fuzz::check;

constexpr std::time_t kNow = 1700000000;  // fixed, so runs are reproducible

void fuzz_options(std::string_view line) {
  auth::OptionsParse p = auth::parse_key_options(line);
  check(p.options.has_value() != !p.error.empty());
  if (!p.options) return;
  for (std::string_view addr : {"192.0.2.7", "::ffff:10.1.2.3", "2001:db8::1"}) {
    auth::KeyDecision d = auth::evaluate_options(*p.options, addr, kNow);
    if (p.options->cert_authority) check(!d.allowed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auth::AuthorizedKeys keys = auth::parse_authorized_keys(text);
  size_t lines = 1;
  for (char c : text) lines += c == '\n';
  for (const auto& k : keys.keys) {
    check(auth::is_supported_key_type(k.key_type));
    check(auth::check_key_blob(k.key_type, k.blob).empty());
    check(k.line_number >= 1 && k.line_number <= lines);
    auth::KeyMatch m = auth::match_key(keys, k.key_type, k.blob, "192.0.2.7", kNow);
    if (m.entry) {
      check(m.entry->key_type == k.key_type && m.entry->blob == k.blob && m.decision.allowed);
    }
  }
  for (const auto& d : keys.diagnostics) check(d.line_number >= 1 && d.line_number <= lines);
  // Each line's leading field as an options field, and the whole line as an expiry value.
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    fuzz_options(line);
    auth::parse_expiry_time(line);
    start = end + 1;
  }
  return 0;
}
