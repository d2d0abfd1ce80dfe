package io.berth.cli.agent;

import io.berth.agent.images.ImageGarbageCollector;
import io.berth.agent.images.ImageLimits;
import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.userns.IdRangePool;
import io.berth.agent.runtime.OciRuntime;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How one host's agent runs.
 *
 * @param dataDirectory all of the agent's state: credential, images, root filesystems, runtime state, logs
 * @param controlPlane the control plane's URL; null means the one recorded when the agent joined
 * @param joinToken the bootstrap token for the first join; ignored once the agent holds a credential
 * @param registryAuthFile a Docker config.json with registry credentials (may not exist)
 * @param address the address the control plane reaches this host's agent endpoint at, and where the links from
 * other hosts' task networks end; null means the local address this host uses to reach the control plane
 * @param agentPort the agent endpoint's port; 0 picks a free one (the heartbeat tells the control plane)
 * @param cpuUnits capacity announced to the scheduler, null for the machine's (1024 per core)
 * @param memoryMiB capacity announced to the scheduler, null for the machine's
 * @param bridgeName the Linux bridge of the tasks' networks on this host (their addresses come from the control plane's plan)
 * @param maxImageBytes how many bytes the layers one pull unpacks may take on disk (a single layer too); see {@link ImageLimits}
 * @param imageStoreBytes how many bytes the image store (blobs and unpacked layers) may hold before unused images are
 * removed, least recently used first; null for {@link ImageGarbageCollector#defaultMaxStoreBytes}
 * @param userNamespaces the host id ranges this agent gives tasks' user namespaces, one range per task; agents
 * sharing a host should each get their own
 * @param runscBinary gVisor's runsc, for the sandbox isolation tier; the host offers the tier only if it answers
 * `runsc --version` (see {@link io.berth.agent.runtime.RuntimeProbe})
 * @param ingress whether this host serves the load balancers: its agent runs HAProxy with every load balancer's
 *        listeners (in DIR/ingress)
 * @param otherControlPlanes more control planes (replicas on the same store) to try when controlPlane does not answer,
 *        beside those the control plane names in its sync answers
 */
public record AgentNodeConfig(
        Path dataDirectory,
        URI controlPlane,
        String joinToken,
        Set<String> insecureRegistries,
        Path registryAuthFile,
        String address,
        int agentPort,
        String zone,
        Map<String, String> attributes,
        Integer cpuUnits,
        Long memoryMiB,
        Duration heartbeatInterval,
        Duration stoppedTaskRetention,
        String bridgeName,
        long maxImageBytes,
        Long imageStoreBytes,
        IdRangePool userNamespaces,
        Path runscBinary,
        boolean ingress,
        List<URI> otherControlPlanes)
{
    public static final String ZONE_ATTRIBUTE = "ecs.availability-zone";

    public AgentNodeConfig
    {
        requireNonNull(dataDirectory, "dataDirectory is null");
        insecureRegistries = Set.copyOf(insecureRegistries);
        requireNonNull(registryAuthFile, "registryAuthFile is null");
        requireNonNull(zone, "zone is null");
        attributes = Map.copyOf(attributes);
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
        CniNetworkConfig.checkBridgeName(bridgeName);
        if (maxImageBytes <= 0) {
            throw new IllegalArgumentException("the maximum image size must be positive");
        }
        if (imageStoreBytes != null && imageStoreBytes <= 0) {
            throw new IllegalArgumentException("the image store size must be positive");
        }
        requireNonNull(userNamespaces, "userNamespaces is null");
        requireNonNull(runscBinary, "runscBinary is null");
        otherControlPlanes = List.copyOf(otherControlPlanes);
    }

    public static AgentNodeConfig defaults(Path dataDirectory)
    {
        Path directory = dataDirectory.toAbsolutePath();
        return new AgentNodeConfig(directory, null, null, Set.of(), directory.resolve("registry-auth.json"), null, 0, "default", Map.of(),
                null, null, Duration.ofSeconds(2), Duration.ofHours(1), CniNetworkConfig.DEFAULT_BRIDGE, ImageLimits.DEFAULT_MAX_IMAGE_BYTES, null, IdRangePool.DEFAULT,
                OciRuntime.DEFAULT_RUNSC, false, List.of());
    }

    public AgentNodeConfig withControlPlane(URI url, String token)
    {
        return new AgentNodeConfig(dataDirectory, url, token, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    /** The first URL to join and talk to, the others (replicas of the same control plane) to move to when it does not answer. */
    public AgentNodeConfig withControlPlanes(List<URI> urls, String token)
    {
        if (urls.isEmpty()) {
            return withControlPlane(null, token);
        }
        return new AgentNodeConfig(dataDirectory, urls.getFirst(), token, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress,
                urls.subList(1, urls.size()));
    }

    public AgentNodeConfig withInsecureRegistries(Set<String> registries)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, registries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    public AgentNodeConfig withRegistryAuthFile(Path file)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, file, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    public AgentNodeConfig withEndpoint(String agentAddress, int port)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, agentAddress, port, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    public AgentNodeConfig withPlacement(String hostZone, Map<String, String> hostAttributes)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, hostZone, hostAttributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    public AgentNodeConfig withCapacity(Integer cpu, Long memory)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpu, memory, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    public AgentNodeConfig withTimings(Duration heartbeat, Duration retention)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeat, retention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    public AgentNodeConfig withMaxImageBytes(long bytes)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, bytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    public AgentNodeConfig withImageStoreBytes(Long bytes)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, bytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    public AgentNodeConfig withUserNamespaces(IdRangePool pool)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, pool, runscBinary, ingress, otherControlPlanes);
    }

    /** The runsc binary that gives this host the sandbox tier. */
    public AgentNodeConfig withRunsc(Path binary)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, binary, ingress, otherControlPlanes);
    }

    public ImageLimits imageLimits()
    {
        return ImageLimits.ofMaxImageBytes(maxImageBytes);
    }

    /** The bridge of the tasks' networks; agents sharing a network namespace need their own. */
    public AgentNodeConfig withTaskNetwork(String bridge)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridge, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, ingress, otherControlPlanes);
    }

    /** Whether this host serves the load balancers (runs HAProxy): `berth agent --ingress`, and `berth up`'s agent always. */
    public AgentNodeConfig withIngress(boolean value)
    {
        return new AgentNodeConfig(dataDirectory, controlPlane, joinToken, insecureRegistries, registryAuthFile, address, agentPort, zone, attributes,
                cpuUnits, memoryMiB, heartbeatInterval, stoppedTaskRetention, bridgeName, maxImageBytes, imageStoreBytes, userNamespaces, runscBinary, value, otherControlPlanes);
    }
}
