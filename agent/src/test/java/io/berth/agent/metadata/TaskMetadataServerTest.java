package io.berth.agent.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerRuntime;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.ContainerUsage;
import io.berth.agent.tasks.TaskRecord;
import io.berth.common.json.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server on loopback: task A's address is 127.0.0.1 and task B's 127.0.0.2, and each request is sent
 * from the address chosen, so the source check is exercised without network namespaces.
 */
class TaskMetadataServerTest
{
    private static final String TASK_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String TASK_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path directory;

    private final Map<String, ContainerUsage> usage = new ConcurrentHashMap<>();
    private TaskMetadataServer server;
    private TaskRecord taskA;
    private TaskRecord taskB;

    @BeforeEach
    void startServer()
            throws IOException
    {
        taskA = MetadataFixtures.runningTask(TASK_A, "127.0.0.1");
        taskB = MetadataFixtures.runningTask(TASK_B, "127.0.0.2");
        server = new TaskMetadataServer(ContainerTokens.fromSecretFile(directory.resolve("secret")), () -> List.of(taskA, taskB), new UsageOnlyRuntime(), new TaskMetadataDocuments("local"), Clock.systemUTC());
        server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stopServer()
    {
        server.close();
    }

    @Test
    void containerReadsItsOwnContainerAndTask()
            throws IOException
    {
        String url = server.environment().forContainer(taskA, "sidecar").get(TaskMetadataServer.URI_V4_VARIABLE);
        assertThat(url).startsWith(server.baseUrl().orElseThrow() + "/v4/" + TASK_A + "-");
        assertThat(server.environment().forContainer(taskA, "sidecar").get(TaskMetadataServer.URI_V3_VARIABLE)).contains("/v3/");

        Response container = get("127.0.0.1", url);
        Response task = get("127.0.0.1", url + "/task");

        assertThat(container.status()).isEqualTo(200);
        assertThat(container.json().get("Name").asText()).isEqualTo("sidecar");
        assertThat(container.json().get("DockerId").asText()).isEqualTo(TASK_A + "-sidecar");
        assertThat(task.status()).isEqualTo(200);
        assertThat(task.json().get("TaskARN").asText()).endsWith("/" + TASK_A);
        assertThat(task.json().get("Containers")).hasSize(2);
    }

    @Test
    void statsOfTheContainerAndOfTheTask()
            throws IOException
    {
        String url = server.environment().forContainer(taskA, "app").get(TaskMetadataServer.URI_V4_VARIABLE);
        usage.put(TASK_A + "-app", new ContainerUsage(1_000_000, 30 * MIB, OptionalLong.of(40 * MIB)));

        Response first = get("127.0.0.1", url + "/stats");
        usage.put(TASK_A + "-app", new ContainerUsage(3_000_000, 31 * MIB, OptionalLong.of(40 * MIB)));
        Response second = get("127.0.0.1", url + "/stats");
        Response task = get("127.0.0.1", url + "/task/stats");

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("memory_stats").get("usage").asLong()).isEqualTo(30 * MIB);
        assertThat(first.json().get("memory_stats").get("limit").asLong()).isEqualTo(512 * MIB);
        assertThat(first.json().get("preread").asText()).isEqualTo(ContainerStatsDocuments.ZERO_TIME);
        // the second reading's precpu is the first's
        assertThat(second.json().get("cpu_stats").get("cpu_usage").get("total_usage").asLong()).isEqualTo(3_000_000);
        assertThat(second.json().get("precpu_stats").get("cpu_usage").get("total_usage").asLong()).isEqualTo(1_000_000);
        assertThat(second.json().get("preread").asText()).isEqualTo(first.json().get("read").asText());
        // the sidecar has no cgroup to read (as before it starts): null, as Docker shows a container without stats
        assertThat(task.json().get(TASK_A + "-app").get("memory_stats").get("usage").asLong()).isEqualTo(31 * MIB);
        assertThat(task.json().has(TASK_A + "-sidecar")).isTrue();
        assertThat(task.json().get(TASK_A + "-sidecar").isNull()).isTrue();
        assertThat(task.json().has(TASK_B + "-app")).isFalse();
    }

    @Test
    void anotherTasksTokenIsRefusedFromThisTasksAddress()
            throws IOException
    {
        String urlOfA = server.environment().forContainer(taskA, "app").get(TaskMetadataServer.URI_V4_VARIABLE);
        String urlOfB = server.environment().forContainer(taskB, "app").get(TaskMetadataServer.URI_V4_VARIABLE);

        // task B with A's leaked token is refused; with its own it is answered
        Response stolen = get("127.0.0.2", urlOfA + "/task");
        Response own = get("127.0.0.2", urlOfB + "/task");

        assertThat(stolen.status()).isEqualTo(403);
        assertThat(stolen.json().get("Error").asText()).contains("another task");
        assertThat(stolen.body()).doesNotContain(TASK_A);
        assertThat(own.status()).isEqualTo(200);
        assertThat(own.json().get("TaskARN").asText()).endsWith("/" + TASK_B);
    }

    @Test
    void unknownOrForgedTokensAndOtherPathsAreNotFound()
            throws IOException
    {
        String base = server.baseUrl().orElseThrow();
        String urlOfA = server.environment().forContainer(taskA, "app").get(TaskMetadataServer.URI_V4_VARIABLE);
        String forged = urlOfA.substring(0, urlOfA.length() - 4) + "0000";

        assertThat(get("127.0.0.1", forged).status()).isEqualTo(404);
        assertThat(get("127.0.0.1", base + "/v4/" + TASK_A + "-" + "0".repeat(32) + "/task").status()).isEqualTo(404);
        assertThat(get("127.0.0.1", base + "/v4/nonsense").json().get("Error").asText()).contains("unknown metadata token");
        assertThat(get("127.0.0.1", base + "/").status()).isEqualTo(404);
        assertThat(get("127.0.0.1", urlOfA + "/credentials").status()).isEqualTo(404);
    }

    @Test
    void aTaskWithoutANetworkGetsNoUrl()
    {
        TaskRecord withoutNetwork = TaskRecord.fresh(taskA.assignment());

        assertThat(server.environment().forContainer(withoutNetwork, "app")).isEmpty();
    }

    private record Response(int status, String body)
    {
        JsonNode json()
                throws IOException
        {
            return Json.mapper().readTree(body);
        }
    }

    /** A plain HTTP/1.0 GET sent from the given local address: java.net.http cannot choose one. */
    private static Response get(String fromAddress, String url)
            throws IOException
    {
        URI uri = URI.create(url);
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(fromAddress), 0));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri.getRawPath() + " HTTP/1.0\r\nHost: " + uri.getHost() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(response.indexOf(' ') + 1, response.indexOf(' ') + 4));
            return new Response(status, response.substring(response.indexOf("\r\n\r\n") + 4));
        }
    }

    /** Only usage is read by the server; the rest is never called. */
    private final class UsageOnlyRuntime
            implements ContainerRuntime
    {
        @Override
        public void start(ContainerLaunch launch)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ContainerStatus> status(String containerId)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void signal(String containerId, int signal)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String containerId)
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ContainerUsage> usage(String containerId)
        {
            return Optional.ofNullable(usage.get(containerId));
        }

        @Override
        public List<String> containerIds()
        {
            return List.of();
        }
    }
}
