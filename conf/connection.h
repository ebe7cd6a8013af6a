// What Match blocks are evaluated against: one connection (sshd -T -C).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace wharf::conf {

struct ConnectionInfo {
  std::string user;
  std::vector<std::string> groups;  // every group the user belongs to
  std::string address;              // peer address; "::ffff:a.b.c.d" is matched as a.b.c.d
  std::string local_address;        // likewise
  int local_port = 0;
};

// "user=x,addr=y,laddr=z,lport=n" as sshd -T -C takes it; "host=" and "rdomain=" are accepted and
// ignored; Wharf adds "group=g" (repeatable) since it does not look groups up here.
// Throws ConfigError on an unknown key, a missing '=' or a bad port.
ConnectionInfo parse_connection_spec(std::string_view spec);

}  // namespace wharf::conf
