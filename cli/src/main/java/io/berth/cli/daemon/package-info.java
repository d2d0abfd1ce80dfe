/**
 * The per-user CLI daemon: a warm JVM that runs the berth commands the launcher hands it, so that a `berth ps` costs
 * no JVM start. The launcher (scripts/daemon.sh, bash alone) connects to a loopback port named in a 0600 file with a
 * token, sends the command line, working directory, environment and its process id, and the daemon writes the
 * command's output straight to the caller's own stdout and stderr (reopened through /proc/PID/fd) and answers with
 * the exit code. Only the daemon's user can use it: the token, a check of the connecting socket's owner, and
 * /proc/PID/fd that only the caller's user may open. Commands it cannot run as the caller would (those that read
 * files by relative path or stdin, the servers) it refuses before running anything, and the launcher runs them in
 * a JVM of their own.
 */
package io.berth.cli.daemon;
