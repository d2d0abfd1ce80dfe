package io.berth.controlplane.placement;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.IsolationTier;
import io.berth.controlplane.taskdefinitions.EphemeralStorage;
import io.berth.controlplane.tasks.PlacementOptions;
import io.berth.controlplane.tasks.Task;
import io.berth.controlplane.tasks.TaskContainer;
import io.berth.controlplane.tasks.TaskOverrides;
import io.berth.controlplane.tasks.TaskState;
import io.berth.controlplane.tasks.TaskStatus;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Tasks waiting for a host, stored directly (as RunTask stores them before its placement round). */
public final class WaitingTasks
{
    private WaitingTasks() {}

    /** A new task of one small container, PROVISIONING and waiting for a host. */
    public static Task task()
    {
        String taskId = UUID.randomUUID().toString().replace("-", "");
        String accountId = "123456789012";
        ContainerSpec spec = new ContainerSpec("app", "busybox", null, List.of("sleep", "1"), Map.of(), null, null, true, null, 256, null);
        TaskState state = new TaskState(TaskStatus.PROVISIONING, TaskStatus.RUNNING, null, null, null, null, null, null, null, null, null,
                List.of(new TaskContainer("arn:container/" + taskId, spec, null, TaskStatus.PENDING, null, null, null)), 1, null);
        return new Task(accountId, taskId, "arn:aws:ecs:us-east-1:" + accountId + ":task/default/" + taskId, "default",
                "arn:aws:ecs:us-east-1:" + accountId + ":cluster/default", "arn:td", "family", 256, 512, TaskOverrides.NONE, null, null,
                "FARGATE", "1.4.0", "us-east-1a", Map.of(), Instant.now(), state, PlacementOptions.NONE, EphemeralStorage.DEFAULT, IsolationTier.CONTAINER,
                List.of());
    }
}
