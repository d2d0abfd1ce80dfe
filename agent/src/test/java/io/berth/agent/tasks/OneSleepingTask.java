package io.berth.agent.tasks;

import io.berth.common.agentprotocol.ContainerSpec;
import io.berth.common.agentprotocol.ControlPlaneLink;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskAssignment.DesiredStatus;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The fault tests' starting point: a host's reconciler with one task assigned (a container that sleeps), launched. */
final class OneSleepingTask
{
    private OneSleepingTask() {}

    static TaskReconciler launch(String taskId, HostServices services)
    {
        return launch(taskId, services, 1);
    }

    /** With the container's stop timeout: until it passes, the container's sleep (its PID 1, with no handler) ignores SIGTERM. */
    static TaskReconciler launch(String taskId, HostServices services, int stopTimeoutSeconds)
    {
        TaskAssignment assignment = new TaskAssignment(taskId, "arn:aws:ecs:us-east-1:000000000000:task/default/" + taskId, DesiredStatus.RUNNING, 256, 512,
                List.of(new ContainerSpec("app", "registry/app:1", null, List.of("sleep", "600"), Map.of(), null, null, true, null, null, stopTimeoutSeconds)));
        ControlPlaneLink link = new ControlPlaneLink()
        {
            @Override
            public SyncResponse sync(SyncRequest request)
            {
                return new SyncResponse(List.of(assignment));
            }

            @Override
            public void awaitChange(String hostId, Duration timeout) {}
        };
        TaskReconciler launched = new TaskReconciler(new HostInfo("host-1", "10.242.0.1", 1024, 2048, Map.of()), link, services, () -> {});
        launched.reconcile();
        return launched;
    }
}
