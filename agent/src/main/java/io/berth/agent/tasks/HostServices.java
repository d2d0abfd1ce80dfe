package io.berth.agent.tasks;

import io.berth.agent.images.ImageService;
import io.berth.agent.network.TaskNetwork;
import io.berth.agent.rootfs.Snapshotter;
import io.berth.agent.rootfs.TaskStorage;
import io.berth.agent.runtime.ContainerRuntime;

import java.nio.file.Path;
import java.time.Clock;

import static java.util.Objects.requireNonNull;

/**
 * The host's subsystems a task runs on, and where its logs go. network gives each task its own network;
 * containerEnvironment is what the host adds to every container's environment; storage gives each task its
 * writable storage of the task's size (the snapshotter puts the containers' writable layers in it).
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
        TaskStorage storage)
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
        return new HostServices(images, snapshotter, newRuntime, records, logDirectory, clock, network, containerEnvironment, storage);
    }

    /** The same host adding these variables to every container it starts. */
    public HostServices withContainerEnvironment(ContainerEnvironment environment)
    {
        return new HostServices(images, snapshotter, runtime, records, logDirectory, clock, network, environment, storage);
    }

    public Path logFile(String taskId, String containerName)
    {
        return logDirectory.resolve(taskId).resolve(containerName + ".log");
    }
}
