#!/usr/bin/env bash
# Measures how fast Berth starts a task against raw runc on this machine, as root: builds the benchmarks
# module, then runs io.berth.benchmarks.StartLatencyBenchmark, which starts its own Berth (control plane,
# agent, registry on loopback) in a temporary directory, prints the figures, and removes everything it started.
# Options go to the benchmark: --iterations N (50) --warmups N (3) --burst N (50) --poll-ms N (10).
# With --fleet first, it runs io.berth.benchmarks.FleetStartBenchmark instead: `berth server` and three
# `berth agent` processes, each agent in a network namespace of its own, next to raw runc and the all-in-one.
# With --network first, io.berth.benchmarks.TaskNetworkBenchmark: task-to-task throughput and round trip on one
# host and across hosts of such a fleet, next to the underlay between the hosts' namespaces (needs iperf3).
# With --userns first, io.berth.benchmarks.UserNamespaceBenchmark: a task container's rootfs and start steps with
# and without a user namespace (idmapped layers), and the disk each takes.
# With --tiers first, io.berth.benchmarks.TierBenchmark: RunTask-to-RUNNING at the container tier (runc) and the
# sandbox tier (gVisor's runsc) next to raw runc run and raw runsc run of the same bundle, and a CPU-bound and a
# syscall-heavy workload under each tier next to the host (needs runsc).
# With --pull, io.berth.benchmarks.PullBenchmark: pull and unpack of a ~500 MB multi-layer image from a local
# registry by the agent's image service, next to `skopeo copy` into an OCI directory plus `tar -xzf` of its layers.
# With --lb, io.berth.benchmarks.LoadBalancerBenchmark: GETs through a load balancer (HAProxy) next to direct to one
# task (p50, p99, requests per second), failed requests while a service behind it rolls to a new revision, and
# UpdateService to a stable service of 20 tasks (scale-out 2 -> 20, a rolling deployment of the 20) next to RunTask of 20.
# With --drain, io.berth.benchmarks.ServiceDrainBenchmark: failed requests through a load balancer on a fleet's
# ingress host (`berth agent --ingress`) while `berth host drain` moves a service's tasks off a host, next to the same
# load without a drain.
# With --failover, io.berth.benchmarks.FailoverBenchmark: three `berth server` replicas on PostgreSQL (a fresh database
# on the server BERTH_TEST_POSTGRES_URL names) and one agent; the leader SIGKILLed up to 5 times (--iterations): time
# to the new leader's lease and to the placement of a RunTask sent at the kill.
# With --scale, io.berth.benchmarks.ScaleBenchmark: `berth server` on PostgreSQL (a fresh database on the server
# BERTH_TEST_POSTGRES_URL names) and a simulated fleet in one process speaking the agent protocol: --agents N (1000)
# --tasks N (50000) --heartbeat-ms N (2000) --seconds N (20, each measured phase) --concurrency N (32, RunTask workers)
# --replicas N (3: RunTask throughput with 1, 2 and 3 replicas, then the leader's SIGKILL) --collector g1|serial (g1:
# `berth server`'s JVM settings; serial: `berth up`'s) --jfr (profile the first).
# With --tls, io.berth.benchmarks.TlsBenchmark: ListClusters through the AWS SDK against `berth server` with HTTPS
# (its cluster CA) next to --tls off, kept alive and on new connections (--requests N, --connections N).
# With --agent-link, io.berth.benchmarks.AgentLinkBenchmark: a sync's round trip through the agent's link next to the
# JDK HttpClient as the link used it before, quiet and with every core busy (--syncs N).
# With --cli [RUNS] or --idle [TASKS], scripts/bench-cli.sh: `berth run`, `berth ps` and `berth --version` through
# the ./berth launcher next to raw `runc run` of the same bundle; or the idle cost of TASKS (100) idle tasks.
set -euo pipefail
if [ "${1:-}" = "--cli" ] || [ "${1:-}" = "--idle" ]; then
  exec bash "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/bench-cli.sh" "$@"
fi
BENCHMARK=io.berth.benchmarks.StartLatencyBenchmark
LOG_NAME=bench-berth.log
if [ "${1:-}" = "--fleet" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.FleetStartBenchmark
  LOG_NAME=bench-fleet-berth.log
elif [ "${1:-}" = "--userns" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.UserNamespaceBenchmark
  LOG_NAME=bench-userns-berth.log
elif [ "${1:-}" = "--tiers" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.TierBenchmark
  LOG_NAME=bench-tiers-berth.log
elif [ "${1:-}" = "--network" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.TaskNetworkBenchmark
  LOG_NAME=bench-network-berth.log
elif [ "${1:-}" = "--lb" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.LoadBalancerBenchmark
  LOG_NAME=bench-lb-berth.log
elif [ "${1:-}" = "--drain" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.ServiceDrainBenchmark
  LOG_NAME=bench-drain-berth.log
elif [ "${1:-}" = "--failover" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.FailoverBenchmark
  LOG_NAME=bench-failover-berth.log
elif [ "${1:-}" = "--scale" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.ScaleBenchmark
  LOG_NAME=bench-scale-berth.log
elif [ "${1:-}" = "--tls" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.TlsBenchmark
  LOG_NAME=bench-tls-berth.log
elif [ "${1:-}" = "--agent-link" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.AgentLinkBenchmark
  LOG_NAME=bench-agent-link-berth.log
elif [ "${1:-}" = "--pull" ]; then
  shift
  BENCHMARK=io.berth.benchmarks.PullBenchmark
  LOG_NAME=bench-pull-berth.log
fi
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
. "$ROOT/scripts/lib.sh"
if [ "$(id -u)" -ne 0 ]; then
  echo "berth bench: run as root (sudo bash scripts/bench.sh): runc, overlay mounts and cgroups need it" >&2
  exit 1
fi
TOOLS="runc conmon docker-registry skopeo busybox ip nsenter"
[ "$BENCHMARK" = io.berth.benchmarks.TierBenchmark ] && TOOLS="$TOOLS runsc"
[ "$BENCHMARK" = io.berth.benchmarks.LoadBalancerBenchmark ] && TOOLS="$TOOLS haproxy"
[ "$BENCHMARK" = io.berth.benchmarks.ServiceDrainBenchmark ] && TOOLS="$TOOLS haproxy"
for tool in $TOOLS; do
  command -v "$tool" >/dev/null || {
    echo "berth bench: $tool not found: install the Debian packages in scripts/lib.sh (bash scripts/test.sh does)" >&2
    exit 1
  }
done
JAVA_HOME="$(berth_find_jdk)"
export JAVA_HOME

cd "$ROOT"
echo "berth bench: building ..."
mvn -q -B -ntp -DskipTests -pl benchmarks -am package
TARGET="$ROOT/benchmarks/target"
LOG="$TARGET/$LOG_NAME"
echo "berth bench: Berth's own log goes to $LOG (the fleet's server and agents log into its temporary directory)"
exec "$JAVA_HOME/bin/java" \
  -Dorg.slf4j.simpleLogger.logFile="$LOG" \
  -Dorg.slf4j.simpleLogger.showDateTime=true \
  -Dorg.slf4j.simpleLogger.dateTimeFormat="HH:mm:ss.SSS" \
  -cp "$TARGET/berth-benchmarks-0.1.0-SNAPSHOT.jar:$TARGET/lib/*" \
  "$BENCHMARK" "$@"
