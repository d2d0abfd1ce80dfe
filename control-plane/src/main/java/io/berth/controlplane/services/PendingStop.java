package io.berth.controlplane.services;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A task the service deregistered from its target groups, to stop with reason once the deregistration delay is over
 * (at after). Kept in the stored service, so that a control plane restarted during the delay neither stops the task
 * at once nor forgets to stop it.
 */
public record PendingStop(String taskId, Instant after, String reason)
{
    public PendingStop
    {
        requireNonNull(taskId, "taskId is null");
        requireNonNull(after, "after is null");
        requireNonNull(reason, "reason is null");
    }
}
