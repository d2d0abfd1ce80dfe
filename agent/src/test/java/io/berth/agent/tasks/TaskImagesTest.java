package io.berth.agent.tasks;

import io.berth.agent.images.Digest;
import io.berth.agent.images.InUseImages;
import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;
import io.berth.common.agentprotocol.TaskReport.Status;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskImagesTest
{
    private static final String MANIFEST = "sha256:" + "a".repeat(64);
    private static final String PINNED = "sha256:" + "b".repeat(64);

    @Test
    void everyTaskNotYetStoppedHoldsItsImagesByReferenceAndByPulledManifest()
    {
        TaskRecord waiting = TaskRecord.fresh(assignment("0000000000000000000000000000000a", "127.0.0.1:5000/app:1", "busybox"));
        TaskRecord running = TaskRecord.fresh(assignment("0000000000000000000000000000000b", "127.0.0.1:5000/web@" + PINNED))
                .withRunning(Instant.EPOCH)
                .withContainer("c0", container -> container.withImageDigest(MANIFEST));
        TaskRecord stopped = TaskRecord.fresh(assignment("0000000000000000000000000000000c", "127.0.0.1:5000/old:1"))
                .withContainer("c0", container -> container.withImageDigest("sha256:" + "c".repeat(64)))
                .withStopped(Instant.EPOCH);

        InUseImages inUse = TaskImages.inUse(List.of(waiting, running, stopped));

        assertThat(inUse.references()).containsExactlyInAnyOrder(
                "127.0.0.1:5000/app:1", "docker.io/library/busybox:latest", "127.0.0.1:5000/web@" + PINNED);
        assertThat(inUse.manifestDigests()).containsExactlyInAnyOrder(Digest.parse(MANIFEST), Digest.parse(PINNED));
        assertThat(running.status()).isEqualTo(Status.RUNNING);
    }

    @Test
    void aReferenceThatDoesNotParseHoldsNothing()
    {
        InUseImages inUse = TaskImages.inUse(List.of(TaskRecord.fresh(assignment("0000000000000000000000000000000d", "Not A Reference"))));

        assertThat(inUse.references()).isEmpty();
        assertThat(inUse.manifestDigests()).isEmpty();
    }

    private static TaskAssignment assignment(String taskId, String... images)
    {
        List<ContainerSpec> containers = new java.util.ArrayList<>();
        for (int index = 0; index < images.length; index++) {
            containers.add(new ContainerSpec("c" + index, images[index], null, List.of("serve"), Map.of(), null, null, true, null, null, 30));
        }
        return new TaskAssignment(taskId, "arn:aws:ecs:us-east-1:111111111111:task/default/" + taskId, DesiredStatus.RUNNING, 256, 512,
                containers, null, null, null, Map.of(), "111111111111");
    }
}
