package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.cli.client.BerthClient;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
import io.berth.common.agentprotocol.TaskReport;
import io.berth.common.agentprotocol.TaskUsage;
import io.berth.controlplane.ControlPlane;
import io.berth.controlplane.ControlPlaneConfig;
import io.berth.controlplane.accounts.AccessKey;
import io.berth.controlplane.api.http.ApiServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.Command;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** berth bill against a real control plane (SQLite) and API server, with usage fed through the agent gateway. */
class BillCommandTest
{
    @Command(name = "berth", subcommands = BillCommand.class)
    static final class TestRoot
            implements Runnable
    {
        @Override
        public void run() {}
    }

    private static final HostInfo HOST = new HostInfo("host-1", "127.0.0.1", 16384, 65536, Map.of());

    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private ApiServer server;
    private AccessKey tenant;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")));
        controlPlane.accounts().bootstrapOperator();
        tenant = controlPlane.accounts().createAccount("team-a");
        server = new ApiServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), controlPlane.accessKeys(), controlPlane.ecsActions(),
                controlPlane.adminEndpoints(), Clock.systemUTC());
        server.start();
    }

    @AfterEach
    void stop()
    {
        server.close();
        controlPlane.close();
    }

    @Test
    void printsTheBillAsJsonCsvAndTable()
    {
        Instant pullStart = Instant.now().minusSeconds(600);
        String busy = runTask(pullStart, pullStart.plusMillis(90_500), new TaskUsage(45, 300, 400, 90, pullStart.plusSeconds(90)));
        String idle = runTask(pullStart, pullStart.plusMillis(90_500), new TaskUsage(0.25, 4, 5, 90, pullStart.plusSeconds(90)));

        String json = cli().run("bill", "--by", "task", "-o", "json");
        JsonNode lines = CommandAgainstServer.parse(json);
        assertThat(lines.isArray()).isTrue();
        assertThat(lines).hasSize(2);
        for (JsonNode line : lines) {
            assertThat(line.get("taskArn").asText()).contains(":task/default/");
            assertThat(line.get("billedSeconds").asLong()).isEqualTo(91);
            assertThat(line.get("vcpu").decimalValue()).isEqualByComparingTo("1");
            assertThat(line.get("memoryGiB").decimalValue()).isEqualByComparingTo("2");
            assertThat(line.get("cost").isTextual()).isTrue();
            assertThat(new BigDecimal(line.get("cost").asText())).isEqualByComparingTo("0.0012479639");
            assertThat(line.has("usedCpuSeconds") && line.has("avgMemoryMiB") && line.has("peakMemoryMiB")).isTrue();
        }
        assertThat(lines).extracting(line -> line.get("taskId").asText()).containsExactlyInAnyOrder(busy, idle);
        assertThat(line(lines, busy).get("usedCpuSeconds").asDouble()).isEqualTo(45);
        assertThat(line(lines, idle).get("peakMemoryMiB").asDouble()).isEqualTo(5);

        String csv = cli().run("bill", "--by", "family", "-o", "csv");
        assertThat(csv.lines().toList()).hasSize(2);
        assertThat(csv.lines().toList().get(0)).startsWith("family,tasks,billedSeconds,vcpuSeconds,gbSeconds,cost,");
        assertThat(csv.lines().toList().get(1)).startsWith("job,2,182,182,364,0.0024959278,");

        String table = cli().run("bill");
        assertThat(table).contains("AWS Fargate us-east-1 Linux/x86 list price", "TOTAL", "COST-USD", "0.002496", "Right-sizing:");
        assertThat(table).contains(busy.substring(0, 8));

        assertThat(CommandAgainstServer.parse(cli().run("bill", "-o", "json", "--recommendations")).isArray()).isTrue();
    }

    @Test
    void badDatesGiveOneLine()
    {
        StringWriter err = new StringWriter();
        int exitCode = cli().commandLine(new StringWriter(), err).execute("bill", "--since", "someday");
        assertThat(exitCode).isNotZero();
        assertThat(err.toString().strip()).containsIgnoringCase("since must be a date").doesNotContain("\n").doesNotContain("\tat ");
    }

    private static JsonNode line(JsonNode lines, String taskId)
    {
        for (JsonNode line : lines) {
            if (line.get("taskId").asText().equals(taskId)) {
                return line;
            }
        }
        throw new AssertionError("no line for task " + taskId);
    }

    private String runTask(Instant pullStart, Instant stop, TaskUsage usage)
    {
        ObjectNode definition = (ObjectNode) CommandAgainstServer.parse("""
                {"family": "job", "requiresCompatibilities": ["FARGATE"], "cpu": "1024", "memory": "2048", "containerDefinitions": [{"name": "main", "image": "busybox"}]}
                """);
        try (BerthClient client = cli().clients().connect(Optional.empty(), Optional.empty())) {
            client.ecs("RegisterTaskDefinition", definition);
            controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of()));
            String arn = client.ecs("RunTask", (ObjectNode) CommandAgainstServer.parse("{\"taskDefinition\": \"job\", \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [\"subnet-berth\"]}}}")).get("tasks").get(0).get("taskArn").asText();
            String taskId = arn.substring(arn.lastIndexOf('/') + 1);
            controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of()));
            controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of(
                    new TaskReport(taskId, TaskReport.Status.STOPPED, pullStart, pullStart, pullStart, stop, null, null, List.of(), usage, null))));
            return taskId;
        }
    }

    private CommandAgainstServer cli()
    {
        return new CommandAgainstServer(TestRoot::new, server.endpoint(), tenant);
    }
}
