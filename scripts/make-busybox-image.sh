#!/usr/bin/env bash
# Builds a small OCI image layout from Debian's busybox-static: /bin/busybox and its applets, nothing else.
# Usage: make-busybox-image.sh DIR   (writes the layout to DIR, tag "latest")
set -euo pipefail
OUT="${1:?usage: make-busybox-image.sh DIR}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
umoci init --layout "$OUT"
umoci new --image "$OUT:latest"
umoci unpack --image "$OUT:latest" "$WORK/bundle" >/dev/null
mkdir -p "$WORK/bundle/rootfs/bin" "$WORK/bundle/rootfs/etc" "$WORK/bundle/rootfs/tmp"
cp /bin/busybox "$WORK/bundle/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$WORK/bundle/rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$WORK/bundle/rootfs/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' > "$WORK/bundle/rootfs/etc/group"
umoci repack --image "$OUT:latest" "$WORK/bundle"
umoci config --image "$OUT:latest" --config.cmd sh --config.env PATH=/bin
