// Algorithm names Wharf's transport supports, and the ones it offers by default (sshd_config
// KexAlgorithms, HostKeyAlgorithms, Ciphers, MACs, PubkeyAcceptedAlgorithms), plus the SFTP
// request names SftpAllowedRequests/SftpDeniedRequests accept. Order is preference order.
#pragma once

#include <string>
#include <vector>

namespace wharf::conf::algorithms {

using Names = std::vector<std::string>;

// RFC 8731, RFC 5656, RFC 4419/8268.
// NIST-curve ECDH is available but off by default, like finite-field DH: ssh-audit fails it
// ("weak elliptic curves"), and every client Wharf serves speaks curve25519.
inline const Names kKexDefault = {
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
};
inline const Names kKexSupported = {
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group14-sha256",
};

// RFC 8709, RFC 5656, RFC 8332. ssh-rsa (SHA-1) is supported but off.
// ECDSA host keys are available but not offered by default, for the same reason.
inline const Names kHostKeyDefault = {
    "ssh-ed25519",
    "rsa-sha2-512",
    "rsa-sha2-256",
};
inline const Names kHostKeySupported = {
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "rsa-sha2-512",
    "rsa-sha2-256",
    "ssh-rsa",
};
// Public-key user authentication uses the same signature algorithms.
// User keys: every type people have, ECDSA included.
inline const Names kPubkeyDefault = {
    "ssh-ed25519",         "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521", "rsa-sha2-512",        "rsa-sha2-256",
};
inline const Names& kPubkeySupported = kHostKeySupported;

// OpenSSH PROTOCOL.chacha20poly1305, RFC 5647 as amended by OpenSSH PROTOCOL, RFC 4344.
inline const Names kCipherDefault = {
    "chacha20-poly1305@openssh.com",
    "aes128-gcm@openssh.com",
    "aes256-gcm@openssh.com",
    "aes128-ctr",
    "aes192-ctr",
    "aes256-ctr",
};
inline const Names& kCipherSupported = kCipherDefault;

// RFC 6668, OpenSSH PROTOCOL 1.6 (encrypt-then-MAC). hmac-sha1 is supported but off.
inline const Names kMacDefault = {
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
};
inline const Names kMacSupported = {
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
    "hmac-sha1",
};

// SFTP v3 requests (draft-ietf-secsh-filexfer-02) and OpenSSH extensions (PROTOCOL section 4)
// without "@openssh.com", as OpenSSH's `sftp-server -Q requests` names them.
inline const Names kSftpRequests = {
    "open",
    "close",
    "read",
    "write",
    "lstat",
    "fstat",
    "setstat",
    "fsetstat",
    "opendir",
    "readdir",
    "remove",
    "mkdir",
    "rmdir",
    "realpath",
    "stat",
    "rename",
    "readlink",
    "symlink",
    "posix-rename",
    "statvfs",
    "fstatvfs",
    "hardlink",
    "fsync",
    "lsetstat",
    "limits",
    "expand-path",
    "copy-data",
    "home-directory",
    "users-groups-by-id",
};

}  // namespace wharf::conf::algorithms
