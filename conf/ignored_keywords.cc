#include "conf/ignored_keywords.h"

#include <array>
#include <utility>

#include "conf/values.h"

namespace wharf::conf {
namespace {

constexpr std::string_view kNoSessions =
    "Wharf serves only SFTP and SCP: no forwarding, terminal "
    "or environment";
constexpr std::string_view kNoMethod = "Wharf authenticates with public keys and passwords only";
constexpr std::string_view kNoCertificates = "Wharf does not accept certificates";
constexpr std::string_view kObsolete = "obsolete in sshd too";

constexpr std::array<std::pair<std::string_view, std::string_view>, 46> kIgnored = {{
    {"AcceptEnv", kNoSessions},
    {"AllowAgentForwarding", kNoSessions},
    {"AllowStreamLocalForwarding", kNoSessions},
    {"AllowTcpForwarding", kNoSessions},
    {"DisableForwarding", kNoSessions},
    {"ExposeAuthInfo", kNoSessions},
    {"GatewayPorts", kNoSessions},
    {"PermitListen", kNoSessions},
    {"PermitOpen", kNoSessions},
    {"PermitTTY", kNoSessions},
    {"PermitTunnel", kNoSessions},
    {"PermitUserEnvironment", kNoSessions},
    {"PermitUserRC", kNoSessions},
    {"PrintLastLog", kNoSessions},
    {"PrintMotd", kNoSessions},
    {"SetEnv", kNoSessions},
    {"StreamLocalBindMask", kNoSessions},
    {"StreamLocalBindUnlink", kNoSessions},
    {"X11DisplayOffset", kNoSessions},
    {"X11Forwarding", kNoSessions},
    {"X11UseLocalhost", kNoSessions},
    {"XAuthLocation", kNoSessions},
    {"ChallengeResponseAuthentication", kNoMethod},
    {"GSSAPIAuthentication", kNoMethod},
    {"GSSAPICleanupCredentials", kNoMethod},
    {"GSSAPIStrictAcceptorCheck", kNoMethod},
    {"HostbasedAcceptedAlgorithms", kNoMethod},
    {"HostbasedAuthentication", kNoMethod},
    {"HostbasedUsesNameFromPacketOnly", kNoMethod},
    {"IgnoreRhosts", kNoMethod},
    {"IgnoreUserKnownHosts", kNoMethod},
    {"KbdInteractiveAuthentication", kNoMethod},
    {"KerberosAuthentication", kNoMethod},
    {"KerberosGetAFSToken", kNoMethod},
    {"KerberosOrLocalPasswd", kNoMethod},
    {"KerberosTicketCleanup", kNoMethod},
    {"PermitEmptyPasswords", "Wharf never accepts an empty password"},
    {"UsePAM", "Wharf checks passwords itself (shadow, VirtualUsersFile), without PAM"},
    {"CASignatureAlgorithms", kNoCertificates},
    {"TrustedUserCAKeys", kNoCertificates},
    {"SyslogFacility", "Wharf logs to stderr"},
    {"DebianBanner", "Wharf's version string is fixed"},
    {"VersionAddendum", "Wharf's version string is fixed"},
    {"Protocol", kObsolete},
    {"UsePrivilegeSeparation", kObsolete},
    {"UseLogin", kObsolete},
}};

}  // namespace

std::optional<std::string_view> ignored_keyword_reason(std::string_view keyword) {
  for (const auto& [name, reason] : kIgnored) {
    if (iequals(name, keyword)) return reason;
  }
  return std::nullopt;
}

}  // namespace wharf::conf
