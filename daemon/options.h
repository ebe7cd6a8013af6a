// wharfd's command line, modelled on sshd(8).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace wharf::daemon {

struct Options {
  std::string config_file;             // -f; empty = the embedded default
  std::vector<std::string> overrides;  // -o Keyword=value, in order
  std::vector<int> ports;              // -p (replace the configured ports)
  int debug = 0;                       // -d, repeatable: DEBUG1..DEBUG3
  bool inetd = false;                  // -i: one connection on stdin/stdout
  bool test_only = false;              // -t: check the configuration and exit
  bool dump = false;                   // -T: print the effective configuration and exit
  std::string connection_spec;         // -C user=...,addr=...,lport=...
  bool help = false;                   // -h / --help
  bool version = false;                // -V
};

// Parses argv; throws std::invalid_argument with a usage message on a bad command line.
Options parse_options(const std::vector<std::string>& args);
std::string usage();

}  // namespace wharf::daemon
