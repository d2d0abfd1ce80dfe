package io.berth.controlplane.stress;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.ContainerReport;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import io.berth.common.agentprotocol.TaskAssignment;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.common.sigv4.SigV4Signer;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.ServedControlPlane;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.agents.http.AgentProtocolHandler;
import io.berth.controlplane.api.actions.EcsClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The control plane's store under contention: 20 simulated agents syncing over the real HTTP agent protocol while
 * 200 RunTasks arrive at once over the real, signed ECS API, on each store. Every RunTask is answered (no 5xx),
 * every task is placed on exactly one host and reaches RUNNING there, and no task is lost.
 */
abstract class StoreStressTest
{
    private static final int AGENTS = 20;
    private static final int RUN_TASKS = 200;
    private static final int ACCOUNTS = 4;
    private static final String TASK_DEFINITION = """
            {"family": "stress", "cpu": "256", "memory": "512", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"],
             "containerDefinitions": [{"name": "app", "image": "registry.example/app:1", "essential": true}]}""";
    private static final String RUN_TASK = "{\"taskDefinition\": \"stress\", \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-1\"]}}}";

    private final HttpClient http = HttpClient.newBuilder().executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final AtomicBoolean agentsRun = new AtomicBoolean(true);
    /** Every agent's answers: which host was told to run which task (a task told to two hosts is placed twice). */
    private final Map<String, Set<String>> hostsByTask = new ConcurrentHashMap<>();
    private final List<String> agentFailures = new CopyOnWriteArrayList<>();
    private final CountDownLatch agentsSynced = new CountDownLatch(AGENTS);
    private ServedControlPlane served;
    private ExecutorService agents;

    protected abstract String jdbcUrl();

    @BeforeEach
    void start()
    {
        served = ServedControlPlane.start(ControlPlaneConfig.of(jdbcUrl()),
                (server, controlPlane) -> server.mount(AgentProtocolHandler.PREFIX, controlPlane.agentProtocol()));
    }

    @AfterEach
    void stop()
            throws InterruptedException
    {
        agentsRun.set(false);
        if (agents != null) {
            agents.shutdown();
            agents.awaitTermination(10, TimeUnit.SECONDS);
        }
        served.close();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void concurrentRunTasksAndSyncsLoseNothingAndPlaceNothingTwice()
            throws Exception
    {
        String token = served.controlPlane().hostAccess().issueJoinToken(Optional.empty()).token();
        agents = Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < AGENTS; i++) {
            agents.submit(() -> simulateAgent(token));
        }
        List<AccessKey> accounts = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            AccessKey key = served.controlPlane().accounts().createAccount("stress-" + i);
            new EcsClient(served.controlPlane(), key).call("RegisterTaskDefinition", TASK_DEFINITION);
            accounts.add(key);
        }

        assertThat(agentsSynced.await(30, TimeUnit.SECONDS)).as("every agent joined and synced").isTrue();
        // every RunTask at once, each account's first one racing to make its default cluster
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < RUN_TASKS; i++) {
                AccessKey key = accounts.get(i % ACCOUNTS);
                answers.add(callers.submit(() -> ecs(key, "RunTask", RUN_TASK)));
            }
        }
        Map<String, AccessKey> started = new HashMap<>();
        List<String> refused = new ArrayList<>();
        for (int i = 0; i < RUN_TASKS; i++) {
            HttpResponse<String> answer = answers.get(i).get();
            JsonNode body = Json.mapper().readTree(answer.body());
            if (answer.statusCode() != 200 || !body.path("failures").isEmpty()) {
                refused.add(answer.statusCode() + " " + answer.body());
                continue;
            }
            started.put(body.path("tasks").get(0).path("taskArn").asText(), accounts.get(i % ACCOUNTS));
        }
        assertThat(refused).as("RunTasks that were not answered with a task").isEmpty();
        assertThat(started).hasSize(RUN_TASKS);

        // every task reaches RUNNING on the one host it was given to
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> lastStatus = Map.of();
        while (System.nanoTime() < deadline) {
            lastStatus = lastStatuses(started);
            if (lastStatus.values().stream().allMatch("RUNNING"::equals)) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(agentFailures).isEmpty();
        assertThat(lastStatus).hasSize(RUN_TASKS);
        assertThat(lastStatus.values()).containsOnly("RUNNING");
        Map<String, Set<String>> placedTwice = new HashMap<>();
        hostsByTask.forEach((taskId, hosts) -> {
            if (hosts.size() > 1) {
                placedTwice.put(taskId, hosts);
            }
        });
        assertThat(placedTwice).as("tasks told to more than one host").isEmpty();
        assertThat(hostsByTask.keySet()).containsExactlyInAnyOrderElementsOf(started.keySet().stream().map(arn -> arn.substring(arn.lastIndexOf('/') + 1)).toList());
    }

    /** Each task's lastStatus as its own account describes it. */
    private Map<String, String> lastStatuses(Map<String, AccessKey> started)
            throws Exception
    {
        Map<String, String> statuses = new HashMap<>();
        Map<AccessKey, List<String>> byAccount = new HashMap<>();
        started.forEach((arn, key) -> byAccount.computeIfAbsent(key, ignored -> new ArrayList<>()).add(arn));
        for (Map.Entry<AccessKey, List<String>> account : byAccount.entrySet()) {
            List<String> arns = account.getValue();
            for (int from = 0; from < arns.size(); from += 100) {
                String request = Json.mapper().writeValueAsString(Map.of("tasks", arns.subList(from, Math.min(arns.size(), from + 100))));
                HttpResponse<String> answer = ecs(account.getKey(), "DescribeTasks", request);
                assertThat(answer.statusCode()).as("DescribeTasks: %s", answer.body()).isEqualTo(200);
                for (JsonNode task : Json.mapper().readTree(answer.body()).path("tasks")) {
                    statuses.put(task.path("taskArn").asText(), task.path("lastStatus").asText());
                }
            }
        }
        return statuses;
    }

    /** An agent: joins, syncs, reports every task it was given as RUNNING from the next sync on, and waits for changes. */
    private Void simulateAgent(String token)
    {
        Map<String, TaskAssignment> held = new HashMap<>();
        Instant startedAt = Instant.now();
        String hostId = "joining";
        boolean synced = false;
        try {
            HostCredential credential = join(token);
            hostId = credential.hostId();
            while (agentsRun.get()) {
                List<TaskReport> reports = held.values().stream()
                        .map(assignment -> new TaskReport(assignment.taskId(), TaskReport.Status.RUNNING, startedAt, startedAt, startedAt, null, null, null,
                                assignment.containers().stream().map(container -> new ContainerReport(container.name(), TaskReport.Status.RUNNING, null, null, null)).toList()))
                        .toList();
                HostInfo host = new HostInfo(credential.hostId(), "127.0.0.1", 4096, 8192, Map.of(), 7000);
                HttpResponse<String> answer = agentCall("sync", Json.mapper().writeValueAsString(new SyncRequest(host, reports)), credential);
                if (answer.statusCode() != 200) {
                    agentFailures.add(hostId + ": sync answered " + answer.statusCode() + " " + answer.body());
                    return null;
                }
                if (!synced) {
                    synced = true;
                    agentsSynced.countDown();
                }
                SyncResponse response = Json.mapper().readValue(answer.body(), SyncResponse.class);
                for (TaskAssignment assignment : response.tasks()) {
                    held.put(assignment.taskId(), assignment);
                    hostsByTask.computeIfAbsent(assignment.taskId(), ignored -> ConcurrentHashMap.newKeySet()).add(credential.hostId());
                }
                http.send(agentRequest("changes?timeout=1", credential).GET().build(), HttpResponse.BodyHandlers.ofString());
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        catch (Exception e) {
            if (agentsRun.get()) {
                agentFailures.add(hostId + ": " + e);
            }
        }
        return null;
    }

    private HostCredential join(String token)
            throws Exception
    {
        HttpResponse<String> joined = http.send(HttpRequest.newBuilder(URI.create(served.server().endpoint() + AgentProtocolHandler.PREFIX + "join"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\": \"" + token + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (joined.statusCode() != 200) {
            throw new IllegalStateException("join answered " + joined.statusCode() + " " + joined.body());
        }
        JsonNode body = Json.mapper().readTree(joined.body());
        return new HostCredential(body.path("hostId").asText(), body.path("secret").asText());
    }

    private HttpResponse<String> agentCall(String path, String body, HostCredential credential)
            throws Exception
    {
        return http.send(agentRequest(path, credential).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder agentRequest(String path, HostCredential credential)
    {
        return HttpRequest.newBuilder(URI.create(served.server().endpoint() + AgentProtocolHandler.PREFIX + path)).header("Authorization", credential.authorizationHeader());
    }

    /** One ECS call, signed with SigV4 as the AWS SDKs sign it. */
    private HttpResponse<String> ecs(AccessKey key, String action, String body)
            throws Exception
    {
        URI uri = URI.create(served.server().endpoint() + "/");
        byte[] bytes = body.getBytes(UTF_8);
        Map<String, String> headers = Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "AmazonEC2ContainerServiceV20141113." + action);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(request::header);
        new SigV4Signer("ecs", false).sign("POST", uri, headers, bytes, new SigV4Credentials(key.accessKeyId(), key.secretAccessKey()), "us-east-1", Instant.now())
                .forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
