package io.berth.common.agentprotocol;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Lines that containers of one task wrote, in the order they were written per container, shipped by the host's
 * agent for the containers whose destination is CloudWatch Logs (awslogs). Each line keeps the time the container
 * monitor read it, which becomes the event's timestamp.
 */
public record LogBatch(String hostId, String taskId, List<LogLine> lines)
{
    /** At most this many lines go in one batch (CloudWatch's PutLogEvents takes 10,000 events). */
    public static final int MAX_LINES = 10_000;

    public LogBatch
    {
        requireNonNull(hostId, "hostId is null");
        requireNonNull(taskId, "taskId is null");
        lines = List.copyOf(lines);
        if (lines.size() > MAX_LINES) {
            throw new IllegalArgumentException("a log batch holds at most " + MAX_LINES + " lines, not " + lines.size());
        }
    }
}
