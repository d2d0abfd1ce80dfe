package io.berth.common.agentprotocol;

import java.util.Optional;

/** Reads the logs of the tasks an agent holds or has held. */
public interface TaskLogSource
{
    /**
     * Lines after the position named by token (null: from the start), at most maxLines.
     * Empty when the host knows nothing of the task.
     */
    Optional<LogChunk> read(String taskId, String token, int maxLines);
}
