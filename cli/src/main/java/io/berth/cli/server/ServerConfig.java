package io.berth.cli.server;

import io.berth.controlplane.metering.MeteringConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How the control plane runs. storeUrl null means the embedded SQLite store in the data directory; apiPort 0
 * picks a free port; registry (null: none) is where the registry the server runs listens, whose repositories the
 * ECR API serves, Berth signing its tokens; its address is written into berth.env as BERTH_REGISTRY; metering holds
 * the prices of the bill; advertiseUrl (null: {@link BerthServer#endpoint()}) is where agents reach this control plane,
 * announced to every agent, so that with several control planes on one PostgreSQL they know them all.
 */
public record ServerConfig(
        Path dataDirectory,
        String bindAddress,
        int apiPort,
        String storeUrl,
        String region,
        Duration stoppedTaskRetention,
        Registry registry,
        MeteringConfig metering,
        URI advertiseUrl)
{
    public ServerConfig
    {
        requireNonNull(dataDirectory, "dataDirectory is null");
        requireNonNull(bindAddress, "bindAddress is null");
        requireNonNull(region, "region is null");
        requireNonNull(stoppedTaskRetention, "stoppedTaskRetention is null");
        requireNonNull(metering, "metering is null");
        if (advertiseUrl != null && (!advertiseUrl.isAbsolute() || advertiseUrl.getHost() == null
                || !("http".equalsIgnoreCase(advertiseUrl.getScheme()) || "https".equalsIgnoreCase(advertiseUrl.getScheme())))) {
            throw new IllegalArgumentException("the advertised URL must be http://HOST:PORT or https://HOST:PORT, got " + advertiseUrl);
        }
    }

    public ServerConfig(Path dataDirectory, String bindAddress, int apiPort, String storeUrl, String region, Duration stoppedTaskRetention, Registry registry,
            MeteringConfig metering)
    {
        this(dataDirectory, bindAddress, apiPort, storeUrl, region, stoppedTaskRetention, registry, metering, null);
    }

    /**
     * Where the server's registry listens: bindAddress (0.0.0.0 for all addresses) and port (0: the port recorded in
     * the data directory, or a free one the first time).
     */
    public record Registry(String bindAddress, int port)
    {
        public Registry
        {
            requireNonNull(bindAddress, "bindAddress is null");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("the registry port must be between 0 and 65535: " + port);
            }
        }
    }

    public String effectiveStoreUrl()
    {
        return storeUrl != null ? storeUrl : "jdbc:sqlite:" + dataDirectory.resolve("berth.db");
    }
}
