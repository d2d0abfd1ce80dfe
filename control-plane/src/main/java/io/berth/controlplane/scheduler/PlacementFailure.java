package io.berth.controlplane.scheduler;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A task that fits nowhere in this plan. reason is the most common host rejection (or null when there are no
 * hosts); message explains it in one line, e.g. "RESOURCE:MEMORY (no host has 8192 MiB free; largest free:
 * 3000 MiB; 3 hosts: 2 RESOURCE:MEMORY, 1 CORDONED)"; hostReasons says, per host id, why that host was rejected.
 */
public record PlacementFailure(String taskId, RejectionReason reason, String message, Map<String, RejectionReason> hostReasons)
{
    public PlacementFailure
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(message, "message is null");
        hostReasons = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(hostReasons));
    }

    /** The code of the reason, "NO_HOSTS" when no host is registered at all. */
    public String reasonCode()
    {
        return reason == null ? "NO_HOSTS" : reason.code();
    }
}
