package io.berth.agent.metrics;

import io.berth.agent.images.ImagePullException;
import io.berth.agent.images.ImageService;
import io.berth.agent.images.PulledImage;
import io.berth.agent.network.NetworkAttachment;
import io.berth.agent.network.NetworkException;
import io.berth.common.agentprotocol.NetworkPlan;
import io.berth.agent.network.TaskNetwork;
import io.berth.agent.rootfs.Snapshotter;
import io.berth.agent.rootfs.TaskStorage;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerRuntime;
import io.berth.agent.runtime.ContainerStartException;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.ContainerUsage;
import io.berth.agent.runtime.ExecResult;
import io.berth.agent.tasks.HostServices;
import io.berth.agent.userns.IdMapping;
import io.berth.common.agentprotocol.RegistryLogin;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import static java.util.Objects.requireNonNull;

/**
 * A host whose parts time each step of a task's start and stop for {@link AgentMetrics}: the image pull, the
 * network's set-up and tear-down, the storage, the root filesystems and the containers' start and removal. Every
 * other call goes straight through.
 */
public final class MeasuredHost
{
    private MeasuredHost() {}

    public static HostServices of(HostServices host, AgentMetrics metrics)
    {
        requireNonNull(host, "host is null");
        requireNonNull(metrics, "metrics is null");
        return new HostServices(new Images(host.images(), metrics), new Snapshots(host.snapshotter(), metrics), new Runtime(host.runtime(), metrics),
                host.records(), host.logDirectory(), host.clock(), new Network(host.network(), metrics), host.containerEnvironment(),
                new Storage(host.storage(), metrics), host.idRanges(), host.healthChecks(), host.transitions());
    }

    private record Images(ImageService inner, AgentMetrics metrics)
            implements ImageService
    {
        @Override
        public PulledImage pull(String reference)
                throws ImagePullException
        {
            return metrics.measure(AgentMetrics.IMAGE_PULL, () -> inner.pull(reference));
        }

        @Override
        public PulledImage pull(String reference, RegistryLogin login)
                throws ImagePullException
        {
            return metrics.measure(AgentMetrics.IMAGE_PULL, () -> inner.pull(reference, login));
        }

        @Override
        public PulledImage pull(String reference, RegistryLogin login, String accountId)
                throws ImagePullException
        {
            return metrics.measure(AgentMetrics.IMAGE_PULL, () -> inner.pull(reference, login, accountId));
        }
    }

    private record Snapshots(Snapshotter inner, AgentMetrics metrics)
            implements Snapshotter
    {
        @Override
        public Path prepare(String key, List<Path> layers, IdMapping idMapping)
                throws IOException
        {
            return metrics.measure(AgentMetrics.ROOTFS_PREPARE, () -> inner.prepare(key, layers, idMapping));
        }

        @Override
        public void prepareAhead(IdMapping idMapping)
                throws IOException
        {
            inner.prepareAhead(idMapping);
        }

        @Override
        public void remove(String key)
                throws IOException
        {
            metrics.measureCleanup(AgentMetrics.ROOTFS_REMOVE, () -> {
                inner.remove(key);
                return null;
            });
        }

        @Override
        public List<String> keys()
                throws IOException
        {
            return inner.keys();
        }
    }

    private record Storage(TaskStorage inner, AgentMetrics metrics)
            implements TaskStorage
    {
        @Override
        public void create(String taskId, int sizeGiB, List<String> keys)
                throws IOException
        {
            metrics.measure(AgentMetrics.STORAGE_CREATE, () -> {
                inner.create(taskId, sizeGiB, keys);
                return null;
            });
        }

        @Override
        public Path volumeRoot(String taskId)
                throws IOException
        {
            return inner.volumeRoot(taskId);
        }

        @Override
        public void remove(String taskId)
                throws IOException
        {
            metrics.measureCleanup(AgentMetrics.STORAGE_REMOVE, () -> {
                inner.remove(taskId);
                return null;
            });
        }

        @Override
        public List<String> taskIds()
                throws IOException
        {
            return inner.taskIds();
        }
    }

    private record Network(TaskNetwork inner, AgentMetrics metrics)
            implements TaskNetwork
    {
        @Override
        public Optional<NetworkAttachment> setUp(String taskId, String accountId)
                throws NetworkException
        {
            return metrics.measure(AgentMetrics.NETWORK_SETUP, () -> inner.setUp(taskId, accountId));
        }

        @Override
        public void tearDown(String taskId)
                throws NetworkException
        {
            metrics.measureCleanup(AgentMetrics.NETWORK_TEARDOWN, () -> {
                inner.tearDown(taskId);
                return null;
            });
        }

        @Override
        public List<String> taskIds()
        {
            return inner.taskIds();
        }

        @Override
        public void apply(NetworkPlan plan)
                throws NetworkException
        {
            inner.apply(plan);
        }

        @Override
        public void restore()
                throws NetworkException
        {
            inner.restore();
        }

        @Override
        public List<String> releaseWarm()
        {
            return inner.releaseWarm();
        }

        @Override
        public Optional<String> gateway()
        {
            return inner.gateway();
        }

        @Override
        public void openMetadataEndpoint(int port)
                throws NetworkException
        {
            inner.openMetadataEndpoint(port);
        }
    }

    private record Runtime(ContainerRuntime inner, AgentMetrics metrics)
            implements ContainerRuntime
    {
        @Override
        public void start(ContainerLaunch launch)
                throws ContainerStartException
        {
            metrics.measure(AgentMetrics.CONTAINER_START, () -> {
                inner.start(launch);
                return null;
            });
        }

        @Override
        public Optional<ContainerStatus> status(String containerId)
        {
            return inner.status(containerId);
        }

        @Override
        public void signal(String containerId, int signal)
        {
            inner.signal(containerId, signal);
        }

        @Override
        public void delete(String containerId)
        {
            metrics.measureCleanup(AgentMetrics.CONTAINER_DELETE, () -> {
                inner.delete(containerId);
                return null;
            });
        }

        @Override
        public Optional<ContainerUsage> usage(String containerId)
        {
            return inner.usage(containerId);
        }

        @Override
        public ExecResult exec(String containerId, List<String> arguments, Duration timeout)
        {
            return inner.exec(containerId, arguments, timeout);
        }

        @Override
        public List<String> containerIds()
        {
            return inner.containerIds();
        }

        @Override
        public Optional<ExitWatch> watchExits(Consumer<String> exited)
        {
            return inner.watchExits(exited);
        }
    }
}
