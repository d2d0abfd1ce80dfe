package io.berth.cli.server;

import io.berth.common.metrics.MetricsPage;
import io.berth.common.metrics.MetricsToken;
import io.berth.common.tls.CertificatePin;
import io.berth.common.tls.PemCertificates;
import io.berth.common.tls.TrustedCertificates;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.agents.http.AgentProtocolHandler;
import io.berth.controlplane.api.http.ApiServer;
import io.berth.controlplane.api.registry.RegistryTokenEndpoint;
import io.berth.controlplane.leadership.LeaderElection;
import io.berth.controlplane.registry.RegistrySettings;
import io.berth.controlplane.registry.RegistrySigningKey;
import io.berth.controlplane.tls.ClusterCertificateAuthority;
import io.berth.controlplane.tls.ServerTls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * The control plane as a server: the store, the ECS (and, with a registry, ECR) API and admin endpoints (SigV4), the
 * agent protocol under /berth/agent/v1/ (host credentials) and the registry's token endpoint under /berth/registry/
 * on the same port, periodic maintenance, DIR/berth.env, and (unless configured without) the registry: Debian's
 * docker-registry in DIR/registry, trusting only tokens Berth signs with the key in DIR/registry-auth.
 */
public final class BerthServer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(BerthServer.class);

    private final ServerConfig config;
    private final Clock clock;
    private volatile ControlPlane controlPlane;
    private LocalRegistry registry;
    private ApiServer apiServer;
    private ServerTls tls;
    private Path caBundle;
    private AccessKey operatorKey;
    private ScheduledExecutorService maintenance;
    private ScheduledExecutorService leadership;
    private final UnaryOperator<ControlPlaneConfig> controlPlaneTuning;

    public BerthServer(ServerConfig config, Clock clock)
    {
        this(config, clock, UnaryOperator.identity());
    }

    /** controlPlaneTuning adjusts the control plane's settings, e.g. shorter placement timeouts for tests. */
    public BerthServer(ServerConfig config, Clock clock, UnaryOperator<ControlPlaneConfig> controlPlaneTuning)
    {
        this.config = requireNonNull(config, "config is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.controlPlaneTuning = requireNonNull(controlPlaneTuning, "controlPlaneTuning is null");
    }

    public synchronized void start()
            throws IOException
    {
        Path data = Files.createDirectories(config.dataDirectory());
        try {
            ControlPlaneConfig settings = ControlPlaneConfig.of(config.effectiveStoreUrl())
                    .withRegion(config.region())
                    .withStoppedTaskRetention(config.stoppedTaskRetention())
                    .withMetering(config.metering())
                    .withClock(clock)
                    // the key that seals secrets at rest; back it up with the store, or every secret is lost
                    .withSecretsKeyFile(data.resolve("secrets.key"));
            tls = serverTls(data);
            if (config.registry() != null) {
                registry = new LocalRegistry(data.resolve("registry"), config.registry().bindAddress(), config.registry().port());
                SSLContext registryTrust = null;
                if (tls != null && !ServerAddresses.isLoopback(config.registry().bindAddress())) {
                    // pushes and pulls are encrypted as the API is, with the API's certificate (the registry listens on
                    // the same --bind address): agents trust it by the CA their join pinned, clients by AWS_CA_BUNDLE. A
                    // registry on loopback (berth up's) stays plain HTTP: its traffic never leaves the machine
                    registryTrust = TrustedCertificates.only(List.of(tls.chain().getLast()));
                    registry.useTls(tls, registryTrust);
                }
                // the registry trusts tokens signed with this key; kept in the data directory, so both survive restarts
                settings = settings.withRegistry(new RegistrySettings(registry.address(), RegistrySigningKey.loadOrCreate(data.resolve("registry-auth")), registryTrust));
            }
            controlPlane = new ControlPlane(controlPlaneTuning.apply(settings));
            // the key the control plane signs its calls to agents with: in DIR/tls beside the CA, never in the store
            controlPlane.identity().useKeyDirectory(data.resolve("tls"));
            if (tls != null) {
                controlPlane.hostAccess().pinJoinTokens(tls.pin());
                // agents serve HTTPS with certificates of the cluster CA (also beside the operator's own API certificate)
                controlPlane.identity().useCertificateAuthority(ClusterCertificateAuthority.loadOrCreate(data.resolve("tls"), clock));
            }
            // the lease is renewed from now on (on SQLite this server took it as it opened the store), on a thread of its
            // own that maintenance never holds up
            leadership = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("berth-leadership").daemon().factory());
            leadership.scheduleAtFixedRate(this::keepLeadership, 0, LeaderElection.DEFAULT_RENEW_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            operatorKey = controlPlane.accounts().bootstrapOperator();
            apiServer = ApiServer.serving(
                    new InetSocketAddress(InetAddress.getByName(config.bindAddress()), config.apiPort()),
                    controlPlane.accessKeys(),
                    controlPlane.services(),
                    controlPlane.queryServices(),
                    controlPlane.adminEndpoints(),
                    clock);
            if (tls != null) {
                apiServer.tls(tls.sslContext());
            }
            apiServer.throttle(controlPlane.limits(), clock);
            // Prometheus cannot sign SigV4: /metrics takes the bearer token kept in the data directory (the operator's to hand out)
            apiServer.observe(controlPlane.metrics());
            apiServer.metrics(new MetricsPage(controlPlane.metrics().registry(), MetricsToken.loadOrCreate(metricsTokenFile())));
            apiServer.mount(AgentProtocolHandler.PREFIX, controlPlane.agentProtocol());
            controlPlane.registryTokenEndpoint().ifPresent(endpoint -> apiServer.mount(RegistryTokenEndpoint.PREFIX, endpoint));
            apiServer.bind();
            // before any agent is served: a replica with another agent-call key or CA than the running ones is refused
            controlPlane.announceIdentity(advertisedUrl());
            if (registry != null) {
                // before the API serves, so that no ECR login names a registry not up yet; it learns the API's port
                // (its token endpoint) from the bound server and trusts the control plane's signing key
                registry.start(RegistrySettings.tokenRealm(tokenRealmBase().toString()), controlPlane.config().registry().signingKey().certificateFile());
            }
            apiServer.start();
            // tasks may call the API, as tasks on AWS call ECS: every host's network plan lets them reach it
            controlPlane.taskNetwork().publishApiAddress(ServerAddresses.concrete(config.bindAddress()), apiServer.port());
            EnvironmentFile.write(environmentFile(), operatorKey, config.region(), endpoint(), registryAddress(), caBundle);
            // agents learn every replica's URL from the store
            controlPlane.replicas().advertise(advertisedUrl());
            maintenance = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("berth-maintenance").daemon().factory());
            maintenance.scheduleWithFixedDelay(this::runMaintenance, 1, 1, TimeUnit.SECONDS);
        }
        catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        log.info("control plane: API on {}, registry on {}, data in {}", endpoint(), registry == null ? "none" : registry.address(), data);
    }

    /**
     * The API's TLS: none when off; the operator's certificate and key; or a certificate the cluster CA in DIR/tls
     * signs (the CA made on first start) for loopback, this host's name and addresses and the extra names.
     */
    private ServerTls serverTls(Path data)
            throws IOException
    {
        ServerConfig.Tls settings = config.tls();
        if (!settings.enabled()) {
            log.warn("the API serves plain HTTP (--tls off): keys, join tokens and host secrets cross the network in clear");
            return null;
        }
        if (settings.certificateFile() != null) {
            ServerTls operators = ServerTls.fromFiles(settings.certificateFile(), settings.keyFile());
            // clients trust what the operator's chain ends at (a public CA's chain: the system's trust already does)
            caBundle = data.resolve("tls").resolve("api-chain.pem");
            Files.createDirectories(caBundle.getParent());
            Files.writeString(caBundle, PemCertificates.encode(List.of(operators.chain().getLast())));
            return operators;
        }
        ClusterCertificateAuthority authority = ClusterCertificateAuthority.loadOrCreate(data.resolve("tls"), clock);
        caBundle = authority.certificateFile();
        return authority.issueServerCertificate(ServerNames.of(config.bindAddress(), settings.extraNames()));
    }

    /** The CA clients trust the API by (AWS_CA_BUNDLE); null when the API serves plain HTTP. */
    public Path caBundle()
    {
        return caBundle;
    }

    /** What join tokens pin; null when the API serves plain HTTP. */
    public CertificatePin certificatePin()
    {
        return tls == null ? null : tls.pin();
    }

    /**
     * Where the registry's clients find the token endpoint: the API on loopback when both listen there or on all
     * addresses (a registry on loopback serves only this host), else the address agents and clients use.
     */
    private URI tokenRealmBase()
    {
        boolean apiOnAll = config.bindAddress().equals("0.0.0.0") || ServerAddresses.unbracketed(config.bindAddress()).equals("::");
        if (apiOnAll && ServerAddresses.isLoopback(config.registry().bindAddress())) {
            return URI.create(scheme() + "://127.0.0.1:" + apiServer.port());
        }
        return endpoint();
    }

    /** HOST:PORT of the registry this server runs, or null when it runs none. */
    public String registryAddress()
    {
        return registry == null ? null : registry.address();
    }

    /** The URL clients and agents use: the bound address, or a concrete one of this host when bound to all. */
    public URI endpoint()
    {
        String host = ServerAddresses.concrete(config.bindAddress());
        return URI.create(scheme() + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + apiServer.port());
    }

    private String scheme()
    {
        return config.tls().enabled() ? "https" : "http";
    }

    /** Where agents reach this control plane: --advertise-url, else {@link #endpoint()}. */
    public URI advertisedUrl()
    {
        return config.advertiseUrl() != null ? config.advertiseUrl() : endpoint();
    }

    public AccessKey operatorKey()
    {
        return operatorKey;
    }

    public ControlPlane controlPlane()
    {
        return controlPlane;
    }

    /** The bearer token /metrics wants (DIR/metrics-token, mode 0600). */
    public Path metricsTokenFile()
    {
        return config.dataDirectory().resolve(MetricsToken.FILE_NAME);
    }

    public Path environmentFile()
    {
        return config.dataDirectory().resolve("berth.env");
    }

    /**
     * Stops the periodic maintenance (placement, drains, the service controller) for good: before all tasks are
     * stopped at shutdown, so that no service starts a replacement meanwhile.
     */
    public synchronized void stopMaintenance()
    {
        if (maintenance != null) {
            maintenance.shutdownNow();
            maintenance = null;
        }
    }

    private void keepLeadership()
    {
        ControlPlane current = runningControlPlane();
        if (current == null) {
            return;
        }
        try {
            current.keepLeadership();
        }
        catch (RuntimeException e) {
            log.warn("control plane lease renewal failed: {}", e.toString());
        }
    }

    /**
     * The control plane, or null before it opened or once closed: read without the server's lock, which start() holds
     * for as long as the server starts, while the lease must be renewed.
     */
    private ControlPlane runningControlPlane()
    {
        return controlPlane;
    }

    private void runMaintenance()
    {
        try {
            controlPlane.runMaintenance();
        }
        catch (RuntimeException e) {
            log.warn("control plane maintenance failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void close()
    {
        stopMaintenance();
        if (leadership != null) {
            leadership.shutdownNow();
            leadership = null;
        }
        if (apiServer != null) {
            apiServer.close();
            apiServer = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (controlPlane != null) {
            controlPlane.close();
            controlPlane = null;
        }
    }
}
