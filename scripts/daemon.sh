# The launcher's side of the per-user CLI daemon (cli/.../daemon): bash alone, no extra process on the warm path.
# Source it after jvm.sh; do not run it. BERTH_DAEMON=off turns the daemon off; BERTH_DAEMON_DIR puts its state
# elsewhere (default: $XDG_RUNTIME_DIR/berth, else /tmp/berth-daemon-UID); BERTH_DAEMON_IDLE_MINUTES (30) is how
# long it stays with nothing to run.
#
# The daemon serves a command only where it can run it exactly as a JVM of its own would: stdout and stderr a terminal,
# a pipe or a device (it reopens them through /proc/PID/fd: a regular file would be written at an offset of its own, a
# socket cannot be reopened), and the everyday client commands alone (it says which). Otherwise, and whenever no
# daemon answers, the launcher runs the command in a JVM of its own, and starts a daemon for the next command when
# none runs.

# Sets BERTH_DAEMON_STATE to the daemon's state directory, made 0700 if missing; fails when it is not this user's.
berth_daemon_state_dir() {
  if [ -n "${BERTH_DAEMON_DIR:-}" ]; then
    BERTH_DAEMON_STATE="$BERTH_DAEMON_DIR"
  elif [ -n "${XDG_RUNTIME_DIR:-}" ] && [ -d "$XDG_RUNTIME_DIR" ] && [ -O "$XDG_RUNTIME_DIR" ]; then
    BERTH_DAEMON_STATE="$XDG_RUNTIME_DIR/berth"
  else
    BERTH_DAEMON_STATE="/tmp/berth-daemon-$EUID"
  fi
  [ -d "$BERTH_DAEMON_STATE" ] || mkdir -m 700 -p -- "$BERTH_DAEMON_STATE" 2>/dev/null || return 1
  # another user's directory (made before us in /tmp) is not ours to trust; the daemon checks its mode too
  [ -O "$BERTH_DAEMON_STATE" ] && ! [ -L "$BERTH_DAEMON_STATE" ]
}

# Runs the command through the daemon when it can. Returns 0 with BERTH_DAEMON_STATUS set to the command's exit code
# when the daemon ran it; 1 when the caller is to run it in a JVM of its own (then nothing of it ran).
# Usage: berth_daemon_run JDK AOT_KEY CLASSPATH AOT_DIR ARGS...
berth_daemon_run() {
  local jdk="$1" key="$2" classpath="$3" aot_dir="$4"
  shift 4
  BERTH_DAEMON_STATUS=""
  [ "${BERTH_DAEMON:-on}" != off ] || return 1
  local output
  for output in "/proc/$$/fd/1" "/proc/$$/fd/2"; do
    if ! [ -e "$output" ] || [ -f "$output" ] || [ -S "$output" ]; then
      [ -z "${BERTH_DEBUG:-}" ] || echo "berth: not through the CLI daemon: ${output##*/} is a regular file, a socket or closed" >&2
      return 1
    fi
  done
  berth_daemon_state_dir || return 1
  local file="$BERTH_DAEMON_STATE/daemon-$key" lines=() connection="" name variables=() reply="" status
  if ! { [ -f "$file" ] && [ -O "$file" ] && mapfile -t lines <"$file" 2>/dev/null && [ "${#lines[@]}" -eq 3 ] \
      && [ "${lines[0]}" = "berth-daemon 1" ] && { exec {connection}<>"/dev/tcp/127.0.0.1/${lines[1]}"; } 2>/dev/null; }; then
    [ -z "$connection" ] || exec {connection}>&-
    [ -z "${BERTH_DEBUG:-}" ] || echo "berth: no CLI daemon answered; starting one for the next command" >&2
    berth_daemon_start "$jdk" "$key" "$classpath" "$aot_dir"
    return 1
  fi
  # copies of stdout and stderr for the daemon to open: while printf writes the request, fd 1 is the connection
  local out err
  exec {out}>&1 {err}>&2
  # the exported variables, found without a process: every variable by its first character, kept when exported
  # (`compgen -e` in a pipe costs a fork and a read per byte, some 5 ms of a 30 ms command)
  for name in ${!A@} ${!B@} ${!C@} ${!D@} ${!E@} ${!F@} ${!G@} ${!H@} ${!I@} ${!J@} ${!K@} ${!L@} ${!M@} ${!N@} ${!O@} ${!P@} \
      ${!Q@} ${!R@} ${!S@} ${!T@} ${!U@} ${!V@} ${!W@} ${!X@} ${!Y@} ${!Z@} ${!a@} ${!b@} ${!c@} ${!d@} ${!e@} ${!f@} ${!g@} \
      ${!h@} ${!i@} ${!j@} ${!k@} ${!l@} ${!m@} ${!n@} ${!o@} ${!p@} ${!q@} ${!r@} ${!s@} ${!t@} ${!u@} ${!v@} ${!w@} ${!x@} \
      ${!y@} ${!z@} ${!_@}; do
    # declared but unset (a local without a value, say): nothing to pass, and `set -u` refuses to expand it
    if [[ -v "$name" && "${!name@a}" == *x* ]]; then
      variables+=("$name=${!name}")
    fi
  done
  # the request, NUL-separated in one write (see DaemonRequest)
  if ! printf '%s\0' "berth-daemon 1" "${lines[2]}" "$key" "$$" "$out" "$err" "$PWD" "$#" "$@" "${#variables[@]}" "${variables[@]}" >&"$connection" 2>/dev/null \
      || ! IFS= read -r -t 10 -u "$connection" reply || [ "$reply" != ok ]; then
    exec {connection}>&- {out}>&- {err}>&-
    [ -z "${BERTH_DEBUG:-}" ] || echo "berth: not through the CLI daemon: ${reply:-no answer}" >&2
    # a daemon that answers nothing, or answers another build's key, is replaced
    case "$reply" in
      ""|"fallback this daemon runs another build"|"fallback wrong token") berth_daemon_start "$jdk" "$key" "$classpath" "$aot_dir" ;;
    esac
    return 1
  fi
  # the command runs in the daemon now: Ctrl-C (or a TERM or HUP) is passed on, and the daemon answers with 130
  trap 'printf "interrupt\n" >&"$connection" 2>/dev/null || true' INT TERM HUP
  reply=""
  while :; do
    if IFS= read -r -u "$connection" reply; then
      break
    else
      status=$?
      # a trapped signal cut the read short: read on for the answer
      [ "$status" -gt 128 ] || break
    fi
  done
  trap - INT TERM HUP
  exec {connection}>&- {out}>&- {err}>&-
  case "$reply" in
    "exit "*) BERTH_DAEMON_STATUS="${reply#exit }" ;;
    *)
      echo "berth: the CLI daemon ended before the command did (see $BERTH_DAEMON_STATE/daemon-$key.log); run it again, or with BERTH_DAEMON=off" >&2
      BERTH_DAEMON_STATUS=1
      ;;
  esac
  return 0
}

# Starts a daemon for this build in the background, unless one is starting already; the command that found none runs
# in a JVM of its own meanwhile. The daemon runs with the servers' JVM settings (it lives long: full JIT, a heap that
# gives memory back) and the CLI's AOT cache.
# Usage: berth_daemon_start JDK AOT_KEY CLASSPATH AOT_DIR
berth_daemon_start() {
  local jdk="$1" key="$2" classpath="$3" aot_dir="$4" lock="$BERTH_DAEMON_STATE/starting-$key"
  # a start that did not finish within a minute died
  if [ -d "$lock" ] && [ -n "$(find "$lock" -maxdepth 0 -mmin +1 2>/dev/null)" ]; then
    rm -rf -- "$lock"
  fi
  mkdir -- "$lock" 2>/dev/null || return 0
  # the cache's options are worked out here, not on the daemon's path: it takes a stat process
  berth_cli_aot_options_set "$jdk" "$aot_dir" "$key" "$classpath"
  setsid "$jdk/bin/java" "${BERTH_SERVER_JVM_OPTIONS[@]}" "${BERTH_AOT_OPTIONS[@]}" -cp "$classpath" \
    io.berth.cli.daemon.CliDaemon "$BERTH_DAEMON_STATE" "$key" "$lock" </dev/null >"$BERTH_DAEMON_STATE/daemon-$key.log" 2>&1 &
  return 0
}
