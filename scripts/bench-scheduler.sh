#!/usr/bin/env bash
# The scheduler benchmark (docs/benchmarks.md, "Scheduler"): the placement engine alone, in process, over 10,000
# simulated hosts and 100,000 tasks. Usage: bash scripts/bench-scheduler.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${JAVA_HOME:-}" ]]; then
    JAVA_HOME=$(ls -d /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*21* /usr/lib/jvm/* 2>/dev/null | head -n 1)
    export JAVA_HOME
fi
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
# in one reactor, so sibling modules resolve to their target/classes; control-plane comes last and writes the file
mvn -q -pl control-plane -am test-compile dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test
"$JAVA_HOME/bin/java" -Xmx2g -cp "control-plane/target/test-classes:control-plane/target/classes:$(cat "$classpath_file")" \
    io.berth.controlplane.scheduler.SchedulerBenchmark "${1:-3}"
