package io.berth.common.agentprotocol;

import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * ECS's container healthCheck, checked by the control plane and with its defaults filled in: command as the task
 * definition gives it (first "CMD" to run the rest directly, or "CMD-SHELL" to run it with the container's
 * /bin/sh), the seconds between checks, the deadline of each, how many consecutive failures make the container
 * UNHEALTHY, and the grace period after the start during which failures do not count.
 */
public record ContainerHealthCheck(
        List<String> command,
        int intervalSeconds,
        int timeoutSeconds,
        int retries,
        int startPeriodSeconds)
{
    public static final String CMD = "CMD";
    public static final String CMD_SHELL = "CMD-SHELL";

    public ContainerHealthCheck
    {
        command = List.copyOf(requireNonNull(command, "command is null"));
        if (command.size() < 2 || !(command.getFirst().equals(CMD) || command.getFirst().equals(CMD_SHELL))) {
            throw new IllegalArgumentException("command must be CMD or CMD-SHELL followed by what to run: " + command);
        }
        if (intervalSeconds < 1 || timeoutSeconds < 1 || retries < 1 || startPeriodSeconds < 0) {
            throw new IllegalArgumentException("interval, timeout and retries must be positive and startPeriod not negative");
        }
    }

    /** The process to run in the container: CMD's arguments as they are, CMD-SHELL's through /bin/sh -c (as Docker runs it). */
    public List<String> processArguments()
    {
        List<String> rest = command.subList(1, command.size());
        if (command.getFirst().equals(CMD)) {
            return rest;
        }
        return List.of("/bin/sh", "-c", String.join(" ", rest));
    }

    public Duration interval()
    {
        return Duration.ofSeconds(intervalSeconds);
    }

    public Duration timeout()
    {
        return Duration.ofSeconds(timeoutSeconds);
    }

    public Duration startPeriod()
    {
        return Duration.ofSeconds(startPeriodSeconds);
    }
}
