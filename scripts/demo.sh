#!/usr/bin/env bash
# Berth's main job on a fresh Debian 12 machine, as root: install what Berth needs, start `berth up` with its
# embedded defaults, import a busybox image into its local registry, run a container and print its output.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/lib.sh"
berth_install_packages
JAVA_HOME="$(berth_find_jdk)"
export JAVA_HOME
DATA="${BERTH_DEMO_DIR:-/var/lib/berth-demo}"
PORT="${BERTH_DEMO_PORT:-8686}"
mkdir -p "$DATA"

"$ROOT/berth" --version >/dev/null   # builds Berth on first use
"$ROOT/berth" up --data-dir "$DATA" --port "$PORT" >"$DATA/up.log" 2>&1 &
UP_PID=$!
trap 'kill "$UP_PID" 2>/dev/null; wait "$UP_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  [ -f "$DATA/berth.env" ] && grep -q "listening" "$DATA/up.log" && break
  kill -0 "$UP_PID" 2>/dev/null || { cat "$DATA/up.log" >&2; exit 1; }
  sleep 0.5
done
. "$DATA/berth.env"

IMAGE_DIR="$(mktemp -d)"
bash "$ROOT/scripts/make-busybox-image.sh" "$IMAGE_DIR/layout" >/dev/null
IMAGE="$("$ROOT/berth" image import "$IMAGE_DIR/layout" --name demo/busybox:latest)"
rm -rf "$IMAGE_DIR"
echo "berth demo: running $IMAGE"
"$ROOT/berth" run "$IMAGE" --cpu 256 --memory 512 -- sh -c 'echo "hello from a Berth container on $(hostname), $(nproc) cpu(s) visible"'
echo "berth demo: done. Berth's log is in $DATA/up.log"
