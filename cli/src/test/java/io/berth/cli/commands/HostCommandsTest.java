package io.berth.cli.commands;

import io.berth.cli.client.BerthClientFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** berth host ls/cordon/uncordon/drain and berth explain against a real ApiServer serving fake host endpoints. */
class HostCommandsTest
{
    @Command(name = "berth", subcommands = {HostCommand.class, ExplainCommand.class})
    static final class TestRoot
            implements Runnable
    {
        @Override
        public void run() {}
    }

    record Result(int exitCode, String out, String err) {}

    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private FakeHosts fake;

    @BeforeEach
    void start()
    {
        fake = new FakeHosts(clock);
        fake.addHost("host-a", "ACTIVE", 2, NOW.minusSeconds(3));
        fake.addHost("host-b", "CORDONED", 0, NOW.minusSeconds(125));
    }

    @AfterEach
    void stop()
    {
        fake.close();
    }

    private Result berth(String... args)
    {
        return berth(fake.clients(FakeHosts.OPERATOR), args);
    }

    private Result berth(BerthClientFactory clients, String... args)
    {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new TestRoot(), new BerthCommandFactory(clients, Optional.empty(), clock));
        BerthCommands.configure(commandLine);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void lsPrintsATable()
    {
        Result result = berth("host", "ls");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("""
                HOST ID   ADDRESS    SUBNET          STATE      CPU        MEMORY (MiB)   TASKS   ISOLATION           VERSION   LAST HEARTBEAT
                host-a    10.0.0.1   10.213.0.0/24   ACTIVE     512/4096   1024/8192      2       container,sandbox   0.2.0     3 seconds ago
                host-b    10.0.0.2   10.213.1.0/24   CORDONED   0/4096     0/8192         0       container           -         2 minutes ago
                """);
    }

    @Test
    void lsPrintsJson()
    {
        Result result = berth("host", "ls", "-o", "json");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("\"hostId\" : \"host-a\"").contains("\"state\" : \"CORDONED\"").contains("\"taskSubnet\" : \"10.213.0.0/24\"").startsWith("[");
    }

    @Test
    void cordonUncordonAndDrain()
    {
        assertThat(berth("host", "cordon", "host-a").out()).isEqualTo("Host host-a cordoned: it gets no new tasks (state CORDONED, 2 tasks)\n");
        assertThat(berth("host", "uncordon", "host-a").out()).isEqualTo("Host host-a uncordoned: it takes new tasks again (state ACTIVE, 2 tasks)\n");
        assertThat(berth("host", "drain", "host-a", "--deadline", "90s").out())
                .isEqualTo("Host host-a is draining: its tasks stop in 90 s unless they end before (state DRAINING, 2 tasks)\n");
        assertThat(berth("host", "drain", "host-b").exitCode()).isZero();

        assertThat(fake.calls).containsExactly(
                "POST /berth/hosts/host-a/cordon",
                "POST /berth/hosts/host-a/uncordon",
                "POST /berth/hosts/host-a/drain {\"deadlineSeconds\":90}",
                "POST /berth/hosts/host-b/drain {\"deadlineSeconds\":300}");
        assertThat(berth("host", "ls").out()).contains("DRAINING (until " + NOW.plus(Duration.ofMinutes(5)) + ")");
    }

    @Test
    void rmRemovesAnIdleHostAndAHostWithTasksOnlyByForce()
    {
        assertThat(berth("host", "rm", "host-b").out()).isEqualTo("Host host-b removed: task subnet 10.213.1.0/24 freed\n");

        Result refused = berth("host", "rm", "host-a");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).isEqualTo("berth: ClientException: Host host-a still holds 2 tasks that are not STOPPED: drain it first, or remove it with --force.\n");

        assertThat(berth("host", "rm", "host-a", "--force").out()).isEqualTo("Host host-a removed: task subnet 10.213.0.0/24 freed, 2 tasks recorded STOPPED\n");
        assertThat(fake.calls).containsExactly("DELETE /berth/hosts/host-b", "DELETE /berth/hosts/host-a", "DELETE /berth/hosts/host-a?force=true");

        Result unknown = berth("host", "rm", "host-x");
        assertThat(unknown.err()).isEqualTo("berth: ResourceNotFoundException: No host host-x has joined this control plane; `berth host ls` lists the hosts.\n");
    }

    @Test
    void errorsAreOneLine()
    {
        Result unknown = berth("host", "cordon", "host-x");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("berth: InvalidParameterException: No host host-x has joined this control plane; `berth host ls` lists the hosts.\n");

        Result badDeadline = berth("host", "drain", "host-a", "--deadline", "soon");
        assertThat(badDeadline.exitCode()).isEqualTo(1);
        assertThat(badDeadline.err()).isEqualTo("berth: Deadline 'soon' is not a duration: use seconds (300) or a unit (90s, 5m, 1h)\n");

        Result tenant = berth(fake.clients(FakeHosts.TENANT), "host", "ls");
        assertThat(tenant.exitCode()).isEqualTo(1);
        assertThat(tenant.err()).startsWith("berth: AccessDeniedException: Only the operator account can manage hosts");
    }

    @Test
    void explainShowsWhyATaskWaits()
    {
        Result result = berth("explain", "arn:aws:ecs:us-east-1:123456789012:task/default/0123456789abcdef0123456789abcdef");

        assertThat(result.exitCode()).isZero();
        assertThat(fake.calls).containsExactly("GET /berth/tasks/0123456789abcdef0123456789abcdef/placement");
        assertThat(result.out()).isEqualTo("""
                Task:     0123456789abcdef0123456789abcdef (PROVISIONING)
                Strategy: binpack(memory)
                Constraint: memberOf attribute:disk == ssd
                Waiting:  RESOURCE:MEMORY (no host has 8192 MiB free; largest free: 3000 MiB; 2 hosts: 1 RESOURCE:MEMORY, 1 CORDONED)
                HOST ID   REJECTED BECAUSE
                host-a    RESOURCE:MEMORY
                host-b    CORDONED
                """);
    }

    @Test
    void deadlines()
    {
        assertThat(HostDrainCommand.parseDuration("300")).isEqualTo(Duration.ofSeconds(300));
        assertThat(HostDrainCommand.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(HostDrainCommand.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(HostDrainCommand.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> HostDrainCommand.parseDuration("100ms")).isInstanceOf(CommandFailedException.class);
    }
}
