package io.berth.agent.upgrading;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * An upgrade handed over to a new build and not yet confirmed: the patch it belongs to, the versions it goes from and to,
 * the command line of the old build (what a rollback execs again), and when the new agent must have synced with the
 * control plane.
 */
public record PendingUpgrade(String patchId, String fromVersion, String toVersion, List<String> previousCommand, Instant deadline)
{
    public PendingUpgrade
    {
        requireNonNull(patchId, "patchId is null");
        requireNonNull(fromVersion, "fromVersion is null");
        requireNonNull(toVersion, "toVersion is null");
        previousCommand = List.copyOf(previousCommand);
        if (previousCommand.isEmpty()) {
            throw new IllegalArgumentException("previousCommand is empty");
        }
        requireNonNull(deadline, "deadline is null");
    }
}
