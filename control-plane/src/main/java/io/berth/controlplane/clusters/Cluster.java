package io.berth.controlplane.clusters;

import java.time.Instant;

import static java.util.Objects.requireNonNull;

/**
 * A cluster of one account. status is ACTIVE, or INACTIVE once deleted (ECS keeps deleted clusters describable).
 * The ARN keeps the region of the request that created it.
 */
public record Cluster(String accountId, String name, String arn, Status status, Instant createdAt, ClusterConfiguration configuration)
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
        configuration = configuration == null ? ClusterConfiguration.EMPTY : configuration;
    }

    /** A cluster without tags or settings. */
    public Cluster(String accountId, String name, String arn, Status status, Instant createdAt)
    {
        this(accountId, name, arn, status, createdAt, ClusterConfiguration.EMPTY);
    }

    public Cluster withStatus(Status value)
    {
        return new Cluster(accountId, name, arn, value, createdAt, configuration);
    }

    public boolean isActive()
    {
        return status == Status.ACTIVE;
    }
}
