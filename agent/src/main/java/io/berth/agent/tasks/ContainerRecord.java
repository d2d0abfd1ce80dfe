package io.berth.agent.tasks;

import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.TaskReport.Status;

import static java.util.Objects.requireNonNull;

/** What the agent has recorded of one container of a task. */
public record ContainerRecord(
        String name,
        String containerId,
        Status status,
        String imageDigest,
        Integer exitCode,
        String reason)
{
    public ContainerRecord
    {
        requireNonNull(name, "name is null");
        requireNonNull(containerId, "containerId is null");
        requireNonNull(status, "status is null");
    }

    public ContainerRecord withImageDigest(String digest)
    {
        return new ContainerRecord(name, containerId, status, digest, exitCode, reason);
    }

    public ContainerRecord running()
    {
        return new ContainerRecord(name, containerId, Status.RUNNING, imageDigest, exitCode, reason);
    }

    public ContainerRecord stopped(Integer exitCode, String reason)
    {
        return new ContainerRecord(name, containerId, Status.STOPPED, imageDigest, exitCode, reason);
    }

    public ContainerReport toReport()
    {
        return new ContainerReport(name, status, imageDigest, exitCode, reason);
    }
}
