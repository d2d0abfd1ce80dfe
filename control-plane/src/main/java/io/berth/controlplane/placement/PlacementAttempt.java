package io.berth.controlplane.placement;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The latest failed attempt to place a waiting task: the summary reason code (e.g. RESOURCE:MEMORY), the one-line
 * message, and the reason of each host (at most {@link #MAX_HOSTS} of them are kept).
 */
public record PlacementAttempt(String taskId, Instant attemptedAt, String reason, String message, Map<String, String> hostReasons)
{
    public static final int MAX_HOSTS = 200;

    public PlacementAttempt
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(attemptedAt, "attemptedAt is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(message, "message is null");
        hostReasons = Collections.unmodifiableMap(new LinkedHashMap<>(hostReasons));
    }
}
