package io.berth.common.agentprotocol;

import java.time.Duration;
import java.util.Optional;

/** Reads the logs of the tasks an agent holds or has held. */
public interface TaskLogSource
{
    /**
     * Lines after the position named by token (null: from the start), at most maxLines.
     * Empty when the host knows nothing of the task.
     */
    Optional<LogChunk> read(String taskId, String token, int maxLines);

    /**
     * As {@link #read(String, String, int)}, held up to wait while there is no line after token and more may come:
     * answers at the first line, when the log is whole, or when the wait is over. A source that cannot wait answers
     * at once, so a caller that read nothing sooner than it asked must pace itself.
     */
    default Optional<LogChunk> read(String taskId, String token, int maxLines, Duration wait)
    {
        return read(taskId, token, maxLines);
    }
}
