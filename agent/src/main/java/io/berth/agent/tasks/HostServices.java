package io.berth.agent.tasks;

import io.berth.agent.health.HealthMonitor;
import io.berth.agent.images.ImageService;
import io.berth.agent.network.TaskNetwork;
import io.berth.agent.process.TaskTransitions;
import io.berth.agent.rootfs.Snapshotter;
import io.berth.agent.rootfs.TaskStorage;
import io.berth.agent.runtime.ContainerRuntime;
import io.berth.agent.userns.IdRanges;

import java.nio.file.Path;
import java.time.Clock;

import static java.util.Objects.requireNonNull;

/**
 * The host's subsystems a task runs on, and where its logs go. network gives each task its own network;
 * containerEnvironment is what the host adds to every container's environment; storage gives each task its
 * writable storage of the task's size (the snapshotter puts the containers' writable layers in it). idRanges, when
 * not null, is the pool of host id ranges the task runner gives each task's containers a user namespace from; null
 * runs containers without one. healthChecks runs the containers' health checks (one for the whole host; by
 * default one over this host's runtime). transitions counts the tasks starting or stopping, so that work done ahead
 * of need waits for them (by default a count of this host's own).
 */
public record HostServices(
        ImageService images,
        Snapshotter snapshotter,
        ContainerRuntime runtime,
        TaskRecordStore records,
        Path logDirectory,
        Clock clock,
        TaskNetwork network,
        ContainerEnvironment containerEnvironment,
        TaskStorage storage,
        IdRanges idRanges,
        HealthMonitor healthChecks,
        TaskTransitions transitions)
{
    public HostServices
    {
        requireNonNull(images, "images is null");
        requireNonNull(snapshotter, "snapshotter is null");
        requireNonNull(runtime, "runtime is null");
        requireNonNull(records, "records is null");
        requireNonNull(logDirectory, "logDirectory is null");
        requireNonNull(clock, "clock is null");
        requireNonNull(network, "network is null");
        requireNonNull(containerEnvironment, "containerEnvironment is null");
        requireNonNull(storage, "storage is null");
        healthChecks = healthChecks == null ? new HealthMonitor(runtime, clock) : healthChecks;
        transitions = transitions == null ? new TaskTransitions() : transitions;
    }

    /** A host whose starting and stopping tasks are counted apart from anything else's. */
    public HostServices(ImageService images, Snapshotter snapshotter, ContainerRuntime runtime, TaskRecordStore records, Path logDirectory, Clock clock,
            TaskNetwork network, ContainerEnvironment containerEnvironment, TaskStorage storage, IdRanges idRanges, HealthMonitor healthChecks)
    {
        this(images, snapshotter, runtime, records, logDirectory, clock, network, containerEnvironment, storage, idRanges, healthChecks, null);
    }

    /** A host whose health checks run on its own runtime. */
    public HostServices(ImageService images, Snapshotter snapshotter, ContainerRuntime runtime, TaskRecordStore records, Path logDirectory, Clock clock,
            TaskNetwork network, ContainerEnvironment containerEnvironment, TaskStorage storage, IdRanges idRanges)
    {
        this(images, snapshotter, runtime, records, logDirectory, clock, network, containerEnvironment, storage, idRanges, null);
    }

    /** A host whose containers run without user namespaces. */
    public HostServices(ImageService images, Snapshotter snapshotter, ContainerRuntime runtime, TaskRecordStore records, Path logDirectory, Clock clock, TaskNetwork network,
            ContainerEnvironment containerEnvironment, TaskStorage storage)
    {
        this(images, snapshotter, runtime, records, logDirectory, clock, network, containerEnvironment, storage, null);
    }

    /** A host that adds nothing to the containers' environment. */
    public HostServices(ImageService images, Snapshotter snapshotter, ContainerRuntime runtime, TaskRecordStore records, Path logDirectory, Clock clock,
            TaskNetwork network, TaskStorage storage)
    {
        this(images, snapshotter, runtime, records, logDirectory, clock, network, ContainerEnvironment.none(), storage);
    }

    /** The same host with another runtime in front, e.g. one that meters what it runs. */
    public HostServices withRuntime(ContainerRuntime newRuntime)
    {
        return new HostServices(images, snapshotter, newRuntime, records, logDirectory, clock, network, containerEnvironment, storage, idRanges, healthChecks, transitions);
    }

    /** The same host adding these variables to every container it starts. */
    public HostServices withContainerEnvironment(ContainerEnvironment environment)
    {
        return new HostServices(images, snapshotter, runtime, records, logDirectory, clock, network, environment, storage, idRanges, healthChecks, transitions);
    }

    /** The same host giving each task's containers a user namespace with a range from ranges. */
    public HostServices withIdRanges(IdRanges ranges)
    {
        return new HostServices(images, snapshotter, runtime, records, logDirectory, clock, network, containerEnvironment, storage, ranges, healthChecks, transitions);
    }

    /** The same host running its containers' health checks with monitor. */
    public HostServices withHealthChecks(HealthMonitor monitor)
    {
        return new HostServices(images, snapshotter, runtime, records, logDirectory, clock, network, containerEnvironment, storage, idRanges, monitor, transitions);
    }

    /** The same host counting its starting and stopping tasks in value, which its work done ahead of need waits on. */
    public HostServices withTransitions(TaskTransitions value)
    {
        return new HostServices(images, snapshotter, runtime, records, logDirectory, clock, network, containerEnvironment, storage, idRanges, healthChecks, value);
    }

    public Path logFile(String taskId, String containerName)
    {
        return logDirectory.resolve(taskId).resolve(containerName + ".log");
    }
}
