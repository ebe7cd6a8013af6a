#include "daemon/options.h"

#include <charconv>
#include <stdexcept>

namespace wharf::daemon {

namespace {

int parse_port(const std::string& s) {
  int port = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  if (ec != std::errc() || end != s.data() + s.size() || port < 1 || port > 65535) {
    throw std::invalid_argument("bad port number: " + s);
  }
  return port;
}

}  // namespace

std::string usage() {
  return "usage: wharfd [-46DdeiTtV] [-C connection_spec] [-f config_file] [-o option] "
         "[-p port]\n";
}

Options parse_options(const std::vector<std::string>& args) {
  Options o;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help") {
      o.help = true;
      continue;
    }
    if (a.size() < 2 || a[0] != '-') throw std::invalid_argument("unexpected argument: " + a);
    // Flags may be grouped (-dd, -Tt); an option taking a value ends the group.
    for (size_t j = 1; j < a.size(); ++j) {
      char f = a[j];
      auto value = [&]() -> std::string {
        if (j + 1 < a.size()) {
          std::string v = a.substr(j + 1);
          j = a.size();
          return v;
        }
        if (++i >= args.size())
          throw std::invalid_argument(std::string("-") + f + " needs a value");
        j = a.size();
        return args[i];
      };
      switch (f) {
        case 'd':
          o.debug = std::min(o.debug + 1, 3);
          break;
        case 'D':
        case 'e':
        case '4':
        case '6':
          break;  // foreground and stderr are the default
        case 'i':
          o.inetd = true;
          break;
        case 't':
          o.test_only = true;
          break;
        case 'T':
          o.dump = true;
          break;
        case 'V':
          o.version = true;
          break;
        case 'h':
          o.help = true;
          break;
        case 'f':
          o.config_file = value();
          break;
        case 'o':
          o.overrides.push_back(value());
          break;
        case 'p':
          o.ports.push_back(parse_port(value()));
          break;
        case 'C':
          o.connection_spec = value();
          break;
        default:
          throw std::invalid_argument(std::string("unknown option -") + f);
      }
    }
  }
  return o;
}

}  // namespace wharf::daemon
