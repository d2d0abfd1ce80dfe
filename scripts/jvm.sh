# The JVM settings of the berth launcher: a server's for `berth up|agent` (and the CLI daemon), the fleet control
# plane's for `berth server`, a short-lived command's for the rest, and the CLI's ahead-of-time cache (JEP 483/514).
# Source it; do not run it. Figures: docs/benchmarks.md.

# A long-running server of one host (`berth up`, `berth agent`): the full JIT (C2 for hot paths) and the serial
# collector with a heap that starts small and gives memory back. Measured with `berth up` (docs/benchmarks.md, JVM settings of the servers): idle RSS
# 123 MiB with these against 192 MiB (Serial, default heap sizing), 143 MiB (G1) and 186 MiB (Parallel), and
# the least after ten tasks too (164 MiB against 253, 301 and 248), for the same CPU within the noise of a busy machine.
# glibc keeps the native memory that threads freed (about 20 MiB of `berth up`'s RSS after start-up and an image
# push); the JVM hands it back every 5 s (152 -> 132 MiB idle RSS, docs/benchmarks.md).
BERTH_SERVER_JVM_OPTIONS=(--enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
  -XX:TrimNativeHeapInterval=5000)

# The fleet's control plane (`berth server`): the same, with G1 instead of the serial collector. Its heap grows with
# the fleet, and what a sync or a plan fetch allocates lives for seconds: under the serial collector that garbage is
# promoted and the old generation is grown rather than collected, up to a quarter of the machine's memory (5.9 GiB
# for 100 simulated hosts with 5,000 tasks, 16 % of the time in pauses, p99 of a sync 1.7-2.2 s); G1 collects it
# concurrently (0.8 GiB, 1.3 %, 0.8 s). `berth up` stays on the serial collector: 142 against 164 MiB with no task.
BERTH_CONTROL_PLANE_JVM_OPTIONS=(--enable-native-access=ALL-UNNAMED -XX:+UseG1GC -Xms16m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
  -XX:TrimNativeHeapInterval=5000)

# Sets BERTH_JVM_OPTIONS to the options of the server command: `berth server` the control plane's, `berth up` and
# `berth agent` a host server's.
# Usage: berth_server_jvm_options up|server|agent
berth_server_jvm_options() {
  case "$1" in
    server) BERTH_JVM_OPTIONS=("${BERTH_CONTROL_PLANE_JVM_OPTIONS[@]}") ;;
    *) BERTH_JVM_OPTIONS=("${BERTH_SERVER_JVM_OPTIONS[@]}") ;;
  esac
}

# A command that lives well under a second: C1 only (C2 would compile after the command ended), the collector
# with the least set-up, and no hsperfdata file to map.
BERTH_CLI_JVM_OPTIONS=(--enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData)

# How long a training run (in the background, after a command) may take before it is given up.
BERTH_AOT_TRAINING_TIMEOUT=300
# A training lock older than this (minutes) belongs to a run that died: it is removed.
BERTH_AOT_STALE_LOCK_MINUTES=10

# Prints the key of the AOT cache for this JDK and these jars: a cache made for another JDK build or another
# build of any jar never matches. The jar of the CLI itself is checksummed (it changes with every build); every jar
# is also keyed by name, size and time, which the JVM checks too (it refuses a cache whose jars have another time).
# Usage: berth_aot_key JDK CLI_JAR LIB_JAR...
berth_aot_key() {
  local jdk="$1" jar="$2" key
  key="$({
    echo "$jdk"
    cat "$jdk/release" 2>/dev/null || echo "no release file"
    cksum <"$jar"
    stat -c '%n %s %Y' "$jar" "${@:3}"
  } | sha256sum)"
  echo "${key:0:20}"
}

# Prints the options that make the JVM use the CLI's AOT cache, one a line, or nothing when there is none yet (then
# it starts a training run in the background, unless one runs already). See berth_cli_aot_options_set.
# Usage: berth_cli_aot_options JDK AOT_DIR KEY CLASSPATH
berth_cli_aot_options() {
  berth_cli_aot_options_set "$@"
  [ "${#BERTH_AOT_OPTIONS[@]}" -eq 0 ] || printf '%s\n' "${BERTH_AOT_OPTIONS[@]}"
}

# Sets BERTH_AOT_OPTIONS to the options that make the JVM use the CLI's AOT cache, or to none when there is none yet
# (then it starts a training run in the background, unless one runs already). The JVM itself refuses a cache made
# for another class path or JDK, or one whose header is broken, and runs without it; but a cache changed in the middle
# can crash it, and its own check (-XX:+VerifySharedSpaces, a CRC of the whole cache) costs more start-up time than
# the cache saves on a short command. So each cache has a seal written when it was made (size and modification
# time to the nanosecond): a cache that does not match its seal was written to since, and is removed and made
# again. The JVM's notes about the cache are silenced: the command's output is the user's. BERTH_AOT=off turns
# it all off. It sets a variable rather than printing so that the launcher needs no subshell for it.
# Usage: berth_cli_aot_options_set JDK AOT_DIR KEY CLASSPATH
berth_cli_aot_options_set() {
  local jdk="$1" dir="$2" key="$3" classpath="$4"
  BERTH_AOT_OPTIONS=()
  [ "${BERTH_AOT:-auto}" != off ] || return 0
  local archive="$dir/berth-cli-$key.aot" seal=""
  if [ -f "$archive" ]; then
    [ -f "$archive.seal" ] && IFS= read -r seal <"$archive.seal" || true
    if [ -n "$seal" ] && [ "$(stat -c '%s %y' "$archive" 2>/dev/null)" = "$seal" ]; then
      BERTH_AOT_OPTIONS=("-XX:AOTCache=$archive" -Xlog:aot=off -Xlog:cds=off)
      return 0
    fi
    rm -f "$archive" "$archive.seal" 2>/dev/null || true
  fi
  berth_aot_train "$jdk" "$dir" "$key" "$classpath" || true
}

# Sets BERTH_JDK (berth_find_jdk's choice) and BERTH_AOT_KEY (berth_aot_key's) for this build, the CLI's jar first and
# then the libraries. Both take a dozen processes to work out (ls, sort, sed, cksum, stat, sha256sum), which cost a
# short command more than a tenth of a second on a busy machine; so they are kept in AOT_DIR/launch and read back
# with shell builtins alone while that file still holds: the same JAVA_HOME, the same jars in the same order, and
# no jar, no JDK release file and no new JDK in /usr/lib/jvm newer than the file. A directory that cannot be
# written just means working them out each time.
# Usage: berth_launch_plan AOT_DIR JAR LIB...
berth_launch_plan() {
  local dir="$1" file="$1/launch" classpath jar stale="" lines=()
  printf -v classpath '%s:' "${@:2}"
  classpath="${classpath%:}"
  if [ -f "$file" ] && mapfile -t lines <"$file" 2>/dev/null && [ "${#lines[@]}" -eq 5 ] \
      && [ "${lines[0]}" = "berth-launch 1" ] && [ "${lines[1]}" = "${JAVA_HOME:-}" ] && [ "${lines[4]}" = "$classpath" ] \
      && [ -x "${lines[2]}/bin/java" ] && ! [ "${lines[2]}/release" -nt "$file" ] && ! [ /usr/lib/jvm -nt "$file" ]; then
    for jar in "${@:2}"; do
      if [ "$jar" -nt "$file" ]; then
        stale=1
        break
      fi
    done
    if [ -z "$stale" ]; then
      BERTH_JDK="${lines[2]}"
      BERTH_AOT_KEY="${lines[3]}"
      return 0
    fi
  fi
  BERTH_JDK="$(berth_find_jdk)" || return 1
  BERTH_AOT_KEY="$(berth_aot_key "$BERTH_JDK" "${@:2}")"
  # written whole, then renamed: a command in between reads the old file or the new one, never half of one
  if mkdir -p "$dir" 2>/dev/null \
      && printf '%s\n' "berth-launch 1" "${JAVA_HOME:-}" "$BERTH_JDK" "$BERTH_AOT_KEY" "$classpath" >"$file.$$" 2>/dev/null; then
    mv -f "$file.$$" "$file" 2>/dev/null || rm -f "$file.$$" 2>/dev/null || true
  fi
  return 0
}

# Starts, detached and niced, one training run that writes the cache for KEY and then removes the caches of other
# keys (older builds, another JDK). The command that triggered it does not wait for it. Never fails the caller:
# a directory it cannot write just means no cache.
# Usage: berth_aot_train JDK AOT_DIR KEY CLASSPATH
berth_aot_train() {
  local jdk="$1" dir="$2" key="$3" classpath="$4"
  mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || return 0
  local lock="$dir/training-$key.lock"
  if [ -d "$lock" ] && [ -n "$(find "$lock" -maxdepth 0 -mmin +"$BERTH_AOT_STALE_LOCK_MINUTES" 2>/dev/null)" ]; then
    rm -rf "$lock"
  fi
  mkdir "$lock" 2>/dev/null || return 0
  local partial="$dir/partial-$key-$$.aot"
  setsid bash -c '
    jdk="$1"; dir="$2"; key="$3"; classpath="$4"; lock="$5"; partial="$6"; limit="$7"; shift 7
    trap '\''rm -rf "$lock" "$partial" "$partial.config" "$partial.seal"'\'' EXIT
    if AWS_ACCESS_KEY_ID=aot-training AWS_SECRET_ACCESS_KEY=aot-training nice -n 10 timeout "$limit" \
        "$jdk/bin/java" "$@" -XX:AOTCacheOutput="$partial" -Xlog:aot=error \
        -cp "$classpath" io.berth.cli.aot.AotTraining && [ -s "$partial" ]; then
      for old in "$dir"/berth-cli-*.aot; do
        [ "$old" = "$dir/berth-cli-$key.aot" ] || rm -f "$old" "$old.seal"
      done
      # the seal first (mv keeps size and time): a command in between finds a seal and no cache, not the reverse
      stat -c "%s %y" "$partial" >"$partial.seal" && mv -f "$partial.seal" "$dir/berth-cli-$key.aot.seal"
      mv -f "$partial" "$dir/berth-cli-$key.aot"
    fi
  ' berth-aot-training "$jdk" "$dir" "$key" "$classpath" "$lock" "$partial" "$BERTH_AOT_TRAINING_TIMEOUT" \
    "${BERTH_CLI_JVM_OPTIONS[@]}" </dev/null >"$dir/training.log" 2>&1 &
  return 0
}
