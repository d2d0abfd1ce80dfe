package io.berth.cli.server;

import io.berth.controlplane.metering.MeteringConfig;

import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How the control plane runs. storeUrl null means the embedded SQLite store in the data directory; apiPort 0
 * picks a free port; registryAddress (may be null) is the registry whose repositories the ECR API serves, Berth
 * signing its tokens; it is written into berth.env as BERTH_REGISTRY; metering holds
 * the prices of the bill.
 */
public record ServerConfig(
        Path dataDirectory,
        String bindAddress,
        int apiPort,
        String storeUrl,
        String region,
        Duration stoppedTaskRetention,
        String registryAddress,
        MeteringConfig metering)
{
    public ServerConfig
    {
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(bindAddress, "bindAddress is null");
        requireNonNull(region, "region is null");
        requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
        requireNonNull(metering, "metering is null");
    }

    public String effectiveStoreUrl()
    {
        return storeUrl != null ? storeUrl : "jdbc:sqlite:" + dataDirectory.resolve("berth.db");
    }
}
