package io.berth.controlplane.api.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.berth.common.http.JdkHttpServers;
import io.berth.controlplane.accounts.AccessKeyLookup;
import io.berth.controlplane.api.AdminEndpoint;
import io.berth.controlplane.api.EcsAction;
import io.berth.controlplane.api.JsonService;
import io.berth.controlplane.api.query.QueryService;
import io.berth.controlplane.quotas.RequestRates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

import static java.util.Objects.requireNonNull;

/**
 * The control plane's HTTP API: the ECS and ECR JSON 1.1 protocols and the ELBv2 and STS query protocol on
 * {@code POST /}, and the admin endpoints under
 * {@code /berth/}, all SigV4-authenticated. One virtual thread per request.
 */
public final class ApiServer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    /** Connections waiting to be accepted: a fleet's agents reconnect at once after a restart (the JDK's default is 50). */
    private static final int ACCEPT_BACKLOG = 1024;

    static {
        // The JDK's server closes a keep-alive connection that goes idle while 200 others are: a fleet's agents and
        // their long polls hold more than that, and a client that then reuses the closed connection fails with "the
        // server failed to respond" (measured with a simulated fleet of 200 agents, docs/benchmarks.md). Read once,
        // by the first server of the JVM; an operator's own -D setting wins.
        if (System.getProperty("sun.net.httpserver.maxIdleConnections") == null) {
            System.setProperty("sun.net.httpserver.maxIdleConnections", "20000");
        }
    }

    /** Large enough for any ECS request (a task definition with many containers); small enough to refuse floods. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private final InetSocketAddress bind;
    private final ApiHandler handler;
    private final Map<String, HttpHandler> mounted = new LinkedHashMap<>();
    private HttpServer server;
    private SSLContext tls;
    private ExecutorService executor;
    private boolean started;

    public ApiServer(InetSocketAddress bind, AccessKeyLookup keys, List<EcsAction> actions, List<AdminEndpoint> adminEndpoints, Clock clock)
    {
        this(bind, keys, actions, adminEndpoints, clock, DEFAULT_MAX_BODY_BYTES);
    }

    public ApiServer(InetSocketAddress bind, AccessKeyLookup keys, List<EcsAction> actions, List<AdminEndpoint> adminEndpoints, Clock clock, int maxBodyBytes)
    {
        this(bind, handler(keys, List.of(JsonService.ecs(actions)), adminEndpoints, clock, maxBodyBytes));
    }

    private ApiServer(InetSocketAddress bind, ApiHandler handler)
    {
        this.bind = requireNonNull(bind, "bind is null");
        this.handler = requireNonNull(handler, "handler is null");
    }

    /** Serves each of the JSON 1.1 services (ECS, ECR) to the requests signed for it. */
    public static ApiServer serving(InetSocketAddress bind, AccessKeyLookup keys, List<JsonService> services, List<AdminEndpoint> adminEndpoints, Clock clock)
    {
        return serving(bind, keys, services, List.of(), adminEndpoints, clock);
    }

    /** Serves each of the JSON 1.1 services (ECS, ECR) and the query protocol services (ELBv2, STS) to the requests signed for it. */
    public static ApiServer serving(InetSocketAddress bind, AccessKeyLookup keys, List<JsonService> services, List<QueryService> queryServices,
            List<AdminEndpoint> adminEndpoints, Clock clock)
    {
        return new ApiServer(bind, handler(keys, services, queryServices, adminEndpoints, clock, DEFAULT_MAX_BODY_BYTES));
    }

    private static ApiHandler handler(AccessKeyLookup keys, List<JsonService> services, List<AdminEndpoint> adminEndpoints, Clock clock, int maxBodyBytes)
    {
        return handler(keys, services, List.of(), adminEndpoints, clock, maxBodyBytes);
    }

    private static ApiHandler handler(AccessKeyLookup keys, List<JsonService> services, List<QueryService> queryServices, List<AdminEndpoint> adminEndpoints,
            Clock clock, int maxBodyBytes)
    {
        Set<String> signingNames = new java.util.HashSet<>(services.stream().map(JsonService::signingName).collect(Collectors.toSet()));
        queryServices.forEach(service -> signingNames.add(service.signingName()));
        return new ApiHandler(new RequestAuthenticator(keys, clock, signingNames), services, queryServices, adminEndpoints, maxBodyBytes);
    }

    /**
     * Limits each account's requests to the rate rates gives for it (a token bucket per account; past it the
     * caller gets ThrottlingException, as from AWS). Call before {@link #start()}.
     */
    public synchronized ApiServer throttle(RequestRates rates, Clock clock)
    {
        if (server != null) {
            throw new IllegalStateException("throttle before bind or start");
        }
        handler.throttle(new RequestThrottle(rates, clock));
        return this;
    }

    /** Tells observer of every API request answered (the metrics). Call before {@link #start()}. */
    public synchronized ApiServer observe(ApiRequestObserver observer)
    {
        if (server != null) {
            throw new IllegalStateException("observe before bind or start");
        }
        handler.observe(observer);
        return this;
    }

    /**
     * Serves GET /metrics with handler (it authenticates its readers itself: Prometheus does not sign SigV4). Call
     * before {@link #start()}.
     */
    public synchronized ApiServer metrics(HttpHandler handler)
    {
        if (server != null) {
            throw new IllegalStateException("metrics before bind or start");
        }
        mounted.put(io.berth.common.metrics.MetricsPage.PATH, requireNonNull(handler, "handler is null"));
        return this;
    }

    /**
     * Serves every path under pathPrefix with handler instead of the SigV4 API, for protocols that authenticate
     * their own way (the agents' host credentials). Call before {@link #start()}.
     */
    public synchronized ApiServer mount(String pathPrefix, HttpHandler handler)
    {
        if (server != null) {
            throw new IllegalStateException("mount before bind or start");
        }
        if (!pathPrefix.startsWith("/berth/") || !pathPrefix.endsWith("/")) {
            throw new IllegalArgumentException("mounted paths are /berth/.../ prefixes, got " + pathPrefix);
        }
        mounted.put(pathPrefix, requireNonNull(handler, "handler is null"));
        return this;
    }

    /** Serves HTTPS with context (its key and certificate chain) instead of plain HTTP. Call before {@link #start()}. */
    public synchronized ApiServer tls(SSLContext context)
    {
        if (server != null) {
            throw new IllegalStateException("tls before bind or start");
        }
        this.tls = requireNonNull(context, "context is null");
        return this;
    }

    /**
     * Binds the port without serving yet, so that what must be ready before the first request (a registry that
     * names this server's port) can learn it; connections wait until {@link #start()}.
     */
    public synchronized void bind()
    {
        if (server != null) {
            throw new IllegalStateException("ApiServer already bound");
        }
        try {
            if (tls == null) {
                server = JdkHttpServers.http(bind, ACCEPT_BACKLOG);
            }
            else {
                HttpsServer https = JdkHttpServers.https(bind, ACCEPT_BACKLOG);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", handler);
        // the JDK server picks the longest matching context, so a mounted prefix wins over "/"
        mounted.forEach(server::createContext);
    }

    /** Serves requests (binding first unless {@link #bind()} did). */
    public synchronized void start()
    {
        if (started) {
            throw new IllegalStateException("ApiServer already started");
        }
        if (server == null) {
            bind();
        }
        server.start();
        started = true;
        log.info("Berth API listening on {}", endpoint());
    }

    /** The port actually bound (useful when bound to port 0). */
    public synchronized int port()
    {
        if (server == null) {
            throw new IllegalStateException("ApiServer not bound");
        }
        return server.getAddress().getPort();
    }

    /** The URL clients use, e.g. http://127.0.0.1:8080, or https://127.0.0.1:8080 when serving TLS. */
    public synchronized URI endpoint()
    {
        String host = server == null ? bind.getHostString() : server.getAddress().getHostString();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create((tls == null ? "http://" : "https://") + host + ":" + port());
    }

    @Override
    public synchronized void close()
    {
        if (server == null) {
            return;
        }
        server.stop(0);
        started = false;
        // agents' long polls wait up to a minute for a change: interrupt them rather than wait them out
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
                log.warn("some API requests were still running after the server stopped");
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server = null;
        executor = null;
    }
}
