// Private keys in PEM files as OpenSSL and `ssh-keygen -m PEM` write them: PKCS#8
// ("PRIVATE KEY", RFC 5208), PKCS#1 ("RSA PRIVATE KEY", RFC 8017 appendix A.1.2) and SEC1
// ("EC PRIVATE KEY", RFC 5915). Encrypted ones are refused.
#pragma once

#include <string_view>

#include "transport/keys/host_key.h"

namespace wharf::keys {

HostKey parse_pem_key(std::string_view text);

}  // namespace wharf::keys
