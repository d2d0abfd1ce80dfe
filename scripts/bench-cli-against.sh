#!/usr/bin/env bash
# Compares this tree's CLI with another build's, run by run, against a Berth that is already up (source its
# berth.env first): on a shared machine whose load moves from minute to minute, interleaving the runs (other, this,
# this through its CLI daemon (the default), this in a JVM of its own (BERTH_DAEMON=off), and that without the AOT
# cache) gives each the same load. Prints the median wall and CPU (user + sys) time of each.
# Both trees need their AOT caches made already (run a command with each and wait for cli/target/aot/*.seal).
# Usage: bench-cli-against.sh OTHER_TREE RUNS COMMAND [ARGS...], e.g. bench-cli-against.sh /work/main 7 ps
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
OTHER="${1:?usage: bench-cli-against.sh OTHER_TREE RUNS COMMAND [ARGS...]}"
RUNS="${2:?usage: bench-cli-against.sh OTHER_TREE RUNS COMMAND [ARGS...]}"
shift 2
[ -x "$OTHER/berth" ] || { echo "bench-cli-against: no berth launcher in $OTHER" >&2; exit 2; }
TIMES="$(mktemp)"
trap 'rm -f "$TIMES"' EXIT
for _ in $(seq 1 "$RUNS"); do
  /usr/bin/time -f "other %e %U %S" -a -o "$TIMES" timeout 120 "$OTHER/berth" "$@" >/dev/null 2>&1 || echo "other failed: $*" >&2
  /usr/bin/time -f "this %e %U %S" -a -o "$TIMES" timeout 120 "$ROOT/berth" "$@" >/dev/null 2>&1 || echo "this failed: $*" >&2
  BERTH_DAEMON=off /usr/bin/time -f "nodaemon %e %U %S" -a -o "$TIMES" timeout 120 "$ROOT/berth" "$@" >/dev/null 2>&1 || echo "this (no daemon) failed: $*" >&2
  BERTH_DAEMON=off BERTH_AOT=off /usr/bin/time -f "noaot %e %U %S" -a -o "$TIMES" timeout 120 "$ROOT/berth" "$@" >/dev/null 2>&1 || echo "this (no daemon, no AOT cache) failed: $*" >&2
done
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "berth $* (median of $RUNS; wall s / CPU s), load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
# this: through the CLI daemon; nodaemon: a JVM of its own with the AOT cache; noaot: a JVM of its own without it
for variant in other this nodaemon noaot; do
  printf '%-8s %s / %s\n' "$variant" "$(awk -v v="$variant" '$1 == v {print $2}' "$TIMES" | median)" \
    "$(awk -v v="$variant" '$1 == v {print $3 + $4}' "$TIMES" | median)"
done
