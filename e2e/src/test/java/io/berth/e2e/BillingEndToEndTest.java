package io.berth.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.berth.cli.client.BerthClient;
import io.berth.cli.client.BerthClientConfig;
import io.berth.cli.commands.BerthCommandFactory;
import io.berth.cli.commands.BerthCommands;
import io.berth.cli.commands.BillCommand;
import io.berth.common.json.Json;
import io.berth.common.sigv4.SigV4Credentials;
import io.berth.controlplane.metering.MeteringConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.berth.e2e.BerthEnvironment.awaitStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bill of a real Berth: tasks run under runc, usage read from their cgroups by the agent, billed per
 * second on their requested size, through the admin endpoint and `berth bill`.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BillingEndToEndTest
{
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String CLUSTER = "billing";
    /** The minimum billed duration of the Berth that the restart test restarts, instead of Fargate's one minute. */
    private static final Duration SHORT_MINIMUM = Duration.ofSeconds(10);

    private BerthEnvironment environment;

    @BeforeAll
    void startBerth()
            throws Exception
    {
        environment = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-billing"));
    }

    @AfterAll
    void stopBerth()
            throws Exception
    {
        if (environment != null) {
            environment.close();
        }
    }

    @Test
    void aBusyAndAnIdleTaskOfOneSizeBillTheSameMinimumAndShowDifferentUse()
    {
        AccountKeys tenant = AccountKeys.create(environment, "billing-busy-idle");
        String busyArn;
        String idleArn;
        try (EcsClient ecs = client(tenant)) {
            ecs.createCluster(request -> request.clusterName(CLUSTER));
            busyArn = run(ecs, register(ecs, "burner", List.of("sh", "-c", "while :; do :; done & sleep 6; kill $!")));
            idleArn = run(ecs, register(ecs, "sleeper", List.of("sleep", "6")));
            Task busy = awaitStatus(ecs, CLUSTER, busyArn, "STOPPED", TIMEOUT);
            Task idle = awaitStatus(ecs, CLUSTER, idleArn, "STOPPED", TIMEOUT);
            // both ran for less than the minimum
            assertThat(Duration.between(busy.pullStartedAt(), busy.executionStoppedAt())).isLessThan(Duration.ofSeconds(60));
            assertThat(Duration.between(idle.pullStartedAt(), idle.executionStoppedAt())).isLessThan(Duration.ofSeconds(60));
        }

        JsonNode bill = bill(tenant, Map.of("by", "task"));
        JsonNode busyLine = line(bill, busyArn);
        JsonNode idleLine = line(bill, idleArn);
        assertThat(busyLine.get("billedSeconds").asLong()).isEqualTo(60);
        assertThat(idleLine.get("billedSeconds").asLong()).isEqualTo(60);
        assertThat(busyLine.get("cost").asText()).isEqualTo(idleLine.get("cost").asText());
        // 60 s of 0.25 vCPU and 0.5 GiB: 60 * (0.25 * 0.04048 + 0.5 * 0.004445) / 3600
        assertThat(new BigDecimal(busyLine.get("cost").asText())).isEqualByComparingTo("0.0002057083");
        assertThat(busyLine.get("usedCpuSeconds").asDouble()).isGreaterThan(0.5);
        assertThat(idleLine.get("usedCpuSeconds").asDouble()).isLessThan(0.2);
        assertThat(busyLine.get("cpuUtilisation").asDouble()).isGreaterThan(5 * idleLine.get("cpuUtilisation").asDouble());
        assertThat(idleLine.get("peakMemoryMiB").asDouble()).isGreaterThan(0).isLessThan(64);

        // the lines add up to the total exactly, whatever the grouping
        for (String by : List.of("task", "family", "cluster", "service")) {
            JsonNode grouped = bill(tenant, Map.of("by", by));
            BigDecimal sum = BigDecimal.ZERO;
            long seconds = 0;
            for (JsonNode line : grouped.get("lines")) {
                sum = sum.add(new BigDecimal(line.get("cost").asText()));
                seconds += line.get("billedSeconds").asLong();
            }
            assertThat(sum).isEqualTo(new BigDecimal(grouped.get("total").get("cost").asText()));
            assertThat(seconds).isEqualTo(grouped.get("total").get("billedSeconds").asLong()).isEqualTo(120);
        }
    }

    @Test
    void aControlPlaneRestartInTheMiddleOfATaskNeitherLosesNorDoublesTime()
            throws Exception
    {
        // a Berth of its own, restarted here, whose minimum is short: the task must run past the minimum for its
        // billed time to be its own, and a one-minute run would be mostly waiting
        BerthEnvironment restarted = BerthEnvironment.start(Files.createTempDirectory("berth-e2e-billing-restart"),
                config -> config.withMetering(MeteringConfig.DEFAULTS.withMinimumBilledDuration(SHORT_MINIMUM)));
        try {
            AccountKeys tenant = AccountKeys.create(restarted, "billing-restart");
            String taskArn;
            Task running;
            try (EcsClient ecs = client(restarted, tenant)) {
                ecs.createCluster(request -> request.clusterName(CLUSTER));
                taskArn = run(ecs, register(restarted, ecs, "long-burner", List.of("sh", "-c", "while :; do :; done")));
                running = awaitStatus(ecs, CLUSTER, taskArn, "RUNNING", TIMEOUT);
            }
            // wait for a usage sample to reach the control plane before it goes away
            double usedBefore = awaitUsedCpu(restarted, tenant, taskArn, 0.1);

            restarted.restart();

            Task stopped;
            try (EcsClient ecs = client(restarted, tenant)) {
                // a sample taken after the restart arrives, and the task runs past the minimum so the billed time is its own
                awaitUsedCpu(restarted, tenant, taskArn, usedBefore + 0.1);
                Thread.sleep(Math.max(0, Duration.between(Instant.now(), running.pullStartedAt().plus(SHORT_MINIMUM).plusSeconds(5)).toMillis()));
                ecs.stopTask(request -> request.cluster(CLUSTER).task(taskArn));
                stopped = awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT);
            }

            JsonNode line = line(bill(restarted, tenant, Map.of("by", "task")), taskArn);
            long run = Duration.between(stopped.pullStartedAt(), stopped.executionStoppedAt()).toMillis();
            assertThat(run).isGreaterThan(SHORT_MINIMUM.toMillis());
            assertThat(line.get("billedSeconds").asLong()).isEqualTo(Math.ceilDiv(run, 1000L));
            double usedAfter = line.get("usedCpuSeconds").asDouble();
            // the time after the restart counted, and nothing counted twice: at most a quarter vCPU for the run
            assertThat(usedAfter).isGreaterThan(usedBefore);
            assertThat(usedAfter).isLessThanOrEqualTo(0.25 * run / 1000.0 * 1.1 + 0.5);
        }
        finally {
            restarted.close();
        }
    }

    @Test
    void anotherAccountsTasksNeverAppearInATenantsBill()
    {
        AccountKeys mine = AccountKeys.create(environment, "billing-mine");
        AccountKeys theirs = AccountKeys.create(environment, "billing-theirs");
        String myTask;
        String theirTask;
        try (EcsClient ecs = client(mine)) {
            ecs.createCluster(request -> request.clusterName(CLUSTER));
            myTask = run(ecs, register(ecs, "mine", List.of("true")));
            awaitStatus(ecs, CLUSTER, myTask, "STOPPED", TIMEOUT);
        }
        try (EcsClient ecs = client(theirs)) {
            ecs.createCluster(request -> request.clusterName(CLUSTER));
            theirTask = run(ecs, register(ecs, "theirs", List.of("true")));
            awaitStatus(ecs, CLUSTER, theirTask, "STOPPED", TIMEOUT);
        }

        assertThat(taskArns(bill(mine, Map.of()))).containsExactly(myTask);
        assertThat(taskArns(bill(theirs, Map.of()))).containsExactly(theirTask);
        assertThat(taskArns(bill(null, Map.of()))).contains(myTask, theirTask);
        assertThat(taskArns(bill(null, Map.of("account", theirs.accountId())))).containsExactly(theirTask);

        // and through the CLI: `berth bill --by task -o json`
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine berth = cli(mine, out, err);
        assertThat(berth.execute("bill", "--by", "task", "-o", "json")).as(err.toString()).isZero();
        JsonNode printed = parse(out.toString());
        assertThat(printed.isArray()).isTrue();
        assertThat(printed).hasSize(1);
        JsonNode task = printed.get(0);
        assertThat(task.get("taskArn").asText()).isEqualTo(myTask);
        assertThat(task.get("billedSeconds").isIntegralNumber()).isTrue();
        assertThat(task.get("billedSeconds").asLong()).isEqualTo(60);
        assertThat(task.get("vcpu").decimalValue()).isEqualByComparingTo("0.25");
        assertThat(task.get("memoryGiB").decimalValue()).isEqualByComparingTo("0.5");
        assertThat(task.get("cost").isTextual()).isTrue();
        assertThat(new BigDecimal(task.get("cost").asText())).isEqualByComparingTo("0.0002057083");
        assertThat(task.get("usedCpuSeconds").isNumber()).isTrue();
        assertThat(task.get("avgMemoryMiB").isNumber()).isTrue();
        assertThat(task.get("peakMemoryMiB").isNumber()).isTrue();

        StringWriter denied = new StringWriter();
        assertThat(cli(mine, new StringWriter(), denied).execute("bill", "--account", theirs.accountId())).isNotZero();
        assertThat(denied.toString()).contains("AccessDeniedException");
    }

    @Test
    void aBillByTagSumsEachValueOfTheTaskTagAsTheTasksAreTaggedNow()
    {
        AccountKeys tenant = AccountKeys.create(environment, "billing-tags");
        List<String> tasks = new ArrayList<>();
        try (EcsClient ecs = client(tenant)) {
            ecs.createCluster(request -> request.clusterName(CLUSTER));
            String definition = register(ecs, "tagged", List.of("true"));
            for (String team : List.of("red", "red", "blue", "")) {
                tasks.add(ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition)
                        .tags(team.isEmpty() ? List.of() : List.of(Tag.builder().key("team").value(team).build())))
                        .tasks().get(0).taskArn());
            }
            tasks.forEach(taskArn -> awaitStatus(ecs, CLUSTER, taskArn, "STOPPED", TIMEOUT));
            // retagged after it stopped: the bill follows the tags the task has now
            ecs.tagResource(request -> request.resourceArn(tasks.get(1)).tags(Tag.builder().key("team").value("blue").build()));
        }

        JsonNode bill = bill(tenant, Map.of("by", "tag:team"));
        assertThat(bill.get("by").asText()).isEqualTo("tag:team");
        Map<String, Integer> tasksPerTeam = new HashMap<>();
        bill.get("lines").forEach(line -> tasksPerTeam.put(line.get("tag:team").asText(), line.get("tasks").asInt()));
        assertThat(tasksPerTeam).containsOnly(Map.entry("red", 1), Map.entry("blue", 2), Map.entry("(untagged)", 1));

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(cli(tenant, out, err).execute("bill", "--by", "tag:team", "-o", "json")).as(err.toString()).isZero();
        assertThat(parse(out.toString())).hasSize(3);
    }

    private String register(EcsClient ecs, String family, List<String> command)
    {
        return register(environment, ecs, family, command);
    }

    private static String register(BerthEnvironment berth, EcsClient ecs, String family, List<String> command)
    {
        return ecs.registerTaskDefinition(request -> request.family(family).requiresCompatibilitiesWithStrings("FARGATE").cpu("256").memory("512")
                        .containerDefinitions(ContainerDefinition.builder().name("main").image(berth.image()).command(command).stopTimeout(2).build()))
                .taskDefinition().taskDefinitionArn();
    }

    private static String run(EcsClient ecs, String definition)
    {
        return ecs.runTask(request -> request.networkConfiguration(BerthEnvironment.awsvpc()).cluster(CLUSTER).taskDefinition(definition)).tasks().get(0).taskArn();
    }

    private static double awaitUsedCpu(BerthEnvironment berth, AccountKeys tenant, String taskArn, double atLeast)
    {
        return org.awaitility.Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> line(bill(berth, tenant, Map.of("by", "task")), taskArn).get("usedCpuSeconds").asDouble(), used -> used >= atLeast);
    }

    private EcsClient client(AccountKeys keys)
    {
        return client(environment, keys);
    }

    private static EcsClient client(BerthEnvironment berth, AccountKeys keys)
    {
        return berth.client(keys.accessKeyId(), keys.secretAccessKey());
    }

    /** GET /berth/bill signed as the tenant (or as the operator when tenant is null). */
    private JsonNode bill(AccountKeys tenant, Map<String, String> query)
    {
        return bill(environment, tenant, query);
    }

    private static JsonNode bill(BerthEnvironment berth, AccountKeys tenant, Map<String, String> query)
    {
        try (BerthClient client = tenant == null ? SignedClients.operator(berth) : signed(berth, tenant)) {
            return client.admin("GET", "/berth/bill", new HashMap<>(query), null);
        }
    }

    private BerthClient signed(AccountKeys keys)
    {
        return signed(environment, keys);
    }

    private static BerthClient signed(BerthEnvironment berth, AccountKeys keys)
    {
        return new BerthClient(new BerthClientConfig(berth.berth().endpoint(), new SigV4Credentials(keys.accessKeyId(), keys.secretAccessKey()), "us-east-1"),
                Clock.systemUTC());
    }

    private CommandLine cli(AccountKeys keys, StringWriter out, StringWriter err)
    {
        @CommandLine.Command(name = "berth", subcommands = BillCommand.class)
        final class Root
                implements Runnable
        {
            @Override
            public void run() {}
        }
        CommandLine commandLine = new CommandLine(new Root(), new BerthCommandFactory((endpoint, region) -> signed(keys), Optional.empty(), Clock.systemUTC()));
        BerthCommands.configure(commandLine);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }

    private static JsonNode line(JsonNode bill, String taskArn)
    {
        for (JsonNode line : bill.get("lines")) {
            if (line.get("taskArn").asText().equals(taskArn)) {
                return line;
            }
        }
        throw new AssertionError("task " + taskArn + " is not in the bill: " + bill);
    }

    private static List<String> taskArns(JsonNode bill)
    {
        List<String> arns = new ArrayList<>();
        bill.get("lines").forEach(line -> arns.add(line.get("taskArn").asText()));
        return arns;
    }

    private static JsonNode parse(String json)
    {
        try {
            return Json.mapper().readTree(json);
        }
        catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
