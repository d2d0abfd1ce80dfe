package io.berth.agent.endpoint;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.berth.common.http.JdkHttpServers;
import io.berth.common.metrics.MetricsPage;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.berth.common.agentprotocol.AgentProtocolVersion;
import io.berth.common.agentprotocol.LogChunk;
import io.berth.common.agentprotocol.TaskLogSource;
import io.berth.common.hostauth.AgentCallVerifier;
import io.berth.common.json.Json;
import io.berth.common.patching.AgentUpgradeRequest;
import io.berth.common.patching.PatchCommandRequest;
import io.berth.common.patching.PatchCommandStatus;
import io.berth.agent.patching.PatchCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

import static java.util.Objects.requireNonNull;

/**
 * Serves {@code GET /v1/tasks/{taskId}/logs?token=&max=&wait=} with the host's task logs (a LogChunk as JSON; 404
 * when the host knows nothing of the task; held up to wait milliseconds for a line or the log's end), to the control plane: calls signed with its key for this host, each once
 * ({@link AgentCallVerifier}); anyone else gets 401. Over HTTPS with a certificate of the cluster CA when the control
 * plane serves TLS ({@link EndpointCertificate}). When given a metrics page, also {@code GET /metrics} (which
 * takes the metrics token instead: Prometheus cannot sign as the control plane does). When given patch commands, also
 * {@code POST /v1/patches/{patchId}?bodySha256=HEX} (a {@link PatchCommandRequest}: starts the operator's command once
 * per patch) and {@code GET /v1/patches/{patchId}} (a {@link PatchCommandStatus}), signed the same way; the body's
 * SHA-256 in the signed query names the body the control plane meant.
 */
public final class AgentEndpoint
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(AgentEndpoint.class);
    private static final int MAX_LINES = 10_000;
    /** The longest a log read may be held: the control plane asks again, and looks at the task's reports, between reads. */
    static final Duration MAX_LOG_WAIT = Duration.ofSeconds(5);
    private static final int MAX_BODY_BYTES = 16 * 1024;

    private final InetSocketAddress bind;
    private final String hostId;
    private final AgentCallVerifier verifier;
    private final TaskLogSource logs;
    private final HttpHandler metrics;
    private final PatchCommands patches;
    private final SSLContext tls;
    private HttpServer server;
    private ExecutorService executor;

    /** Plain HTTP, with no metrics and no patch commands. */
    public AgentEndpoint(InetSocketAddress bind, String hostId, AgentCallVerifier verifier, TaskLogSource logs)
    {
        this(bind, hostId, verifier, logs, null, null, null);
    }

    /**
     * verifier: whether a call is the control plane's; metrics: the handler of GET /metrics (see
     * io.berth.common.metrics.MetricsPage), or null for none; patches: the host's patch commands, or null for an endpoint
     * that runs none; tls: the HTTPS the endpoint serves (see {@link EndpointCertificate}), or null for plain HTTP.
     */
    public AgentEndpoint(InetSocketAddress bind, String hostId, AgentCallVerifier verifier, TaskLogSource logs, HttpHandler metrics, PatchCommands patches, SSLContext tls)
    {
        this.metrics = metrics;
        this.patches = patches;
        this.tls = tls;
        this.bind = requireNonNull(bind, "bind is null");
        this.hostId = requireNonNull(hostId, "hostId is null");
        this.verifier = requireNonNull(verifier, "verifier is null");
        this.logs = requireNonNull(logs, "logs is null");
    }

    public synchronized void start()
            throws IOException
    {
        if (server != null) {
            return;
        }
        try {
            if (tls != null) {
                HttpsServer https = JdkHttpServers.https(bind, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
            else {
                server = JdkHttpServers.http(bind, 0);
            }
        }
        catch (IOException e) {
            throw new IOException("the agent endpoint cannot listen on " + bind + ": " + e.getMessage() + " (choose another --agent-port)", e);
        }
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        if (metrics != null) {
            server.createContext(MetricsPage.PATH, metrics);
        }
        server.start();
        log.info("agent endpoint of host {} listening on {} ({})", hostId, server.getAddress(), tls != null ? "HTTPS" : "plain HTTP");
    }

    /** Why a call in the agent protocol version header names is not taken ({@link AgentProtocolVersion}); empty when it is. */
    static Optional<String> protocolRefusal(String header)
    {
        try {
            return AgentProtocolVersion.agentRefusal(AgentProtocolVersion.parse(header), AgentProtocolVersion.CURRENT);
        }
        catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    public synchronized int port()
    {
        if (server == null) {
            throw new IllegalStateException("not started");
        }
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange)
    {
        try (exchange) {
            String rawPath = exchange.getRequestURI().getRawPath();
            String rawQuery = exchange.getRequestURI().getRawQuery();
            // the body first: the signature covers it
            byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                send(exchange, 413, Map.of("message", "the request is larger than " + MAX_BODY_BYTES + " bytes"));
                return;
            }
            Optional<String> refusal = verifier.verify(exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestMethod(), rawPath, rawQuery, body);
            if (refusal.isPresent()) {
                log.warn("agent endpoint: refused {} {} from {}: {}", exchange.getRequestMethod(), rawPath, exchange.getRemoteAddress(), refusal.get());
                send(exchange, 401, Map.of("message", refusal.get()));
                return;
            }
            Optional<String> unspoken = protocolRefusal(exchange.getRequestHeaders().getFirst(AgentProtocolVersion.HEADER));
            if (unspoken.isPresent()) {
                log.warn("agent endpoint: refused {} {}: {}", exchange.getRequestMethod(), rawPath, unspoken.get());
                send(exchange, 426, Map.of("message", unspoken.get()));
                return;
            }
            String[] segments = rawPath.split("/");
            if (patches != null && segments.length == 4 && segments[1].equals("v1") && segments[2].equals("patches")) {
                handlePatch(exchange, URLDecoder.decode(segments[3], StandardCharsets.UTF_8), query(rawQuery), body);
                return;
            }
            if (patches != null && segments.length == 4 && segments[1].equals("v1") && segments[2].equals("upgrades")) {
                handleUpgrade(exchange, URLDecoder.decode(segments[3], StandardCharsets.UTF_8), query(rawQuery), body);
                return;
            }
            // "", "v1", "tasks", taskId, "logs"
            if (segments.length != 5 || !segments[1].equals("v1") || !segments[2].equals("tasks") || !segments[4].equals("logs")) {
                send(exchange, 404, Map.of("message", "no agent endpoint at " + rawPath));
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                send(exchange, 405, Map.of("message", "use GET"));
                return;
            }
            Map<String, String> query = query(rawQuery);
            int max;
            try {
                max = Math.clamp(Integer.parseInt(query.getOrDefault("max", "1000")), 1, MAX_LINES);
            }
            catch (NumberFormatException e) {
                send(exchange, 400, Map.of("message", "max must be a number"));
                return;
            }
            Duration wait;
            try {
                wait = Duration.ofMillis(Integer.parseInt(query.getOrDefault("wait", "0")));
            }
            catch (NumberFormatException e) {
                send(exchange, 400, Map.of("message", "wait must be a number of milliseconds from 0 to " + MAX_LOG_WAIT.toMillis()));
                return;
            }
            if (wait.isNegative() || wait.compareTo(MAX_LOG_WAIT) > 0) {
                send(exchange, 400, Map.of("message", "wait must be a number of milliseconds from 0 to " + MAX_LOG_WAIT.toMillis()));
                return;
            }
            String taskId = URLDecoder.decode(segments[3], StandardCharsets.UTF_8);
            Optional<LogChunk> chunk = logs.read(taskId, query.get("token"), max, wait);
            if (chunk.isEmpty()) {
                send(exchange, 404, Map.of("message", "host " + hostId + " knows nothing of task " + taskId));
                return;
            }
            send(exchange, 200, chunk.get());
        }
        catch (IOException | RuntimeException e) {
            log.warn("agent endpoint: request failed: {}", e.toString());
        }
    }

    private void handlePatch(HttpExchange exchange, String patchId, Map<String, String> query, byte[] body)
            throws IOException
    {
        switch (exchange.getRequestMethod()) {
            case "GET" -> send(exchange, 200, patches.status(patchId));
            case "POST" -> {
                if (!digestMatches(exchange, query, body)) {
                    return;
                }
                PatchCommandRequest request;
                try {
                    request = Json.mapper().readValue(body, PatchCommandRequest.class);
                }
                catch (IOException | RuntimeException e) {
                    send(exchange, 400, Map.of("message", "not a patch command request: " + e.getMessage()));
                    return;
                }
                send(exchange, 200, patches.start(patchId, request));
            }
            default -> send(exchange, 405, Map.of("message", "use GET or POST"));
        }
    }

    /** An upgrade of this agent to another build ({@link AgentUpgradeRequest}); how it goes is read as a patch's status. */
    private void handleUpgrade(HttpExchange exchange, String patchId, Map<String, String> query, byte[] body)
            throws IOException
    {
        if (!exchange.getRequestMethod().equals("POST")) {
            send(exchange, 405, Map.of("message", "use POST (GET /v1/patches/" + patchId + " tells how the upgrade goes)"));
            return;
        }
        if (!digestMatches(exchange, query, body)) {
            return;
        }
        AgentUpgradeRequest request;
        try {
            request = Json.mapper().readValue(body, AgentUpgradeRequest.class);
        }
        catch (IOException | RuntimeException e) {
            send(exchange, 400, Map.of("message", "not an upgrade request: " + e.getMessage()));
            return;
        }
        send(exchange, 200, patches.startUpgrade(patchId, request));
    }

    /**
     * Whether a POST's body matches the digest in its query (false: refused, the answer sent): the signature covers the
     * body itself; the digest names the body the control plane meant too.
     */
    private static boolean digestMatches(HttpExchange exchange, Map<String, String> query, byte[] body)
            throws IOException
    {
        if (!PatchCommandRequest.bodyDigest(body).equals(query.get(PatchCommandRequest.BODY_DIGEST_PARAMETER))) {
            send(exchange, 401, Map.of("message", "the request's body does not match the " + PatchCommandRequest.BODY_DIGEST_PARAMETER + " it was signed with"));
            return false;
        }
        return true;
    }

    private static Map<String, String> query(String rawQuery)
    {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            if (equals > 0) {
                parameters.putIfAbsent(URLDecoder.decode(parameter.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return parameters;
    }

    private static void send(HttpExchange exchange, int status, Object body)
            throws IOException
    {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream output = exchange.getResponseBody()) {
            output.write(bytes);
        }
    }

    @Override
    public synchronized void close()
    {
        if (server == null) {
            return;
        }
        server.stop(0);
        executor.close();
        server = null;
        executor = null;
    }
}
