package io.berth.agent.metadata;

import io.berth.agent.network.NetworkAttachment;
import io.berth.agent.tasks.TaskRecord;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Fixed task records for the metadata endpoint's tests. */
final class MetadataFixtures
{
    static final String REGION_ACCOUNT = "arn:aws:ecs:us-east-1:123456789012:";

    private MetadataFixtures() {}

    static ContainerSpec container(String name)
    {
        return new ContainerSpec(name, "127.0.0.1:5000/app:1", null, List.of("sleep", "100"), Map.of(), null, null, true, 128, 256, null);
    }

    /** A running task of 0.25 vCPU and 512 MiB, family "web" revision 3, with an app and a sidecar container. */
    static TaskRecord runningTask(String taskId, String address)
    {
        TaskAssignment assignment = new TaskAssignment(
                taskId,
                REGION_ACCOUNT + "task/prod/" + taskId,
                DesiredStatus.RUNNING,
                256,
                512,
                List.of(container("app"), container("sidecar")),
                REGION_ACCOUNT + "cluster/prod",
                REGION_ACCOUNT + "task-definition/web:3",
                "us-east-1a",
                Map.of("app", REGION_ACCOUNT + "container/prod/" + taskId + "/c-app", "sidecar", REGION_ACCOUNT + "container/prod/" + taskId + "/c-sidecar"),
                "000000000000");
        NetworkAttachment network = new NetworkAttachment("/run/netns/berth0-" + taskId, address, "10.213.0.0/16", "10.213.0.1", "0a:58:0a:d5:00:05", "eth0");
        return TaskRecord.fresh(assignment)
                .withPullStarted(Instant.parse("2024-05-01T10:00:00Z"))
                .withPullStopped(Instant.parse("2024-05-01T10:00:02.5Z"))
                .withNetwork(network)
                .withContainer("app", container -> container.withImageDigest("sha256:" + "a".repeat(64)).running())
                .withContainer("sidecar", container -> container.withImageDigest("sha256:" + "b".repeat(64)).running())
                .withRunning(Instant.parse("2024-05-01T10:00:03Z"));
    }
}
