package io.berth.cli.up;

import io.berth.agent.images.ImageLimits;
import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.runtime.OciRuntime;
import io.berth.cli.agent.Overcommit;
import io.berth.cli.server.ServerConfig;
import io.berth.common.network.Ipv4Cidr;
import io.berth.controlplane.metering.MeteringConfig;
import io.berth.controlplane.network.TaskAddressPlan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How `berth up` runs. storeUrl null means the embedded SQLite store in the data directory; apiPort 0 picks
 * a free port; registryPort 0 means "the port recorded in the data directory, or a free one the first time";
 * metering holds the prices the bill uses; bridgeName is the tasks' bridge on this host and subnet the task
 * CIDR of the control plane, which the one host holds whole unless a control plane tuning cuts it in slices;
 * maxImageBytes is how much one image may unpack to on the agent's disk; runscBinary is gVisor's runsc, which gives
 * the host the sandbox isolation tier when it answers; imageStoreBytes how much the agent's
 * image store may hold before unused images are removed (null: the agent's default, see AgentNodeConfig);
 * overcommit how many times its cpu and memory the one host offers the scheduler; tls how the API serves TLS (plain
 * HTTP by default here, for callers that build their own clients; `berth up` turns it on unless --tls off).
 */
public record AllInOneConfig(
        Path dataDirectory,
        String bindAddress,
        int apiPort,
        int registryPort,
        String storeUrl,
        String region,
        Set<String> insecureRegistries,
        Duration stoppedTaskRetention,
        Duration heartbeatInterval,
        MeteringConfig metering,
        String bridgeName,
        String subnet,
        long maxImageBytes,
        Path runscBinary,
        Long imageStoreBytes,
        Overcommit overcommit,
        ServerConfig.Tls tls)
{
    public AllInOneConfig
    {
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(bindAddress, "bindAddress is null");
        requireNonNull(region, "region is null");
        insecureRegistries = Set.copyOf(insecureRegistries);
        requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
        requireNonNull(heartbeatInterval, "heartbeatInterval is null");
        requireNonNull(metering, "metering is null");
        CniNetworkConfig.checkBridgeName(bridgeName);
        // the control plane's own rule for a task CIDR, checked before anything starts
        taskAddressPlan(subnet);
        if (maxImageBytes <= 0) {
            throw new IllegalArgumentException("the maximum image size must be positive");
        }
        requireNonNull(runscBinary, "runscBinary is null");
        if (imageStoreBytes != null && imageStoreBytes <= 0) {
            throw new IllegalArgumentException("the image store size must be positive");
        }
        requireNonNull(overcommit, "overcommit is null");
        requireNonNull(tls, "tls is null");
    }

    public static AllInOneConfig defaults(Path dataDirectory)
    {
        return new AllInOneConfig(dataDirectory.toAbsolutePath(), "127.0.0.1", 8686, 0, null, "us-east-1", Set.of(), Duration.ofHours(1), Duration.ofSeconds(2),
                MeteringConfig.DEFAULTS, CniNetworkConfig.DEFAULT_BRIDGE, CniNetworkConfig.DEFAULT_SUBNET,
                ImageLimits.DEFAULT_MAX_IMAGE_BYTES, OciRuntime.DEFAULT_RUNSC, null, Overcommit.ALL_IN_ONE, ServerConfig.Tls.OFF);
    }

    public AllInOneConfig withApiPort(int port)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, port, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    public AllInOneConfig withBindAddress(String address)
    {
        return new AllInOneConfig(dataDirectory, address, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    public AllInOneConfig withRegistryPort(int port)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, port, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    public AllInOneConfig withStoreUrl(String url)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, url, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    public AllInOneConfig withRegion(String newRegion)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, newRegion, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    public AllInOneConfig withInsecureRegistries(Set<String> registries)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, registries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    public AllInOneConfig withStoppedTaskRetention(Duration retention)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, retention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    /** Prices and the minimum billed duration of the bill. */
    public AllInOneConfig withMetering(MeteringConfig value)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, value, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    /** The bridge and subnet of this host's task network; give each Berth on one machine its own. */
    public AllInOneConfig withTaskNetwork(String bridge, String taskSubnet)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridge, taskSubnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    /** How much one image may unpack to on this host's disk (`berth up --max-image-size`). */
    public AllInOneConfig withMaxImageBytes(long bytes)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, bytes, runscBinary, imageStoreBytes, overcommit, tls);
    }

    /** gVisor's runsc for the sandbox tier (`berth up --runsc`). */
    public AllInOneConfig withRunsc(Path binary)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, binary, imageStoreBytes, overcommit, tls);
    }

    /** How much the agent's image store may hold before unused images are removed (`berth up --image-store-size`). */
    public AllInOneConfig withImageStoreBytes(Long bytes)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, bytes, overcommit, tls);
    }

    public String effectiveStoreUrl()
    {
        return storeUrl != null ? storeUrl : "jdbc:sqlite:" + dataDirectory.resolve("berth.db");
    }

    /** The task CIDR for the one host: a /24 slice of a larger CIDR (as a fleet's host would get), or all of a smaller one. */
    public TaskAddressPlan taskAddressPlan()
    {
        return taskAddressPlan(subnet);
    }

    private static TaskAddressPlan taskAddressPlan(String taskCidr)
    {
        Ipv4Cidr cidr = Ipv4Cidr.parse(taskCidr);
        return new TaskAddressPlan(cidr, Math.max(TaskAddressPlan.DEFAULT_HOST_PREFIX, cidr.prefix()));
    }

    public AllInOneConfig withOvercommit(Overcommit factors)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, factors, tls);
    }

    /** How the API serves TLS (`berth up --tls`, --tls-cert, --tls-key). */
    public AllInOneConfig withTls(ServerConfig.Tls value)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering, bridgeName, subnet, maxImageBytes, runscBinary, imageStoreBytes, overcommit, value);
    }
}
