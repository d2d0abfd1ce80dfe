# Shared by Berth's scripts: finding a JDK 22+ and installing Debian packages. Source it; do not run it.

BERTH_DEBIAN_PACKAGES=(
  maven                       # builds Berth
  runc conmon                 # the OCI runtime and the per-container monitor
  runsc                       # gVisor: the OCI runtime of the sandbox isolation tier (a user-space kernel per task)
  tini                        # initProcessEnabled: its static tini-static runs as PID 1 in any image (reaps, forwards signals)
  docker-registry             # the local OCI registry `berth up` runs
  containernetworking-plugins # CNI plugins: a network namespace and an address per task
  nftables                    # tenants apart on each host, anti-spoofing, the host's protection, masquerade
  iptables                    # removes the masquerade rules of tasks that earlier versions started
  busybox-static umoci skopeo # test images are built from busybox and packed as OCI
  attr                        # setfattr, for overlayfs opaque-directory whiteouts
  e2fsprogs mount             # mkfs.ext4, losetup and mount: each task's ephemeral storage is a filesystem on a loop device
  postgresql                  # the HA store, and the store tests' second database
  haproxy                     # the load balancers (ELBv2) of the ingress hosts: configured and supervised by the agent
  iperf3                      # the task network benchmark (scripts/bench.sh --network)
  awscli                      # the registry tests log skopeo in with `aws ecr get-login-password`, as CI tools do
  gcc libc6-dev               # the escape suite builds its attacker (escape-probe.c) static
  iproute2 procps util-linux ca-certificates
)

# Prints the path of a JDK whose major version is 22 or more: JAVA_HOME first, then /usr/lib/jvm.
berth_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
    candidate="${candidate%/}"
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    # the JDK's release file says its version without starting a JVM (which would cost every berth command)
    major="$(sed -n 's/^JAVA_VERSION="\(1\.\)\{0,1\}\([0-9]*\).*/\2/p' "$candidate/release" 2>/dev/null || true)"
    [ -n "$major" ] || major="$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
    if [ -n "$major" ] && [ "$major" -ge 22 ]; then
      echo "$candidate"
      return 0
    fi
  done
  echo "berth: no JDK 22 or newer found (looked at JAVA_HOME and /usr/lib/jvm)." >&2
  echo "berth: install one, e.g. Temurin 25 (https://adoptium.net) into /usr/lib/jvm, or set JAVA_HOME." >&2
  return 1
}

# Installs the Debian packages Berth needs; quiet unless something fails.
berth_install_packages() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "berth: run as root to install packages (apt-get)" >&2
    return 1
  fi
  local log
  log="$(mktemp)"
  echo "berth: installing Debian packages (apt-get update; apt-get install)..."
  if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      $(printf '%s\n' "${BERTH_DEBIAN_PACKAGES[@]}" | sed 's/#.*//'); } >"$log" 2>&1; then
    tail -30 "$log" >&2
    echo "berth: package installation failed (full log: $log)" >&2
    return 1
  fi
  rm -f "$log"
}
