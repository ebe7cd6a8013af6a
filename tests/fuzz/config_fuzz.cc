// Fuzzes the sshd_config-style parser (conf/config.h) with text from the fuzzer.
//
// Inputs naming Include are skipped (they would read files of the host). A configuration that
// loads must evaluate for a connection, and its `sshd -T` dump must load again and dump the
// same (config.h: the dump "parses back").
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "conf/config.h"
#include "conf/errors.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using namespace wharf;
using fuzz::check;

bool mentions_include(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  return lower.find("include") != std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (mentions_include(text)) return 0;
  std::optional<conf::Config> config;
  try {
    config = conf::Config::parse_text(text, "/nonexistent/fuzz_config", {});
  } catch (const conf::ConfigError&) {
    return 0;
  }
  conf::ConnectionInfo info{"alice", {"users", "sftp"}, "192.0.2.7", "127.0.0.1", 2222};
  const conf::Settings matched = config->for_connection(info);
  (void)config->dump(matched);
  const std::string dump = config->dump(config->global());
  std::optional<conf::Config> again;
  try {
    again = conf::Config::parse_text(dump, "/nonexistent/fuzz_dump", {});
  } catch (const conf::ConfigError& e) {
    std::fprintf(stderr, "dump does not load: %s\n--- dump:\n%s", e.what(), dump.c_str());
    check(false);  // the dump of a loaded configuration must load
  }
  const std::string dump2 = again->dump(again->global());
  if (dump2 != dump) {
    std::fprintf(stderr, "dump changed:\n--- first:\n%s--- second:\n%s", dump.c_str(),
                 dump2.c_str());
    check(false);
  }
  return 0;
}
