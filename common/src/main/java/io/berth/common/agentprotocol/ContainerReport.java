package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/**
 * The actual state of one container: exitCode and reason once it has stopped. healthStatus is what its health
 * check says (UNKNOWN for a container without one); null from an agent that does not run health checks.
 */
public record ContainerReport(
        String name,
        TaskReport.Status status,
        String imageDigest,
        Integer exitCode,
        String reason,
        HealthStatus healthStatus)
{
    public ContainerReport
    {
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
    }

    /** A report that says nothing of the container's health. */
    public ContainerReport(String name, TaskReport.Status status, String imageDigest, Integer exitCode, String reason)
    {
        this(name, status, imageDigest, exitCode, reason, null);
    }
}
