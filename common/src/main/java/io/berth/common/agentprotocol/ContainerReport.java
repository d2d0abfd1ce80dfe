package io.berth.common.agentprotocol;

import static java.util.Objects.requireNonNull;

/** The actual state of one container: exitCode and reason once it has stopped. */
public record ContainerReport(
        String name,
        TaskReport.Status status,
        String imageDigest,
        Integer exitCode,
        String reason)
{
    public ContainerReport
    {
        requireNonNull(name, "name is null");
        requireNonNull(status, "status is null");
    }
}
