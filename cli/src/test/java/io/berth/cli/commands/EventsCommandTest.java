package io.berth.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.common.agentprotocol.HostInfo;
import io.berth.common.agentprotocol.SyncRequest;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** berth events against a real control plane and API server: lines, JSON lines, and -f printing what happens next. */
class EventsCommandTest
{
    @Command(name = "berth", subcommands = EventsCommand.class)
    static final class TestRoot
            implements Runnable
    {
        @Override
        public void run() {}
    }

    private static final HostInfo HOST = new HostInfo("host-1", "127.0.0.1", 4096, 8192, Map.of());

    @TempDir
    Path directory;

    private ControlPlane controlPlane;
    private ApiServer server;
    private AccessKey operator;

    @BeforeEach
    void start()
    {
        controlPlane = new ControlPlane(ControlPlaneConfig.of("jdbc:sqlite:" + directory.resolve("berth.db")));
        operator = controlPlane.accounts().bootstrapOperator();
        server = new ApiServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), controlPlane.accessKeys(), controlPlane.ecsActions(),
                controlPlane.adminEndpoints(), Clock.systemUTC());
        server.start();
        controlPlane.agentGateway().sync(new SyncRequest(HOST, List.of()));
    }

    @AfterEach
    void stop()
    {
        server.close();
        controlPlane.close();
    }

    @Test
    void printsEventsAsLinesAndAsJsonLines()
    {
        controlPlane.hosts().cordon("host-1");
        controlPlane.hosts().uncordon("host-1");

        List<String> lines = cli().run("events").lines().toList();
        assertThat(lines).hasSize(3);
        // the control plane took the controllers' lease as it started
        assertThat(lines.get(0)).contains("  LEADER_ELECTED  ").contains("leads (term 1): nobody held the lease");
        assertThat(lines.get(1)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z  HOST_CORDONED  host-1  cordoned: it gets no new tasks");
        assertThat(lines.get(2)).endsWith("  HOST_UNCORDONED  host-1  uncordoned: it takes new tasks again");

        List<String> json = cli().run("events", "-o", "json", "--limit", "1").lines().toList();
        assertThat(json).hasSize(1);
        JsonNode event = CommandAgainstServer.parse(json.getFirst());
        assertThat(event.get("type").asText()).isEqualTo("HOST_UNCORDONED");
        assertThat(event.get("hostId").asText()).isEqualTo("host-1");
        assertThat(event.get("eventId").asLong()).isPositive();
    }

    @Test
    void followPrintsNewEventsAsTheyHappen()
            throws InterruptedException
    {
        controlPlane.hosts().cordon("host-1");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread follower = Thread.ofVirtual().start(() -> cli().commandLine(out, err).execute("events", "-f"));
        try {
            waitFor(() -> out.toString().contains("HOST_CORDONED"));
            controlPlane.hosts().drain("host-1", Duration.ofMinutes(5));
            waitFor(() -> out.toString().contains("HOST_DRAINED"));
            assertThat(out.toString().lines().map(line -> line.split("  ")[1]).toList()).containsExactly("LEADER_ELECTED", "HOST_CORDONED", "HOST_DRAINING", "HOST_DRAINED");
        }
        finally {
            follower.interrupt();
            follower.join(Duration.ofSeconds(10));
        }
        assertThat(follower.isAlive()).isFalse();
    }

    @Test
    void aLimitOutOfRangeIsRefused()
    {
        StringWriter err = new StringWriter();
        int exitCode = cli().commandLine(new StringWriter(), err).execute("events", "--limit", "0");
        assertThat(exitCode).isNotZero();
        assertThat(err.toString()).contains("--limit must be 1 to 1000");
    }

    /** Waits up to 20 s for the condition, polling every 100 ms. */
    private static void waitFor(java.util.function.BooleanSupplier condition)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s");
            }
            Thread.sleep(100);
        }
    }

    private CommandAgainstServer cli()
    {
        return new CommandAgainstServer(TestRoot::new, server.endpoint(), operator);
    }
}
