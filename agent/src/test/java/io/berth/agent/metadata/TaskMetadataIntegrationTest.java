package io.berth.agent.metadata;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.agent.logs.ContainerLogReader;
import io.berth.agent.network.CniNetworkConfig;
import io.berth.agent.network.CniTaskNetwork;
import io.berth.agent.network.NetworkAttachment;
import io.berth.agent.network.TestPlans;
import io.berth.agent.runtime.CgroupLayout;
import io.berth.agent.runtime.ContainerHardening;
import io.berth.agent.runtime.ContainerLaunch;
import io.berth.agent.runtime.ContainerStatus;
import io.berth.agent.runtime.ResourceLimits;
import io.berth.agent.runtime.RuncConmonRuntime;
import io.berth.agent.tasks.TaskRecord;
import io.berth.common.agentprotocol.LogLine;
import io.berth.common.json.Json;
import io.berth.testing.BusyboxRootfs;
import io.berth.testing.TestNetworks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint as containers see it: real runc containers in real CNI task networks on a bridge and subnet of
 * the test's own, the server on that bridge's gateway address. Needs root, runc, conmon, the CNI plugins and
 * busybox-static.
 */
class TaskMetadataIntegrationTest
{
    private static final String TASK_A = "a0000000000000000000000000000001";
    private static final String TASK_B = "b0000000000000000000000000000002";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    private CniTaskNetwork network;
    private String subnet;
    private RuncConmonRuntime runtime;
    private String cgroupParent;
    private TaskMetadataServer server;
    private final List<TaskRecord> tasks = new CopyOnWriteArrayList<>();
    private Path rootfs;

    @BeforeEach
    void setUp()
            throws IOException
    {
        rootfs = BusyboxRootfs.create(directory.resolve("rootfs"));
        network = new CniTaskNetwork(new CniNetworkConfig(directory.resolve("network"), CniNetworkConfig.DEFAULT_PLUGIN_DIRECTORY, TestNetworks.bridgeName("btmeta")));
        subnet = TestNetworks.subnet();
        cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
        runtime = new RuncConmonRuntime(directory.resolve("runtime"), RuncConmonRuntime.DEFAULT_RUNC, RuncConmonRuntime.DEFAULT_CONMON, cgroupParent, Clock.systemUTC());
        server = new TaskMetadataServer(ContainerTokens.fromSecretFile(directory.resolve("secret")), () -> List.copyOf(tasks), runtime, new TaskMetadataDocuments("local"), Clock.systemUTC());
    }

    @AfterEach
    void tearDown()
            throws Exception
    {
        server.close();
        for (String containerId : runtime.containerIds()) {
            runtime.delete(containerId);
        }
        CgroupLayout.host().remove("/" + cgroupParent);
        List<Exception> failures = new ArrayList<>();
        for (String taskId : network.taskIds()) {
            try {
                network.tearDown(taskId);
            }
            catch (Exception e) {
                failures.add(e);
            }
        }
        network.removeHostNetworkIfUnused();
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    @Test
    void containerReadsItsOwnTaskAndStatsFromTheGatewayAndAnotherTaskCannotUseItsUrl()
            throws Exception
    {
        // the bridge and its gateway address exist once the plan is applied, before any task, so the server can listen then
        assertThat(network.gateway()).isEmpty();
        network.apply(TestPlans.singleHost(subnet));
        String gateway = network.gateway().orElseThrow();
        server.start(gateway, 0);
        network.openMetadataEndpoint(server.port().orElseThrow());
        TaskRecord taskA = task(TASK_A);
        TaskRecord taskB = task(TASK_B);
        assertThat(taskA.network().gateway()).isEqualTo(gateway);
        Map<String, String> environmentOfA = server.environment().forContainer(taskA, "app");
        String urlOfA = environmentOfA.get(TaskMetadataServer.URI_V4_VARIABLE);
        assertThat(urlOfA).startsWith("http://" + gateway + ":");

        start(taskA, environmentOfA, "busybox wget -q -O - $ECS_CONTAINER_METADATA_URI_V4/task; echo; busybox wget -q -O - $ECS_CONTAINER_METADATA_URI_V4/stats; echo");
        // task B got hold of A's URL: its request comes from B's address and is refused
        start(taskB, Map.of("STOLEN", urlOfA), "busybox wget -q -O - $STOLEN/task; echo wget-exit=$?");

        List<String> outputOfA = awaitOutput(taskA);
        JsonNode taskDocument = Json.mapper().readTree(outputOfA.get(0));
        assertThat(taskDocument.get("TaskARN").asText()).isEqualTo(taskA.assignment().taskArn());
        assertThat(taskDocument.get("Limits").get("CPU").asDouble()).isEqualTo(0.25);
        assertThat(taskDocument.get("Limits").get("Memory").asInt()).isEqualTo(512);
        assertThat(taskDocument.get("Containers").get(0).get("Networks").get(0).get("IPv4Addresses").get(0).asText()).isEqualTo(taskA.network().ipv4Address());
        JsonNode stats = Json.mapper().readTree(outputOfA.get(1));
        assertThat(stats.get("memory_stats").get("usage").asLong()).isPositive();
        assertThat(stats.get("memory_stats").get("limit").asLong()).isEqualTo(512L * 1024 * 1024);
        assertThat(stats.get("cpu_stats").get("cpu_usage").get("total_usage").asLong()).isPositive();
        assertThat(stats.get("id").asText()).isEqualTo(TASK_A + "-app");

        List<String> outputOfB = awaitOutput(taskB);
        assertThat(outputOfB).noneMatch(line -> line.contains(TASK_A));
        assertThat(outputOfB).contains("wget-exit=1");
        assertThat(String.join("\n", outputOfB)).contains("403");
    }

    private TaskRecord task(String taskId)
            throws Exception
    {
        // one account: B's request reaches the endpoint, which must refuse it by its source address
        NetworkAttachment attachment = network.setUp(taskId, "111111111111").orElseThrow();
        TaskRecord task = MetadataFixtures.runningTask(taskId, attachment.ipv4Address()).withNetwork(attachment);
        tasks.add(task);
        return task;
    }

    private void start(TaskRecord task, Map<String, String> environment, String script)
            throws Exception
    {
        List<String> env = new ArrayList<>(List.of("PATH=/bin"));
        environment.forEach((name, value) -> env.add(name + "=" + value));
        String containerId = task.containers().get(0).containerId();
        runtime.start(new ContainerLaunch(containerId, rootfs, List.of("sh", "-c", script), env, "/", "", "task", ResourceLimits.fromTaskSize(256, 512),
                logFile(task), Path.of(task.network().networkNamespacePath()), ContainerHardening.DEFAULT));
    }

    private List<String> awaitOutput(TaskRecord task)
            throws IOException
    {
        String containerId = task.containers().get(0).containerId();
        await().atMost(PATIENCE).until(() -> runtime.status(containerId).orElseThrow() instanceof ContainerStatus.Exited);
        return new ContainerLogReader().read(logFile(task), "app", 0, 100).lines().stream().map(LogLine::text).toList();
    }

    private Path logFile(TaskRecord task)
    {
        return directory.resolve("logs").resolve(task.taskId() + ".log");
    }
}
