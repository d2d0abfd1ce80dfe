#!/usr/bin/env bash
# The CLI and idle-cost benchmarks (scripts/bench.sh --cli | --idle), as root. They measure what a user runs: the
# ./berth launcher against a `berth up` this script starts (its own data directory, port, bridge and subnet) and
# stops, with every task it started stopped first.
#   --cli   [RUNS (5)]   `berth run IMAGE -- echo hi`, `berth ps` and `berth --version` (median wall and CPU of RUNS),
#                        next to raw `runc run` of the same image's bundle, with and without the CLI's AOT cache;
#                        and `berth run` again 50 runs later, against a server whose JIT has compiled its paths.
#   --idle  [TASKS (100)] `berth up` RSS with no task, then TASKS idle tasks (sleep): the server's CPU (cores) and
#                        heap per task, and the host's memory per task (conmon, kernel, Berth).
# BERTH_BENCH_PORT, BERTH_BENCH_BRIDGE and BERTH_BENCH_SUBNET pick another port, bridge and subnet.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
MODE="${1:?usage: bench-cli.sh --cli [RUNS] | --idle [TASKS]}"
COUNT="${2:-}"
PORT="${BERTH_BENCH_PORT:-28790}"
BRIDGE="${BERTH_BENCH_BRIDGE:-bbench0}"
SUBNET="${BERTH_BENCH_SUBNET:-10.232.0.0/16}"
WORK="$(mktemp -d /tmp/berth-bench-cli.XXXXXX)"
# container root (an unprivileged host uid under user namespaces) must reach the rootfs under it
chmod o+x "$WORK"
BERTH="$ROOT/berth"
UP_PID=""
# every berth command of this run uses a CLI daemon of this run's, stopped at the end (its address file removed)
export BERTH_DAEMON_DIR="$WORK/daemon"
mkdir -m 700 "$BERTH_DAEMON_DIR"

log() { echo "berth bench: $*" >&2; }

cleanup() {
  set +e
  if [ -f "$WORK/data/berth.env" ]; then
    . "$WORK/data/berth.env"
    # one `berth stop` for every task: an AWS CLI process per task takes seconds each on a loaded machine
    local arns
    arns="$(timeout 120 aws ecs list-tasks --desired-status RUNNING --query 'taskArns[]' --output text 2>/dev/null)"
    [ -z "$arns" ] || [ "$arns" = None ] || timeout 300 "$BERTH" stop $arns >/dev/null 2>&1
    # berth up leaves its containers running when it stops (the next one adopts them): wait for every stop, and say
    # what is left rather than removing the data directory under running tasks
    local left=1
    for _ in $(seq 1 450); do
      # a failed `berth ps` says nothing about the tasks: it is no "none left". -a: `berth ps` lists the tasks that are
      # to run (ECS's ListTasks default), and a task being stopped is no longer one of them while its container runs
      local listed
      if listed="$(timeout 60 "$BERTH" ps -a 2>/dev/null)"; then
        left="$(grep -c -E ' (PROVISIONING|PENDING|ACTIVATING|RUNNING|DEACTIVATING|STOPPING|DEPROVISIONING) ' <<<"$listed")"
        [ "$left" = 0 ] && break
      fi
      sleep 2
    done
    if [ "$left" != 0 ]; then
      log "$left tasks did not stop within 15 minutes; berth up stays down and $WORK stays for them (start berth up --data-dir $WORK/data again to stop them)"
      [ -z "$UP_PID" ] || { kill "$UP_PID"; wait "$UP_PID"; }
      return
    fi
  fi
  [ -z "$UP_PID" ] || { kill "$UP_PID"; wait "$UP_PID"; }
  # the CLI daemon stops once its address file is gone (within 5 s); the state directory goes with $WORK
  rm -f "$WORK"/daemon/daemon-*
  sleep 6
  timeout 30 runc delete -f "bench-cli-raw" >/dev/null 2>&1
  ip link del "$BRIDGE" >/dev/null 2>&1
  # the tenant firewall berth up made for its bridge
  nft delete table bridge "berth-$BRIDGE" >/dev/null 2>&1
  nft delete table inet "berth-$BRIDGE" >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# RUNS times: prints "median-wall median-cpu" (seconds) of the command
measure() {
  local runs="$1" walls=() cpus=() times="$WORK/time"
  shift
  for _ in $(seq 1 "$runs"); do
    /usr/bin/time -o "$times" -f "%e %U %S" timeout 120 "$@" >/dev/null 2>&1 || { log "failed: $*"; cat "$times" >&2; return 1; }
    walls+=("$(awk '{print $1}' "$times")")
    cpus+=("$(awk '{print $2 + $3}' "$times")")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}

start_berth() {
  log "starting berth up on port $PORT (bridge $BRIDGE, subnet $SUBNET) in $WORK/data"
  "$BERTH" up --data-dir "$WORK/data" --port "$PORT" --bridge "$BRIDGE" --subnet "$SUBNET" "$@" >"$WORK/up.log" 2>&1 &
  UP_PID=$!
  for _ in $(seq 1 180); do
    grep -q "Berth is up" "$WORK/up.log" && break
    kill -0 "$UP_PID" 2>/dev/null || { cat "$WORK/up.log" >&2; exit 1; }
    sleep 1
  done
  grep -q "Berth is up" "$WORK/up.log" || { log "berth up did not start within 180 s"; exit 1; }
  . "$WORK/data/berth.env"
  bash "$ROOT/scripts/make-busybox-image.sh" "$WORK/image" >/dev/null
  IMAGE="$(timeout 300 "$BERTH" image import "$WORK/image" --name bench:1)"
}

# the JVM's pid under berth up (the launcher execs java, so it is the same process)
server_pid() { echo "$UP_PID"; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# The CPU ticks of each of the JVM's JIT compiler threads (C1 and C2), "tid ticks" a line: code first run, or first
# run often enough, is compiled minutes after a start, and rarely run code (what idle tasks do every few seconds)
# reaches the thresholds last. The JVM adds and removes compiler threads as its queue grows and shrinks.
compiler_ticks() {
  local thread
  for thread in /proc/"$1"/task/*; do
    case "$(cat "$thread/comm" 2>/dev/null)" in
      C1\ CompilerThre*|C2\ CompilerThre*) echo "${thread##*/} $(awk '{print $14 + $15}' "$thread/stat" 2>/dev/null || echo 0)" ;;
    esac
  done
}
# Cores the compiler threads used between two compiler_ticks lists over SECONDS; a thread that ended in between is
# not counted (its work in the window is lost, so this errs low).
# Usage: compiler_cores BEFORE AFTER SECONDS
compiler_cores() {
  awk -v w="$3" 'NR == FNR {before[$1] = $2; next} {t += $2 - ($1 in before ? before[$1] : 0)} END {printf "%.4f", t / 100 / w}' \
    <(echo "$1") <(echo "$2")
}
heap_used_kib() {
  jcmd "$1" GC.run >/dev/null
  # every generation's "total ...K, used ...K" line (the serial collector's DefNew and Tenured), summed: after a full
  # GC the young generation is all but empty, so its line alone is not the live heap
  jcmd "$1" GC.heap_info | awk '/ total / {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K.*", "", v); s += v}} END {print s + 0}'
}
mem_available_mib() { awk '/MemAvailable/ {printf "%.0f", $2 / 1024}' /proc/meminfo; }

bench_cli() {
  local runs="${COUNT:-5}"
  start_berth
  log "warming up (the first CLI run starts the AOT cache's training run)"
  "$BERTH" run "$IMAGE" -- echo hi >/dev/null
  for _ in $(seq 1 300); do ls "$ROOT"/cli/target/aot/berth-cli-*.aot.seal >/dev/null 2>&1 && [ -z "$(ls -d "$ROOT"/cli/target/aot/*.lock 2>/dev/null)" ] && break; sleep 1; done
  # the raw baseline: runc run of the image's own bundle, `echo hi`, no network namespace, as docker --network none
  umoci unpack --image "$WORK/image:latest" "$WORK/bundle" >/dev/null
  jq '.process.args = ["echo", "hi"] | .process.terminal = false' "$WORK/bundle/config.json" >"$WORK/config.json"
  mv "$WORK/config.json" "$WORK/bundle/config.json"
  local raw run run_warm run_nodaemon run_noaot ps ps_nodaemon ps_noaot version version_nodaemon version_noaot
  # the CLI daemon of this build (in this run's BERTH_DAEMON_DIR), warmed by one command
  "$BERTH" ps >/dev/null 2>&1
  for _ in $(seq 1 60); do ls "$BERTH_DAEMON_DIR"/daemon-* 2>/dev/null | grep -qv '\.log$' && break; sleep 1; done
  "$BERTH" run "$IMAGE" -- echo hi >/dev/null 2>&1
  raw="$(measure "$runs" runc run --bundle "$WORK/bundle" bench-cli-raw)"
  run="$(measure "$runs" "$BERTH" run "$IMAGE" -- echo hi)"
  run_nodaemon="$(BERTH_DAEMON=off measure "$runs" "$BERTH" run "$IMAGE" -- echo hi)"
  run_noaot="$(BERTH_DAEMON=off BERTH_AOT=off measure "$runs" "$BERTH" run "$IMAGE" -- echo hi)"
  ps="$(measure "$runs" "$BERTH" ps)"
  ps_nodaemon="$(BERTH_DAEMON=off measure "$runs" "$BERTH" ps)"
  ps_noaot="$(BERTH_DAEMON=off BERTH_AOT=off measure "$runs" "$BERTH" ps)"
  version="$(measure "$runs" "$BERTH" --version)"
  version_nodaemon="$(BERTH_DAEMON=off measure "$runs" "$BERTH" --version)"
  version_noaot="$(BERTH_DAEMON=off BERTH_AOT=off measure "$runs" "$BERTH" --version)"
  # the same as a `berth up` that has run a while sees it: the first runs above come while the server's JIT still
  # compiles its hot paths (a quarter of its CPU); some runs later the compiler is mostly done
  local warm_runs=50
  for _ in $(seq 1 "$warm_runs"); do "$BERTH" run "$IMAGE" -- echo hi >/dev/null 2>&1; done
  run_warm="$(measure "$runs" "$BERTH" run "$IMAGE" -- echo hi)"
  echo
  echo "CLI (median of $runs; wall s, CPU s = user + sys), load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  printf '| %-44s | %8s | %8s |\n' "command" "wall s" "CPU s"
  printf '|%s|%s|%s|\n' "----------------------------------------------" "----------" "----------"
  row() { printf '| %-44s | %8s | %8s |\n' "$1" "$(echo "$2" | cut -d' ' -f1)" "$(echo "$2" | cut -d' ' -f2)"; }
  row "raw runc run (same bundle, echo hi)" "$raw"
  row "berth run IMAGE -- echo hi (CLI daemon)" "$run"
  row "berth run ... (CLI daemon, $warm_runs runs later)" "$run_warm"
  row "berth run IMAGE -- echo hi (own JVM)" "$run_nodaemon"
  row "berth run IMAGE -- echo hi (own JVM, no AOT)" "$run_noaot"
  row "berth ps (CLI daemon)" "$ps"
  row "berth ps (own JVM)" "$ps_nodaemon"
  row "berth ps (own JVM, no AOT cache)" "$ps_noaot"
  row "berth --version (CLI daemon)" "$version"
  row "berth --version (own JVM)" "$version_nodaemon"
  row "berth --version (own JVM, no AOT cache)" "$version_noaot"
  target() { awk -v got="$(echo "$2" | cut -d' ' -f1)" -v want="$3" -v name="$1" 'BEGIN {printf "target: %s median <= %s s: %s (%s s)\n", name, want, (got <= want ? "MET" : "NOT MET"), got}'; }
  target "berth run IMAGE -- echo hi" "$run" 0.3
  target "berth run IMAGE -- echo hi, $warm_runs runs later," "$run_warm" 0.3
  target "berth ps" "$ps" 0.25
}

bench_idle() {
  local tasks="${COUNT:-100}" pid before_cpu after_cpu idle_cores busy_cores heap0 heap1 mem0 mem1 rss0 rss1 window=60
  local before_jit after_jit idle_jit busy_jit
  # the host offers far more than its cores: 100 idle quarter-vCPU tasks on 2 cores need 12.5x
  start_berth --cpu-overcommit 100 --memory-overcommit 10
  pid="$(server_pid)"
  sleep 20
  rss0="$(rss_mib "$pid")"
  heap0="$(heap_used_kib "$pid")"
  mem0="$(mem_available_mib)"
  before_jit="$(compiler_ticks "$pid")"; before_cpu="$(cpu_ticks "$pid")"
  sleep "$window"
  after_cpu="$(cpu_ticks "$pid")"; after_jit="$(compiler_ticks "$pid")"
  idle_cores="$(awk -v t="$((after_cpu - before_cpu))" -v w="$window" 'BEGIN {printf "%.4f", t / 100 / w}')"
  idle_jit="$(compiler_cores "$before_jit" "$after_jit" "$window")"
  log "starting $tasks idle tasks"
  aws ecs register-task-definition --family bench-idle --cpu 256 --memory 512 --requires-compatibilities FARGATE --network-mode awsvpc \
    --container-definitions "[{\"name\": \"idle\", \"image\": \"$IMAGE\", \"command\": [\"sleep\", \"86400\"], \"essential\": true, \"stopTimeout\": 2}]" >/dev/null
  local started=0
  while [ "$started" -lt "$tasks" ]; do
    local batch=$((tasks - started < 10 ? tasks - started : 10))
    timeout 120 aws ecs run-task --task-definition bench-idle --count "$batch" \
      --network-configuration 'awsvpcConfiguration={subnets=[subnet-berth]}' >/dev/null
    started=$((started + batch))
  done
  local running=0
  for _ in $(seq 1 300); do
    running="$(timeout 60 "$BERTH" ps | grep -c " RUNNING " || true)"
    [ "$running" -ge "$tasks" ] && break
    sleep 5
  done
  log "$running tasks running; letting them settle"
  sleep 30
  rss1="$(rss_mib "$pid")"
  heap1="$(heap_used_kib "$pid")"
  mem1="$(mem_available_mib)"
  before_jit="$(compiler_ticks "$pid")"; before_cpu="$(cpu_ticks "$pid")"
  sleep "$window"
  after_cpu="$(cpu_ticks "$pid")"; after_jit="$(compiler_ticks "$pid")"
  busy_cores="$(awk -v t="$((after_cpu - before_cpu))" -v w="$window" 'BEGIN {printf "%.4f", t / 100 / w}')"
  busy_jit="$(compiler_cores "$before_jit" "$after_jit" "$window")"
  local conmon_kib
  conmon_kib="$(ps -o rss= -C conmon | awk '{s += $1; n++} END {printf "%.0f", n ? s / n : 0}')"
  echo
  echo "Idle cost: $tasks idle tasks (sleep) on berth up (control plane and agent in one JVM); load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
  printf '| %-52s | %14s |\n' "figure" "value"
  printf '|%s|%s|\n' "------------------------------------------------------" "----------------"
  printf '| %-52s | %11s MiB |\n' "berth up RSS, no task" "$rss0"
  printf '| %-52s | %11s MiB |\n' "berth up RSS, $tasks idle tasks" "$rss1"
  printf '| %-52s | %10s cores |\n' "berth up CPU, no task (${window} s)" "$idle_cores"
  printf '| %-52s | %10s cores |\n' "berth up CPU, $tasks idle tasks (${window} s)" "$busy_cores"
  printf '| %-52s | %10s cores |\n' "  of which the JIT compiler threads, no task" "$idle_jit"
  printf '| %-52s | %10s cores |\n' "  of which the JIT compiler threads, $tasks idle tasks" "$busy_jit"
  printf '| %-52s | %10s cores |\n' "$tasks idle tasks over none, without the JIT compiler" "$(awk -v a="$busy_cores" -v b="$idle_cores" -v ja="$busy_jit" -v jb="$idle_jit" 'BEGIN {printf "%.4f", (a - ja) - (b - jb)}')"
  printf '| %-52s | %10s cores |\n' "berth up CPU per idle task" "$(awk -v a="$busy_cores" -v b="$idle_cores" -v n="$tasks" 'BEGIN {printf "%.5f", (a - b) / n}')"
  printf '| %-52s | %11s KiB |\n' "heap live after a full GC, no task" "$heap0"
  printf '| %-52s | %11s KiB |\n' "heap live after a full GC, $tasks idle tasks" "$heap1"
  printf '| %-52s | %11s KiB |\n' "heap per idle task (live, after a full GC)" "$(( (heap1 - heap0) / tasks ))"
  printf '| %-52s | %11s MiB |\n' "host memory per task (MemAvailable drop / tasks)" "$(awk -v a="$mem0" -v b="$mem1" -v n="$tasks" 'BEGIN {printf "%.1f", (a - b) / n}')"
  printf '| %-52s | %11s KiB |\n' "  of which conmon RSS per task" "$conmon_kib"
  awk -v c="$(awk -v a="$busy_cores" -v b="$idle_cores" -v n="$tasks" 'BEGIN {print (a - b) / n}')" -v h="$(( (heap1 - heap0) / tasks ))" -v r="$rss0" 'BEGIN {
    printf "target: 100 idle tasks cost <= 0.02 cores over no task (<= 0.0002 per task): %s\n", (c <= 0.0002 ? "MET" : "NOT MET");
    printf "target: heap per idle task <= 1 MiB: %s (%d KiB)\n", (h <= 1024 ? "MET" : "NOT MET"), h;
    printf "target: berth up RSS with no task <= 150 MiB: %s (%d MiB)\n", (r <= 150 ? "MET" : "NOT MET"), r }'
}

case "$MODE" in
  --cli) bench_cli ;;
  --idle) bench_idle ;;
  *) echo "usage: bench-cli.sh --cli [RUNS] | --idle [TASKS]" >&2; exit 2 ;;
esac
