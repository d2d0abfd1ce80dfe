package io.berth.agent.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.berth.agent.runtime.ContainerRuntime;
import io.berth.agent.runtime.ContainerUsage;
import io.berth.agent.tasks.ContainerEnvironment;
import io.berth.agent.tasks.ContainerRecord;
import io.berth.agent.tasks.TaskRecord;
import io.berth.common.agentprotocol.TaskRoleCredentials;
import io.berth.common.http.JdkHttpServers;
import io.berth.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * The task metadata endpoint of one host: `GET /v4/TOKEN` (this container), `/v4/TOKEN/task`,
 * `/v4/TOKEN/stats` and `/v4/TOKEN/task/stats` (the same under /v3). It listens on the task bridge's gateway
 * address, which every task on this host reaches and which is not on any of the host's outside interfaces.
 * A request is answered only when its token is a container's (404 otherwise) and it comes from that
 * container's task address (403 otherwise), so a token that leaks to another task is of no use there.
 */
public final class TaskMetadataServer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(TaskMetadataServer.class);

    /** Beside the ECS agent's own ports (51678 introspection, 51679 credentials and metadata). */
    public static final int DEFAULT_PORT = 51680;
    public static final String URI_V4_VARIABLE = "ECS_CONTAINER_METADATA_URI_V4";
    public static final String URI_V3_VARIABLE = "ECS_CONTAINER_METADATA_URI";
    /** Where the SDKs' container credential provider reads the task's role keys, relative to the credentials endpoint. */
    public static final String CREDENTIALS_URI_VARIABLE = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
    private static final String CREDENTIALS_PATH = "/v2/credentials/";

    private final ContainerTokens tokens;
    private final Supplier<List<TaskRecord>> tasks;
    private final ContainerRuntime runtime;
    private final TaskMetadataDocuments documents;
    private final Clock clock;
    private final TaskRoleCredentialsCache credentials;
    /** The last stats reading served per container id, for the next one's precpu_stats. */
    private final Map<String, StatsReading> lastReadings = new ConcurrentHashMap<>();
    private volatile HttpServer server;
    private volatile String baseUrl;
    private ExecutorService executor;

    /**
     * @param tasks the tasks this host holds now
     * @param runtime where the containers' cgroup counters are read
     */
    public TaskMetadataServer(ContainerTokens tokens, Supplier<List<TaskRecord>> tasks, ContainerRuntime runtime, TaskMetadataDocuments documents, Clock clock)
    {
        this(tokens, tasks, runtime, documents, clock, new TaskRoleCredentialsCache());
    }

    /** @param credentials the tasks' newest role credentials, served at /v2/credentials/ID */
    public TaskMetadataServer(ContainerTokens tokens, Supplier<List<TaskRecord>> tasks, ContainerRuntime runtime, TaskMetadataDocuments documents, Clock clock,
            TaskRoleCredentialsCache credentials)
    {
        this.credentials = requireNonNull(credentials, "credentials is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.tasks = requireNonNull(tasks, "tasks is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.documents = requireNonNull(documents, "documents is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * Listens on the address (the tasks' gateway) and port; port 0 takes any free port.
     *
     * @throws IOException when the address cannot be bound, e.g. the port is taken
     */
    public synchronized void start(String listenAddress, int port)
            throws IOException
    {
        if (server != null) {
            return;
        }
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(listenAddress), port);
        HttpServer created = JdkHttpServers.http(address, 0);
        created.createContext("/", this::handle);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        created.setExecutor(executor);
        created.start();
        baseUrl = "http://" + listenAddress + ":" + created.getAddress().getPort();
        server = created;
        log.info("task metadata endpoint listening on {}", baseUrl);
    }

    /** The port the server listens on; empty until started. */
    public synchronized OptionalInt port()
    {
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.getAddress().getPort());
    }

    /** Where the server listens, e.g. http://10.213.0.1:51680; empty until started. */
    public Optional<String> baseUrl()
    {
        return Optional.ofNullable(baseUrl);
    }

    /**
     * What every container gets: its own metadata URLs. Nothing while the server does not run, or for a task
     * without a network of its own (the server could not tell its requests from any other's).
     */
    public ContainerEnvironment environment()
    {
        return (task, containerName) -> {
            String base = baseUrl;
            if (base == null || task.network() == null) {
                return Map.of();
            }
            String token = tokens.token(task.taskId(), containerName);
            Map<String, String> variables = new HashMap<>(Map.of(
                    URI_V4_VARIABLE, base + "/v4/" + token,
                    URI_V3_VARIABLE, base + "/v3/" + token));
            if (task.assignment().credentials() != null) {
                // the id stays the task's for its life: the keys behind it are refreshed
                variables.put(CREDENTIALS_URI_VARIABLE, task.assignment().credentials().relativeUri());
            }
            return Map.copyOf(variables);
        };
    }

    private void handle(HttpExchange exchange)
            throws IOException
    {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, error("only GET is supported"));
                return;
            }
            if (exchange.getRequestURI().getPath().startsWith(CREDENTIALS_PATH)) {
                serveCredentials(exchange);
                return;
            }
            MetadataRequest request = MetadataRequest.parse(exchange.getRequestURI().getPath()).orElse(null);
            if (request == null) {
                respond(exchange, 404, error("no such path: use ${" + URI_V4_VARIABLE + "}, /task, /stats or /task/stats"));
                return;
            }
            Optional<Owner> owner = owner(request.token());
            if (owner.isEmpty()) {
                respond(exchange, 404, error("unknown metadata token: use the URL in $" + URI_V4_VARIABLE + " of a running container"));
                return;
            }
            TaskRecord task = owner.get().task();
            String source = exchange.getRemoteAddress().getAddress().getHostAddress();
            if (task.network() == null || !task.network().ipv4Address().equals(source)) {
                log.warn("task {}: refused a metadata request from {}, which is not the task's address", task.taskId(), source);
                respond(exchange, 403, error("this metadata belongs to another task"));
                return;
            }
            respond(exchange, 200, switch (request.resource()) {
                case CONTAINER -> documents.container(task, owner.get().container());
                case TASK -> documents.task(task);
                case CONTAINER_STATS -> stats(task, owner.get().container());
                case TASK_STATS -> taskStats(task);
            });
        }
        catch (RuntimeException e) {
            log.warn("task metadata request {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
            try {
                respond(exchange, 500, error("internal error"));
            }
            catch (IOException | RuntimeException ignored) {
                // the response had begun: the client sees a cut connection
            }
        }
    }

    /**
     * The task's role keys in the ECS shape, by the same rule as its metadata: the id must be a task's here and the
     * request must come from that task's address, so a leaked URI is of no use to another task.
     */
    private void serveCredentials(HttpExchange exchange)
            throws IOException
    {
        String credentialsId = exchange.getRequestURI().getPath().substring(CREDENTIALS_PATH.length());
        Optional<TaskRecord> owner = tasks.get().stream()
                .filter(task -> task.assignment().credentials() != null && task.assignment().credentials().credentialsId().equals(credentialsId))
                .findFirst();
        Optional<TaskRoleCredentials> keys = owner.flatMap(credentials::current);
        if (keys.isEmpty()) {
            respond(exchange, 404, error("unknown credentials id: use $" + CREDENTIALS_URI_VARIABLE + " of a running task with a taskRoleArn"));
            return;
        }
        TaskRecord task = owner.get();
        String source = exchange.getRemoteAddress().getAddress().getHostAddress();
        if (task.network() == null || !task.network().ipv4Address().equals(source)) {
            log.warn("task {}: refused a credentials request from {}, which is not the task's address", task.taskId(), source);
            respond(exchange, 403, error("these credentials belong to another task"));
            return;
        }
        ObjectNode body = Json.mapper().createObjectNode()
                .put("RoleArn", keys.get().roleArn())
                .put("AccessKeyId", keys.get().accessKeyId())
                .put("SecretAccessKey", keys.get().secretAccessKey())
                .put("Token", keys.get().sessionToken())
                .put("Expiration", keys.get().expiration().truncatedTo(ChronoUnit.SECONDS).toString());
        respond(exchange, 200, body);
    }

    private Optional<Owner> owner(String token)
    {
        Optional<String> taskId = ContainerTokens.taskIdOf(token);
        if (taskId.isEmpty()) {
            return Optional.empty();
        }
        for (TaskRecord task : tasks.get()) {
            if (!task.taskId().equals(taskId.get())) {
                continue;
            }
            for (ContainerRecord container : task.containers()) {
                if (tokens.matches(token, task.taskId(), container.name())) {
                    return Optional.of(new Owner(task, container));
                }
            }
        }
        return Optional.empty();
    }

    private JsonNode stats(TaskRecord task, ContainerRecord container)
    {
        forgetGoneContainers();
        Optional<ContainerUsage> usage = readUsage(container.containerId());
        if (usage.isEmpty()) {
            // not started yet, or its cgroup is gone: nothing to read
            return Json.mapper().createObjectNode();
        }
        StatsReading current = new StatsReading(clock.instant(), usage.get(), HostCpuStat.read());
        StatsReading previous = lastReadings.put(container.containerId(), current);
        return ContainerStatsDocuments.stats(container.containerId(), container.name(), current, previous, task.assignment().memoryMiB() * 1024L * 1024L);
    }

    private JsonNode taskStats(TaskRecord task)
    {
        ObjectNode node = Json.mapper().createObjectNode();
        for (ContainerRecord container : task.containers()) {
            JsonNode stats = stats(task, container);
            node.set(container.containerId(), stats.isEmpty() ? null : stats);
        }
        return node;
    }

    private Optional<ContainerUsage> readUsage(String containerId)
    {
        try {
            return runtime.usage(containerId);
        }
        catch (RuntimeException e) {
            log.warn("cannot read the usage of container {}: {}", containerId, e.getMessage());
            return Optional.empty();
        }
    }

    private void forgetGoneContainers()
    {
        Set<String> held = new HashSet<>();
        tasks.get().forEach(task -> task.containers().forEach(container -> held.add(container.containerId())));
        lastReadings.keySet().retainAll(held);
    }

    private static ObjectNode error(String message)
    {
        return Json.mapper().createObjectNode().put("Error", message);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body)
            throws IOException
    {
        byte[] bytes = Json.mapper().writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public synchronized void close()
    {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
            baseUrl = null;
            log.info("task metadata endpoint stopped");
        }
    }

    private record Owner(TaskRecord task, ContainerRecord container) {}
}
