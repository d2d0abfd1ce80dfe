package io.berth.agent.tasks;

import io.berth.agent.images.ImageConfig;
import io.berth.agent.images.ImagePullException;
import io.berth.agent.images.ImageService;
import io.berth.agent.images.PulledImage;
import io.berth.agent.network.NetworkAttachment;
import io.berth.agent.network.NetworkException;
import io.berth.agent.network.TaskNetwork;
import io.berth.agent.rootfs.Snapshotter;
import io.berth.agent.rootfs.TaskStorage;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerRuntime;
import io.berth.agent.runtime.ContainerStartException;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.ExecResult;
import io.berth.agent.userns.IdMapping;
import io.berth.common.agentprotocol.NetworkPlan;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** In-memory images, snapshots, runtime and task networks, for testing the task lifecycle's logic without a host. */
final class FakeHost
        implements ImageService, Snapshotter, ContainerRuntime, TaskNetwork
{
    /** What happened, in order: "network-plan", "network-up:ACCOUNT", "start:ID", "delete:ID", "network-down". */
    final List<String> events = new CopyOnWriteArrayList<>();
    final Map<String, NetworkAttachment> networks = new ConcurrentHashMap<>();
    volatile String networkFailure;
    final Map<String, ContainerStatus> containers = new ConcurrentHashMap<>();
    final List<ContainerLaunch> launches = new CopyOnWriteArrayList<>();
    final List<String> signals = new CopyOnWriteArrayList<>();
    final Set<String> snapshots = ConcurrentHashMap.newKeySet();
    /** The id mapping each snapshot was prepared with, when it had one. */
    final Map<String, IdMapping> snapshotMappings = new ConcurrentHashMap<>();
    /** The mappings whose user namespace the runner had made ahead of need, in order. */
    final List<IdMapping> preparedAhead = new CopyOnWriteArrayList<>();
    volatile String pullFailure;
    /** When set, a pull waits (at most 10 s) until it is opened. */
    volatile java.util.concurrent.CountDownLatch pullGate;
    /** The layers every pulled image has. */
    volatile List<Path> layers = List.of(Path.of("/layers/1"));
    final Storage storage = new Storage();
    volatile String startFailure;
    /** How many of the next container deletes fail, as a runc that cannot reach a stuck process would. */
    final java.util.concurrent.atomic.AtomicInteger deleteFailures = new java.util.concurrent.atomic.AtomicInteger();
    /** How many root filesystem removals fail before they succeed. */
    final java.util.concurrent.atomic.AtomicInteger snapshotRemovalFailures = new java.util.concurrent.atomic.AtomicInteger();
    /** The exit code of every process run in a container (a health check), by container id; 0 when not set. */
    final Map<String, Integer> execExitCodes = new ConcurrentHashMap<>();
    /** Ids of the containers processes were run in, in order. */
    final List<String> execs = new CopyOnWriteArrayList<>();
    /** Signals that end the container; others are recorded and ignored, as pid 1 ignores SIGTERM. */
    volatile Set<Integer> fatalSignals = Set.of(9);

    HostServices services(Path directory)
    {
        return services(directory, this, storage);
    }

    /** With another snapshotter, e.g. a real one. */
    HostServices services(Path directory, Snapshotter snapshotter)
    {
        return services(directory, snapshotter, storage);
    }

    /** The same with another task storage, e.g. a real one. */
    HostServices services(Path directory, TaskStorage taskStorage)
    {
        return services(directory, this, taskStorage);
    }

    private HostServices services(Path directory, Snapshotter snapshotter, TaskStorage taskStorage)
    {
        return new HostServices(this, snapshotter, this, new TaskRecordStore(directory.resolve("tasks")), directory.resolve("logs"), Clock.systemUTC(), this, taskStorage);
    }

    void exit(String containerId, int exitCode, boolean oomKilled)
    {
        containers.put(containerId, new ContainerStatus.Exited(exitCode, oomKilled, Instant.now()));
    }

    @Override
    public PulledImage pull(String reference)
            throws ImagePullException
    {
        java.util.concurrent.CountDownLatch gate = pullGate;
        try {
            if (gate != null && !gate.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                throw new ImagePullException("the test's pull gate was not opened");
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImagePullException("interrupted");
        }
        if (pullFailure != null) {
            throw new ImagePullException(pullFailure);
        }
        return new PulledImage(reference, "sha256:" + "a".repeat(64), new ImageConfig(List.of(), List.of("sh"), List.of("PATH=/bin"), "", ""), layers);
    }

    /** Task storage by task id, with its size in GiB; events "storage-up:GIB" and "storage-down". */
    final class Storage
            implements TaskStorage
    {
        final Map<String, Integer> sizes = new ConcurrentHashMap<>();
        volatile String failure;

        @Override
        public void create(String taskId, int sizeGiB, List<String> keys)
                throws java.io.IOException
        {
            if (failure != null) {
                throw new java.io.IOException(failure);
            }
            events.add("storage-up:" + sizeGiB);
            sizes.put(taskId, sizeGiB);
        }

        @Override
        public void remove(String taskId)
        {
            if (sizes.remove(taskId) != null) {
                events.add("storage-down");
            }
            // the volumes go with the storage, as on a host (and no temporary directory is left behind)
            Path volumes = volumeRoots.remove(taskId);
            if (volumes != null) {
                try {
                    io.berth.common.files.FileTrees.deleteRecursively(volumes);
                }
                catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        @Override
        public List<String> taskIds()
        {
            return new ArrayList<>(sizes.keySet());
        }

        @Override
        public Path volumeRoot(String taskId)
                throws java.io.IOException
        {
            if (!sizes.containsKey(taskId)) {
                throw new java.io.IOException("task " + taskId + " has no storage");
            }
            if (volumeFailure != null) {
                throw new java.io.IOException(volumeFailure);
            }
            return volumeRoots.computeIfAbsent(taskId, id -> {
                try {
                    return java.nio.file.Files.createTempDirectory("fake-volumes-");
                }
                catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        final Map<String, Path> volumeRoots = new ConcurrentHashMap<>();
        volatile String volumeFailure;
    }

    @Override
    public Path prepare(String key, List<Path> layers, IdMapping idMapping)
    {
        events.add("rootfs-prepared:" + key);
        snapshots.add(key);
        if (idMapping != null) {
            snapshotMappings.put(key, idMapping);
        }
        return Path.of("/rootfs", key);
    }

    @Override
    public void prepareAhead(IdMapping idMapping)
    {
        preparedAhead.add(idMapping);
    }

    @Override
    public void remove(String key)
            throws java.io.IOException
    {
        if (snapshotRemovalFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            events.add("rootfs-removal-failed:" + key);
            throw new java.io.IOException("injected: target is busy");
        }
        events.add("rootfs-removed:" + key);
        snapshots.remove(key);
    }

    @Override
    public List<String> keys()
    {
        return new ArrayList<>(snapshots);
    }

    @Override
    public void start(ContainerLaunch launch)
            throws ContainerStartException
    {
        if (startFailure != null) {
            throw new ContainerStartException(startFailure);
        }
        launches.add(launch);
        events.add("start:" + launch.containerId());
        containers.put(launch.containerId(), new ContainerStatus.Running(100 + launches.size()));
    }

    @Override
    public Optional<ContainerStatus> status(String containerId)
    {
        return Optional.ofNullable(containers.get(containerId));
    }

    @Override
    public void signal(String containerId, int signal)
    {
        signals.add(containerId + ":" + signal);
        if (fatalSignals.contains(signal) && containers.get(containerId) instanceof ContainerStatus.Running) {
            exit(containerId, 128 + signal, false);
        }
    }

    @Override
    public void delete(String containerId)
    {
        if (deleteFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
            events.add("delete-failed:" + containerId);
            throw new java.io.UncheckedIOException(new java.io.IOException("runc delete " + containerId + ": device or resource busy"));
        }
        if (containers.remove(containerId) != null) {
            events.add("delete:" + containerId);
        }
    }

    @Override
    public ExecResult exec(String containerId, List<String> arguments, Duration timeout)
    {
        execs.add(containerId);
        if (!(containers.get(containerId) instanceof ContainerStatus.Running)) {
            return new ExecResult(1, "container " + containerId + " is not running", false);
        }
        return new ExecResult(execExitCodes.getOrDefault(containerId, 0), "", false);
    }

    @Override
    public List<String> containerIds()
    {
        return new ArrayList<>(containers.keySet());
    }

    @Override
    public Optional<NetworkAttachment> setUp(String taskId, String accountId)
            throws NetworkException
    {
        if (networkFailure != null) {
            throw new NetworkException(networkFailure);
        }
        events.add(accountId == null ? "network-up" : "network-up:" + accountId);
        return Optional.of(networks.computeIfAbsent(taskId, id -> new NetworkAttachment("/run/netns/test-" + id, "10.213.0." + (2 + networks.size()), "10.213.0.0/16", "10.213.0.1", "0a:58:0a:d5:00:02", "eth0")));
    }

    @Override
    public void apply(NetworkPlan plan)
    {
        events.add("network-plan");
    }

    @Override
    public void tearDown(String taskId)
    {
        if (networks.remove(taskId) != null) {
            events.add("network-down");
        }
    }

    @Override
    public List<String> taskIds()
    {
        return new ArrayList<>(networks.keySet());
    }
}
