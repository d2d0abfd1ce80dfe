#!/usr/bin/env bash
# The scheduler benchmark (docs/benchmarks.md, "Scheduler"): the placement engine alone, in process, over 10,000
# simulated hosts and 100,000 tasks. Usage: bash scripts/bench-scheduler.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
# the launcher's lookup: JAVA_HOME if it is 21 or newer, else the newest JDK in /usr/lib/jvm, else it says what to install
JAVA_HOME="$(berth_find_jdk)"
export JAVA_HOME
classpath_file=$(mktemp)
trap 'rm -f "$classpath_file"' EXIT
# in one reactor, so sibling modules resolve to their target/classes; control-plane comes last and writes the file
mvn -q -pl control-plane -am test-compile dependency:build-classpath -Dmdep.outputFile="$classpath_file" -Dmdep.includeScope=test
"$JAVA_HOME/bin/java" -Xmx2g -cp "control-plane/target/test-classes:control-plane/target/classes:$(cat "$classpath_file")" \
    io.berth.controlplane.scheduler.SchedulerBenchmark "${1:-3}"
