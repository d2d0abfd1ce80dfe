package io.berth.common.agentprotocol;

import java.util.List;

/**
 * A page of a task's log. Pass nextToken back to read on; complete is true when every container of the task has
 * exited (or the task has stopped) and nothing more will ever be written.
 */
public record LogChunk(List<LogLine> lines, String nextToken, boolean complete)
{
    public LogChunk
    {
        lines = List.copyOf(lines);
    }
}
