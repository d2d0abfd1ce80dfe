package io.berth.cli.server;

import io.berth.controlplane.metering.MeteringConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * How the control plane runs. storeUrl null means the embedded SQLite store in the data directory; apiPort 0
 * picks a free port; registry (null: none) is where the registry the server runs listens, whose repositories the
 * ECR API serves, Berth signing its tokens; its address is written into berth.env as BERTH_REGISTRY; metering holds
 * the prices of the bill; advertiseUrl (null: {@link BerthServer#endpoint()}) is where agents reach this control plane,
 * announced to every agent, so that with several control planes on one PostgreSQL they know them all; tls how the API
 * serves TLS (replicas of one cluster share one CA and one agent-call key: copy DIR/tls to each).
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
        URI advertiseUrl,
        Tls tls)
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
        requireNonNull(tls, "tls is null");
    }

    /** Plain HTTP, as before TLS: for callers that do not say (tests that build their own clients). */
    public ServerConfig(Path dataDirectory, String bindAddress, int apiPort, String storeUrl, String region, Duration stoppedTaskRetention, Registry registry,
            MeteringConfig metering)
    {
        this(dataDirectory, bindAddress, apiPort, storeUrl, region, stoppedTaskRetention, registry, metering, (URI) null, Tls.OFF);
    }

    /** Plain HTTP unless {@link #withTls} says otherwise. */
    public ServerConfig(Path dataDirectory, String bindAddress, int apiPort, String storeUrl, String region, Duration stoppedTaskRetention, Registry registry,
            MeteringConfig metering, URI advertiseUrl)
    {
        this(dataDirectory, bindAddress, apiPort, storeUrl, region, stoppedTaskRetention, registry, metering, advertiseUrl, Tls.OFF);
    }

    /** Agents reach this control plane at {@link BerthServer#endpoint()}. */
    public ServerConfig(Path dataDirectory, String bindAddress, int apiPort, String storeUrl, String region, Duration stoppedTaskRetention, Registry registry,
            MeteringConfig metering, Tls tls)
    {
        this(dataDirectory, bindAddress, apiPort, storeUrl, region, stoppedTaskRetention, registry, metering, null, tls);
    }

    public ServerConfig withTls(Tls value)
    {
        return new ServerConfig(dataDirectory, bindAddress, apiPort, storeUrl, region, stoppedTaskRetention, registry, metering, advertiseUrl, value);
    }

    /**
     * How the API serves TLS: not at all (enabled false: plain HTTP), with a certificate the cluster CA in DIR/tls
     * signs (certificateFile null), or with the operator's certificate chain and key. extraNames are further names and
     * addresses the cluster CA's certificate is valid for, beside loopback, the host name and the listening addresses.
     */
    public record Tls(boolean enabled, Path certificateFile, Path keyFile, List<String> extraNames)
    {
        public static final Tls OFF = new Tls(false, null, null, List.of());
        public static final Tls CLUSTER_CA = new Tls(true, null, null, List.of());

        public Tls
        {
            extraNames = List.copyOf(extraNames);
            if ((certificateFile == null) != (keyFile == null)) {
                throw new IllegalArgumentException("a TLS certificate needs its key, and a key its certificate");
            }
            if (!enabled && certificateFile != null) {
                throw new IllegalArgumentException("a TLS certificate is given but TLS is off");
            }
        }
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
