#!/bin/bash
# Benchmark (not a test): OpenSSH's sftp client over stdio (`sftp -D`) against wharf-sftp-server
# and against Debian's OpenSSH sftp-server, uploading and downloading the same 1 GiB file in
# tmpfs. Prints the best wall time of each, the ratio OpenSSH/Wharf (above 1 means Wharf is
# faster), and the server processes' own CPU time (user+system, best run), which is less
# disturbed than wall time when other work shares the machine.
#
#   bazel build //sftp:wharf-sftp-server
#   WHARF_SFTP_SERVER=<path to the built binary> tests/bench/sftp_stdio_bench.sh \
#       [size_MiB] [runs] [extra sftp flags...]
# Without WHARF_SFTP_SERVER the script looks in bazel-bin/ of the repository.
set -euo pipefail

size_mib=${1:-1024}
runs=${2:-3}
shift $(( $# > 2 ? 2 : $# )) || true
extra=("$@")

wharf=${WHARF_SFTP_SERVER:-$(cd "$(dirname "$0")/../.." && pwd)/bazel-bin/sftp/wharf-sftp-server}
[[ -x "$wharf" ]] || { echo "wharf-sftp-server not found at $wharf" >&2; exit 1; }
openssh=/usr/lib/openssh/sftp-server

work=$(mktemp -d /dev/shm/sftp-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root" "$work/local"
# Runs the server as a child and appends its CPU seconds to $work/cpu.
cat > "$work/cpu" <<'PY'
#!/usr/bin/python3
import os, resource, subprocess, sys
rc = subprocess.call(sys.argv[1:])
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(os.path.join(os.path.dirname(sys.argv[0]), "cpu.log"), "a") as f:
    f.write(f"{ru.ru_utime + ru.ru_stime:.3f}\n")
sys.exit(rc)
PY
chmod +x "$work/cpu"
head -c "$((size_mib << 20))" /dev/urandom > "$work/local/src"
want=$(sha256sum < "$work/local/src")

# Seconds for one run of `sftp -D server` doing `cmd`.
run() {
  local server=$1 cmd=$2
  local start end
  start=$(date +%s.%N)
  (cd "$work/local" && echo "$cmd" | sftp -q "${extra[@]}" -D "$work/cpu $server" -b - >/dev/null)
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}

best() {  # the fastest of $runs runs; the least server CPU goes to $work/cpu.best
  local server=$1 cmd=$2 t b=""
  rm -f "$work/cpu.log"
  for ((i = 0; i < runs; i++)); do
    rm -f "$work/root/dst" "$work/local/back"
    [[ $cmd == get* ]] && cp "$work/local/src" "$work/root/dst"
    t=$(run "$server" "$cmd")
    if [[ -z "$b" ]] || (( $(echo "$t < $b" | bc) )); then b=$t; fi
  done
  sort -n "$work/cpu.log" | head -1 > "$work/cpu.best"
  echo "$b"
}

verify() {
  local f=$1
  [[ "$(sha256sum < "$f")" == "$want" ]] || { echo "MISMATCH in $f" >&2; exit 1; }
}

echo "file: ${size_mib} MiB in tmpfs; best of ${runs}; sftp flags: ${extra[*]:-(default)}"
printf "%-9s %10s %12s %7s   %14s %16s %7s\n" "direction" "wharf (s)" "openssh (s)" "ratio" \
  "wharf cpu (s)" "openssh cpu (s)" "ratio"
for dir in put get; do
  if [[ $dir == put ]]; then cmd="put src dst"; else cmd="get dst back"; fi
  tw=$(best "$wharf $work/root" "$cmd")
  cw=$(cat "$work/cpu.best")
  [[ $dir == put ]] && verify "$work/root/dst" || verify "$work/local/back"
  to=$(best "$openssh -d $work/root" "$cmd")
  co=$(cat "$work/cpu.best")
  [[ $dir == put ]] && verify "$work/root/dst" || verify "$work/local/back"
  printf "%-9s %10.3f %12.3f %7.2f   %14.3f %16.3f %7.2f\n" "$dir" "$tw" "$to" \
    "$(echo "scale=4; $to / $tw" | bc)" "$cw" "$co" "$(echo "scale=4; $co / $cw" | bc)"
done
