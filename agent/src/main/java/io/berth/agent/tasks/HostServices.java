package io.berth.agent.tasks;

import io.berth.agent.images.ImageService;
import io.berth.agent.network.TaskNetwork;
import io.berth.agent.rootfs.Snapshotter;
import io.berth.agent.runtime.ContainerRuntime;

import java.nio.file.Path;
import java.time.Clock;

import static java.util.Objects.requireNonNull;

/** The host's subsystems a task runs on, and where its logs go. network gives each task its own network. */
public record HostServices(
        ImageService images,
        Snapshotter snapshotter,
        ContainerRuntime runtime,
        TaskRecordStore records,
        Path logDirectory,
        Clock clock,
        TaskNetwork network)
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
    }

    /** A host whose tasks get no network of their own: each container has only loopback. */
    public HostServices(ImageService images, Snapshotter snapshotter, ContainerRuntime runtime, TaskRecordStore records, Path logDirectory, Clock clock)
    {
        this(images, snapshotter, runtime, records, logDirectory, clock, TaskNetwork.none());
    }

    /** The same host with another runtime in front, e.g. one that meters what it runs. */
    public HostServices withRuntime(ContainerRuntime newRuntime)
    {
        return new HostServices(images, snapshotter, newRuntime, records, logDirectory, clock, network);
    }

    public Path logFile(String taskId, String containerName)
    {
        return logDirectory.resolve(taskId).resolve(containerName + ".log");
    }
}
