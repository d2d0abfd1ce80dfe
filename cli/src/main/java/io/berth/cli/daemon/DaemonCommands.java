package io.berth.cli.daemon;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which command lines the daemon runs. A command in the daemon has the caller's environment and output but not its
 * working directory (a JVM has one for all its threads), stdin or signals: so only the commands that read no file by
 * a path the user gave, no stdin, and end when asked: the everyday client commands. The rest (up, server, agent,
 * image import, the operator's host and account commands) run in a JVM of their own, as before.
 */
public final class DaemonCommands
{
    private DaemonCommands() {}

    static final Set<String> SERVED = Set.of("run", "ps", "logs", "stop", "events", "explain", "bill", "--version", "-V");

    /** Why the daemon does not run this command line, or empty when it does. */
    public static Optional<String> refusal(List<String> arguments)
    {
        if (arguments.isEmpty()) {
            return Optional.of("no command");
        }
        if (!SERVED.contains(arguments.getFirst())) {
            return Optional.of("'" + arguments.getFirst() + "' runs in a JVM of its own");
        }
        return Optional.empty();
    }
}
