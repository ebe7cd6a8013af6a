#!/usr/bin/env bash
# Issue 7's benchmark: wharfd (built optimised) against Debian's sshd, side by side.
#   tests/bench/suite/run.sh [--quick] [--reps N] [--only bulk,delayed,...] [--json-out FILE]
# Needs root (chroot, a throwaway user, sshd), openssh-server and about 6 GiB free in /dev/shm.
set -euo pipefail
cd "$(dirname "$0")/../../.."
if [[ ! -x /usr/sbin/sshd ]]; then
  echo "run.sh: /usr/sbin/sshd not found; install it with: tools/deps.sh test" \
       "(or apt-get install openssh-server)" >&2
  exit 1
fi
# BAZEL may add startup options, e.g. BAZEL="bazel --output_base=/root/.cache/bazel-mine".
read -r -a bazel <<< "${BAZEL:-bazel}"
"${bazel[@]}" build -c opt //daemon:wharfd
bin=$("${bazel[@]}" info -c opt bazel-bin)
exec /usr/bin/python3 tests/bench/suite/bench.py --wharfd "$bin/daemon/wharfd" "$@"
