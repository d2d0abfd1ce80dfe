package io.berth.controlplane.clusters;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/** A cluster of one account. status is ACTIVE, or INACTIVE once deleted (ECS keeps deleted clusters describable). */
public record Cluster(String accountId, String name, String arn, Status status, Instant createdAt)
{
    public enum Status { ACTIVE, INACTIVE }

    public static final String DEFAULT_NAME = "default";

    public Cluster
    {
        requireNonNull(accountId, "accountId is null");
        requireNonNull(name, "name is null");
        requireNonNull(arn, "arn is null");
        requireNonNull(status, "status is null");
        requireNonNull(createdAt, "createdAt is null");
    }

    public boolean isActive()
    {
        return status == Status.ACTIVE;
    }
}
