package io.berth.benchmarks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.common.hostauth.HostCredential;
import io.berth.common.json.Json;

import io.berth.common.agentprotocol.AgentSyncDelta;
import io.berth.common.agentprotocol.NetworkAnswer;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.SyncResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import static java.util.Objects.requireNonNull;

/**
 * Many agents in one process, speaking the real agent protocol over HTTP to `berth server` replicas: each joins with
 * a join token, then syncs every heartbeat (and at once when its long poll on changes says its desired state changed;
 * it fetches its network plan alone when the poll says only that changed, as the real agent does),
 * as the real agent's reconcile loop does, reporting its tasks ({@link SimulatedAgent}). Agent i talks to replica
 * i modulo the replicas it is spread over, and moves to the next replica when its own stops answering. It records each
 * sync's round trip and when each task was first seen by its host, for the benchmark to read phase by phase.
 */
final class SimulatedFleet
        implements AutoCloseable
{
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    private static final int LONG_POLL_SECONDS = 30;
    /** How long a long poll waits at most for the sync its wake-up asked for, as the real agent's. */
    private static final Duration SYNC_AFTER_WAKE_UP_WAIT = Duration.ofSeconds(5);
    /** Clients the agents share: one client's selector thread would be the simulator's bottleneck. */
    private static final int CLIENTS = 8;
    private static final int PARALLEL_JOINS = 16;

    private final ObjectMapper mapper = Json.mapper().copy().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final IntFunction<URI> endpoints;
    private final Duration heartbeat;
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<SimulatedAgent> agents = new ArrayList<>();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final Map<String, Integer> seenThrough = new ConcurrentHashMap<>();
    private final AtomicReference<SyncRecorder> recorder = new AtomicReference<>(new SyncRecorder());
    private volatile int replicas = 1;
    private volatile boolean running;

    /** What the fleet's syncs did over a phase: their round trips (nanoseconds) and failures. */
    static final class SyncRecorder
    {
        private final long startedAt = System.nanoTime();
        private final ConcurrentLinkedQueue<Long> roundTrips = new ConcurrentLinkedQueue<>();
        private final LongAdder failures = new LongAdder();
        /** Request and answer bodies of the syncs, summed. */
        private final LongAdder bytes = new LongAdder();
        /** Network plans sent alone, after a wake-up that said only the network changed: fetched, or with the wake-up. */
        private final LongAdder networkFetches = new LongAdder();
        /** Those of them that came with their wake-up. */
        private final LongAdder networkBrought = new LongAdder();
        /** Answer bodies of the plans sent alone, summed. */
        private final LongAdder networkFetchBytes = new LongAdder();

        /** The mean size of a sync (request body plus answer body), in bytes; 0 with no sync. */
        long bytesPerSync()
        {
            int count = roundTrips.size();
            return count == 0 ? 0 : bytes.sum() / count;
        }

        List<Duration> roundTrips()
        {
            return roundTrips.stream().map(Duration::ofNanos).toList();
        }

        long failures()
        {
            return failures.sum();
        }

        double perSecond()
        {
            return roundTrips.size() / ((System.nanoTime() - startedAt) / 1e9);
        }

        double networkFetchesPerSecond()
        {
            return networkFetches.sum() / ((System.nanoTime() - startedAt) / 1e9);
        }

        double networkBroughtPerSecond()
        {
            return networkBrought.sum() / ((System.nanoTime() - startedAt) / 1e9);
        }

        /** The mean size of a plan fetched alone (the answer body), in bytes; 0 with none. */
        long bytesPerNetworkFetch()
        {
            long count = networkFetches.sum();
            return count == 0 ? 0 : networkFetchBytes.sum() / count;
        }
    }

    /** endpoints: the URL of replica i; heartbeat: how often each agent syncs when nothing wakes it (the agent's default is 2 s). */
    SimulatedFleet(IntFunction<URI> endpoints, Duration heartbeat)
    {
        this.endpoints = requireNonNull(endpoints, "endpoints is null");
        this.heartbeat = requireNonNull(heartbeat, "heartbeat is null");
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).executor(threads).build());
        }
    }

    /** count agents join with the token (through replica 0), a few at a time; returns how long it took. */
    Duration join(String token, int count)
            throws IOException, InterruptedException
    {
        long started = System.nanoTime();
        Semaphore parallel = new Semaphore(PARALLEL_JOINS);
        List<java.util.concurrent.Future<HostCredential>> joins = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            parallel.acquire();
            joins.add(threads.submit(() -> {
                try {
                    byte[] body = mapper.writeValueAsBytes(Map.of("token", token));
                    JsonNode answer = mapper.readTree(call(0, 0, "join", HttpRequest.BodyPublishers.ofByteArray(body), null, SYNC_TIMEOUT));
                    return new HostCredential(answer.path("hostId").asText(), answer.path("secret").asText());
                }
                finally {
                    parallel.release();
                }
            }));
        }
        for (int i = 0; i < joins.size(); i++) {
            try {
                agents.add(new SimulatedAgent(i, joins.get(i).get(), 0));
            }
            catch (java.util.concurrent.ExecutionException e) {
                throw new IOException("simulated agent " + i + " could not join: " + e.getCause(), e.getCause());
            }
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** Starts every agent's reconcile loop and long poll, each agent's first sync at a random point of one heartbeat. */
    void start()
    {
        running = true;
        for (SimulatedAgent agent : agents) {
            Semaphore wakeUps = new Semaphore(0);
            threads.execute(() -> reconcileLoop(agent, wakeUps));
            threads.execute(() -> listenForChanges(agent, wakeUps));
        }
    }

    /** Agent i talks to replica i modulo count from its next call on. */
    void spreadOver(int count)
    {
        replicas = count;
        for (int i = 0; i < agents.size(); i++) {
            agents.get(i).moveTo(i % count);
        }
    }

    int size()
    {
        return agents.size();
    }

    int tasksRunning()
    {
        return agents.stream().mapToInt(SimulatedAgent::tasksRunning).sum();
    }

    /** Starts a new phase of sync records and returns the last one's. */
    SyncRecorder nextPhase()
    {
        return recorder.getAndSet(new SyncRecorder());
    }

    /** When a host first saw the task in a sync answer (System.nanoTime()), if it did. */
    Long firstSeen(String taskId)
    {
        return firstSeen.get(taskId);
    }

    /** The replica whose sync answer first gave the task to its host, if one did. */
    Integer seenThrough(String taskId)
    {
        return seenThrough.get(taskId);
    }

    private void reconcileLoop(SimulatedAgent agent, Semaphore wakeUps)
    {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(heartbeat.toMillis() + 1));
            long lastSync = 0;
            while (running) {
                wakeUps.drainPermits();
                boolean network = agent.networkWanted().getAndSet(false);
                boolean syncWanted = agent.syncWanted().getAndSet(false);
                // as the real agent's reconcile loop: a change of the network alone between heartbeats fetches the plan alone
                boolean syncDue = syncWanted || lastSync == 0 || System.nanoTime() - lastSync >= heartbeat.toNanos();
                boolean fetched = !syncDue && network && (tookPlanBrought(agent) || fetchNetwork(agent));
                if (syncDue || (network && !fetched)) {
                    lastSync = System.nanoTime();
                    agent.syncRounds().syncBegins();
                    try {
                        sync(agent);
                    }
                    finally {
                        agent.syncRounds().syncEnded();
                    }
                }
                wakeUps.tryAcquire(Math.max(0, heartbeat.toNanos() - (System.nanoTime() - lastSync)), TimeUnit.NANOSECONDS);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void sync(SimulatedAgent agent)
            throws InterruptedException
    {
        long started = System.nanoTime();
        try {
            SyncRequest full = agent.request();
            SyncRequest sent = agent.delta().outgoing(full);
            byte[] body = mapper.writeValueAsBytes(sent);
            byte[] answer;
            SyncResponse whole;
            try {
                answer = call(agent.replica(), agent.hashCode(), "sync", HttpRequest.BodyPublishers.ofByteArray(body), agent.credential(), SYNC_TIMEOUT);
                whole = agent.delta().incoming(full, sent, mapper.readValue(answer, SyncResponse.class));
            }
            catch (IOException | RuntimeException e) {
                agent.delta().lost();
                throw e;
            }
            long answered = System.nanoTime();
            // counted in the phase it ends in
            recorder.get().roundTrips.add(answered - started);
            recorder.get().bytes.add(body.length + answer.length);
            for (String taskId : agent.apply(SimulatedAgent.Answer.of(whole), Instant.now())) {
                firstSeen.putIfAbsent(taskId, answered);
                seenThrough.putIfAbsent(taskId, agent.replica());
            }
        }
        catch (IOException e) {
            recorder.get().failures.increment();
            // as the real agent does: the next call goes to another replica
            agent.moveTo((agent.replica() + 1) % replicas);
        }
    }

    /** The network plan alone, as the real agent's link fetches it; false when it could not be (a sync follows). */
    private boolean fetchNetwork(SimulatedAgent agent)
            throws InterruptedException
    {
        try {
            byte[] body = call(agent.replica(), agent.hashCode(), agent.delta().networkFetchPath(), null, agent.credential(), SYNC_TIMEOUT);
            NetworkAnswer answer = mapper.readValue(body, NetworkAnswer.class);
            recorder.get().networkFetches.increment();
            recorder.get().networkFetchBytes.add(body.length);
            return agent.delta().networkFetched(answer).isPresent();
        }
        catch (IOException e) {
            return false;
        }
    }

    /**
     * Holds the plan the last network-only wake-up brought when it is still made for what the agent holds (as the real
     * agent's link takes it, on the thread that syncs); false when none came or it no longer fits (a fetch follows).
     */
    private boolean tookPlanBrought(SimulatedAgent agent)
    {
        SimulatedAgent.PlanBrought brought = agent.planBrought().getAndSet(null);
        if (brought == null || agent.delta().networkBrought(brought.madeFor(), brought.answer()).isEmpty()) {
            return false;
        }
        recorder.get().networkFetches.increment();
        recorder.get().networkBrought.increment();
        recorder.get().networkFetchBytes.add(brought.bytes());
        return true;
    }

    private void listenForChanges(SimulatedAgent agent, Semaphore wakeUps)
    {
        while (running) {
            try {
                // as the real agent's link: the plan comes with a network-only wake-up, made for what the agent holds since its last answer
                String held = agent.delta().heldNetworkQuery();
                byte[] answer = call(agent.replica(), agent.hashCode(), "changes?timeout=" + LONG_POLL_SECONDS + "&network=1&plan=1" + (held.isEmpty() ? "" : "&" + held + "&" + AgentSyncDelta.TAKES_REST_AS_HELD),
                        null, agent.credential(), Duration.ofSeconds(LONG_POLL_SECONDS + 10));
                JsonNode changes = mapper.readTree(answer);
                if (changes.path("changed").asBoolean()) {
                    JsonNode brought = changes.get("network");
                    if (changes.path("networkOnly").asBoolean() && brought != null && !brought.isNull()) {
                        agent.planBrought().set(new SimulatedAgent.PlanBrought(changes.path("madeFor").asText(held), mapper.treeToValue(brought, NetworkAnswer.class), mapper.writeValueAsBytes(brought).length));
                    }
                    long begun = agent.syncRounds().begunSoFar();
                    (changes.path("networkOnly").asBoolean() ? agent.networkWanted() : agent.syncWanted()).set(true);
                    wakeUps.release();
                    if (!changes.path("networkOnly").asBoolean()) {
                        // as the real agent: polled again before the sync begins there, the same change would answer at once
                        agent.syncRounds().awaitSyncAfter(begun, SYNC_AFTER_WAKE_UP_WAIT);
                    }
                }
            }
            catch (IOException e) {
                try {
                    Thread.sleep(heartbeat.toMillis());
                }
                catch (InterruptedException interrupted) {
                    return;
                }
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    /** POST (body given) or GET of /berth/agent/v1/OPERATION on replica; the answer's body, or IOException for any status but 200. */
    private byte[] call(int replica, int spread, String operation, HttpRequest.BodyPublisher body, HostCredential credential, Duration timeout)
            throws IOException, InterruptedException
    {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoints.apply(replica).resolve("/berth/agent/v1/" + operation)).timeout(timeout);
        if (credential != null) {
            request.header("Authorization", credential.authorizationHeader());
        }
        if (body != null) {
            request.header("Content-Type", "application/json").POST(body);
        }
        HttpResponse<byte[]> response = clients.get(Math.floorMod(spread, CLIENTS)).send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(operation + " on replica " + replica + " answered " + response.statusCode() + ": " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return response.body();
    }

    @Override
    public void close()
    {
        running = false;
        threads.shutdownNow();
        clients.forEach(HttpClient::close);
    }
}
