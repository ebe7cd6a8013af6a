#!/usr/bin/env bash
# Installs the Debian packages a Wharf command needs, only when some are missing.
# Usage: tools/deps.sh build|test
set -euo pipefail

build_pkgs=(bazel-bootstrap g++ libbotan-2-dev libfmt-dev zlib1g-dev libasio-dev
            libgtest-dev libgmock-dev openssh-client)
# Real peers and baselines the tests talk to (see ../shared/BUILDING.md).
# strace proves SCP spawns nothing; openssl and python3-bcrypt make independent password hashes.
test_pkgs=(openssh-server openssh-sftp-server putty-tools python3 python3-paramiko
           python3-bcrypt python3-cryptography curl rclone python3-asyncssh lftp libssh-4
           python3-twisted dropbear-bin libjsch-java python3-scp sshfs git ssh-audit procps
           strace openssl passwd util-linux clang-14 libclang-rt-14-dev)

case "${1:-build}" in
  build) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
