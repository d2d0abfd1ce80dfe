package io.berth.controlplane.tasks;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A task's scale-in protection as GetTaskProtection shows it: expirationDate is null when it is not protected. */
public record TaskProtection(String taskArn, boolean protectionEnabled, Instant expirationDate)
{
    public TaskProtection
    {
        requireNonNull(taskArn, "taskArn is null");
    }
}
