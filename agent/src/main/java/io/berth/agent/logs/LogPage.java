package io.berth.agent.logs;

import io.berth.common.agentprotocol.LogLine;

import java.util.List;

/** Lines read from a container log, and the byte offset to read on from next time. */
public record LogPage(List<LogLine> lines, long nextOffset)
{
    public LogPage
    {
        lines = List.copyOf(lines);
    }
}
