package io.berth.cli.up;

import io.berth.controlplane.metering.MeteringConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * How `berth up` runs. storeUrl null means the embedded SQLite store in the data directory; apiPort 0 picks
 * a free port; registryPort 0 means "the port recorded in the data directory, or a free one the first time";
 * metering holds the prices the bill uses.
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
        MeteringConfig metering)
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
    }

    public static AllInOneConfig defaults(Path dataDirectory)
    {
        return new AllInOneConfig(dataDirectory.toAbsolutePath(), "127.0.0.1", 8686, 0, null, "us-east-1", Set.of(), Duration.ofHours(1), Duration.ofSeconds(2), MeteringConfig.DEFAULTS);
    }

    public AllInOneConfig withApiPort(int port)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, port, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering);
    }

    public AllInOneConfig withBindAddress(String address)
    {
        return new AllInOneConfig(dataDirectory, address, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering);
    }

    public AllInOneConfig withRegistryPort(int port)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, port, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering);
    }

    public AllInOneConfig withStoreUrl(String url)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, url, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, metering);
    }

    public AllInOneConfig withInsecureRegistries(Set<String> registries)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, registries, stoppedTaskRetention, heartbeatInterval, metering);
    }

    public AllInOneConfig withStoppedTaskRetention(Duration retention)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, retention, heartbeatInterval, metering);
    }

    /** Prices and the minimum billed duration of the bill. */
    public AllInOneConfig withMetering(MeteringConfig value)
    {
        return new AllInOneConfig(dataDirectory, bindAddress, apiPort, registryPort, storeUrl, region, insecureRegistries, stoppedTaskRetention, heartbeatInterval, value);
    }

    public String effectiveStoreUrl()
    {
        return storeUrl != null ? storeUrl : "jdbc:sqlite:" + dataDirectory.resolve("berth.db");
    }
}
