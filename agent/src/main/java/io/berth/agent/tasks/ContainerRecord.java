package io.berth.agent.tasks;

import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.HealthStatus;
import io.berth.common.agentprotocol.TaskReport.Status;

import static java.util.Objects.requireNonNull;

/**
 * What the agent has recorded of one container of a task. healthStatus is the latest its health check said (null
 * until it was first checked, and in records written before health checks), kept when the container stops.
 */
public record ContainerRecord(
        String name,
        String containerId,
        Status status,
        String imageDigest,
        Integer exitCode,
        String reason,
        HealthStatus healthStatus)
{
    public ContainerRecord
    {
        requireNonNull(name, "name is null");
        requireNonNull(containerId, "containerId is null");
        requireNonNull(status, "status is null");
    }

    /** A container not health-checked yet. */
    public ContainerRecord(String name, String containerId, Status status, String imageDigest, Integer exitCode, String reason)
    {
        this(name, containerId, status, imageDigest, exitCode, reason, null);
    }

    public ContainerRecord withImageDigest(String digest)
    {
        return new ContainerRecord(name, containerId, status, digest, exitCode, reason, healthStatus);
    }

    public ContainerRecord running()
    {
        return new ContainerRecord(name, containerId, Status.RUNNING, imageDigest, exitCode, reason, healthStatus);
    }

    public ContainerRecord stopped(Integer exitCode, String reason)
    {
        return new ContainerRecord(name, containerId, Status.STOPPED, imageDigest, exitCode, reason, healthStatus);
    }

    public ContainerRecord withHealthStatus(HealthStatus status)
    {
        return new ContainerRecord(name, containerId, this.status, imageDigest, exitCode, reason, status);
    }

    /** The health as ECS shows it: UNKNOWN until a check has said otherwise. */
    public HealthStatus health()
    {
        return healthStatus == null ? HealthStatus.UNKNOWN : healthStatus;
    }

    public ContainerReport toReport()
    {
        return new ContainerReport(name, status, imageDigest, exitCode, reason, health());
    }
}
